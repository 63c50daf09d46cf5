#!/usr/bin/env python3
"""Plots a 2D projection of an nbody snapshot (GADGET-style HDF5, /PartType1/Coordinates).

Point size and opacity shrink with N so that 1e2 .. 1e6 particles all give a readable
picture; the title gives the time and N from /Header (and the step from /Integrator).

  plot_snapshot.py outputs/quickstart/snapshot_0004.h5 -o snap.png --axes xz --lim 3
"""
import argparse
import math
import os
import sys

PROG = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "plot_snapshot.py"


def fail(msg, code=2):
    sys.stderr.write("%s: %s\n" % (PROG, msg))
    sys.exit(code)


def import_modules():
    """Imports numpy, h5py and matplotlib (Agg). The first python3 on PATH may lack Debian's
    modules, so on ImportError re-run once under $NBODY_PYTHON or /usr/bin/python3."""
    try:
        import numpy
        import h5py
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return numpy, h5py, plt
    except ImportError as e:
        missing = str(e)
    if not os.environ.get("NBODY_TOOLS_REEXEC"):
        for cand in (os.environ.get("NBODY_PYTHON"), "/usr/bin/python3"):
            if cand and os.access(cand, os.X_OK) and \
                    os.path.realpath(cand) != os.path.realpath(sys.executable):
                os.environ["NBODY_TOOLS_REEXEC"] = "1"
                os.execv(cand, [cand] + sys.argv)
    fail("%s (install python3-numpy python3-h5py python3-matplotlib, or run this script with "
         "a Python that has them, e.g. /usr/bin/python3)" % missing, 1)


def scalar(v):
    """An HDF5 attribute as a Python number (scalars may come back as 1-element arrays)."""
    try:
        return v.item() if hasattr(v, "item") and getattr(v, "size", 1) == 1 else v
    except (TypeError, ValueError):
        return v


# lengths people name, for axis labels: GADGET's UnitLength_in_cm matched to 1e-6
LENGTHS = (("kpc", 3.0856775814913673e21), ("Mpc", 3.0856775814913673e24),
           ("pc", 3.0856775814913673e18), ("au", 1.495978707e13), ("km", 1e5), ("m", 1e2),
           ("cm", 1.0))


def length_unit(hdr):
    """The length unit from /Header UnitLength_in_cm ('kpc', or '3.1e+20 cm'); None when
    the snapshot is in N-body units (no unit attributes)."""
    if "UnitLength_in_cm" not in hdr:
        return None
    try:
        cm = float(scalar(hdr["UnitLength_in_cm"]))
    except (TypeError, ValueError):
        return None
    if not (cm > 0 and math.isfinite(cm)):
        return None
    for name, value in LENGTHS:
        if abs(cm - value) <= 1e-6 * value:
            return name
    return "%.4g cm" % cm


def read_snapshot(np, h5py, path):
    if not os.path.exists(path):
        fail("%s: no such file" % path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        fail("%s: cannot open as HDF5 (%s)" % (path, e))
    with f:
        if "PartType1/Coordinates" not in f:
            fail("%s: /PartType1/Coordinates: missing (expected a GADGET-style snapshot "
                 "written by nbody)" % path)
        dset = f["PartType1/Coordinates"]
        if dset.ndim != 2 or dset.shape[1] != 3:
            fail("%s: /PartType1/Coordinates: shape %s, expected (N, 3)" % (path, dset.shape))
        try:
            pos = dset[...].astype(np.float64, copy=False)
        except OSError as e:
            fail("%s: /PartType1/Coordinates: cannot read (%s)" % (path, e))
        mass = None
        if "PartType1/Masses" in f:
            mass = f["PartType1/Masses"][...]
        hdr = f["Header"].attrs if "Header" in f else {}
        time = scalar(hdr["Time"]) if "Time" in hdr else None
        unit = length_unit(hdr)
        n = len(pos)
        if "NumPart_Total" in hdr:
            total = np.asarray(hdr["NumPart_Total"], dtype=np.uint64)
            high = np.asarray(hdr.get("NumPart_Total_HighWord", np.zeros(6)), dtype=np.uint64)
            n = int(total[1] + (high[1] << np.uint64(32)))
        step = None
        if "Integrator" in f:
            ia = f["Integrator"].attrs
            for key in ("step", "Step"):
                if key in ia:
                    step = int(scalar(ia[key]))
            if time is None and "time" in ia:
                time = scalar(ia["time"])
    if not np.all(np.isfinite(pos)):
        fail("%s: /PartType1/Coordinates: non-finite values" % path)
    return pos, mass, time, n, step, unit


def main():
    ap = argparse.ArgumentParser(
        prog=PROG,
        description="Plot a 2D projection of an nbody snapshot (positions from "
                    "/PartType1/Coordinates) to a PNG.",
        epilog="example: %(prog)s outputs/quickstart/snapshot_0004.h5 -o snap.png --axes xy")
    ap.add_argument("snapshot", help="a snapshot file (snapshot_NNNN.h5, or BASE_NNNN.h5)")
    ap.add_argument("-o", "--output", default="snapshot.png",
                    help="PNG file to write (default: %(default)s)")
    ap.add_argument("--axes", choices=("xy", "xz", "yz"), default="xy",
                    help="projection plane (default: %(default)s)")
    ap.add_argument("--lim", type=float, default=None, metavar="L",
                    help="show [-L, L] on both axes (default: 1.2 times the range that holds 95%% "
                         "of the particles, so a few escapers do not shrink the picture)")
    ap.add_argument("--size", type=float, default=None, metavar="S",
                    help="marker area in points^2 (default: scaled with N)")
    ap.add_argument("--title", default=None, help="plot title (default: file, time, N)")
    ap.add_argument("--dpi", type=int, default=120, help="resolution (default: %(default)s)")
    args = ap.parse_args()
    if args.lim is not None and not (args.lim > 0 and math.isfinite(args.lim)):
        fail("--lim: expected a length > 0, got %g" % args.lim)
    if args.size is not None and not (args.size > 0 and math.isfinite(args.size)):
        fail("--size: expected an area > 0, got %g" % args.size)
    if args.dpi < 10 or args.dpi > 1200:
        fail("--dpi: expected 10 .. 1200, got %d" % args.dpi)

    np, h5py, plt = import_modules()
    pos, _, time, n, step, unit = read_snapshot(np, h5py, args.snapshot)
    a, b = "xyz".index(args.axes[0]), "xyz".index(args.axes[1])
    u, v = pos[:, a], pos[:, b]

    if args.lim is not None:
        lim = args.lim
    elif len(u):
        lim = 1.2 * float(np.quantile(np.maximum(np.abs(u), np.abs(v)), 0.95))
        lim = lim if lim > 0 else 1.0
    else:
        lim = 1.0
    count = max(len(u), 1)
    # about constant total ink: ~4000 points^2 shared by the particles (10 for N = 400),
    # never below about one pixel (0.3 points^2 at 120 dpi), and more transparent as the
    # points crowd so that the dense centre of a 1e6-particle snapshot is not a black blot
    size = args.size if args.size is not None else min(10.0, max(0.3, 4000.0 / count))
    alpha = min(1.0, max(0.04, 50.0 / math.sqrt(count)))

    fig, ax = plt.subplots(figsize=(6.4, 6.4))
    ax.set_facecolor("white")
    ax.scatter(u, v, s=size, c="k", alpha=alpha, linewidths=0, marker="o",
               rasterized=True)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("%s [%s]" % (args.axes[0], unit) if unit else args.axes[0])
    ax.set_ylabel("%s [%s]" % (args.axes[1], unit) if unit else args.axes[1])
    outside = int(np.count_nonzero((np.abs(u) > lim) | (np.abs(v) > lim)))
    if args.title is not None:
        title = args.title
    else:
        parts = [os.path.basename(args.snapshot)]
        if time is not None:
            parts.append("t = %.6g" % time)
        if step is not None:
            parts.append("step %d" % step)
        parts.append("N = %d" % n)
        title = ",  ".join(parts)
    ax.set_title(title)
    if outside:
        ax.text(0.99, 0.01, "%d outside the frame" % outside, transform=ax.transAxes,
                ha="right", va="bottom", fontsize="small", color="0.4")
    fig.tight_layout()
    try:
        fig.savefig(args.output, dpi=args.dpi, format="png")
    except OSError as e:
        fail("%s: cannot write: %s" % (args.output, e.strerror), 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
