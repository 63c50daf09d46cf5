#!/usr/bin/env python3
"""Plots a 2D projection of an nbody snapshot (GADGET-style HDF5, every /PartTypeN group),
or makes a movie of a run's snapshots.

Below 10000 particles each is a point (size and opacity shrink with N); from 10000 on the
picture is a log-scaled surface-density image (mass per pixel area), so that a 1e6-particle
sphere shows its structure instead of a black blot. With several particle types the
points are coloured by type (a legend names PartTypeN). Physical units are named (pc, kpc,
Msun, Myr, Gyr) from the snapshot's unit attributes. The title gives the time and N (and
the step).

  plot_snapshot.py outputs/quickstart/snapshot_0004.h5 -o snap.png --axes xz --lim 3
  plot_snapshot.py outputs/quickstart --movie run.gif
"""
import glob
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import nbody_tool as nt  # noqa: E402  (installed beside this script)

# from this many particles on, --style auto draws a surface-density image
DENSITY_FROM = 10000


def import_modules():
    import numpy
    import h5py
    plt = nt.pyplot()
    return numpy, h5py, plt


class Snap:
    """One snapshot's projection data, positions and time in named units."""
    pass


def read_snapshot(np, h5py, path):
    """Reads a snapshot; any problem is a one-line error and exit 2."""
    if not os.path.exists(path):
        nt.fail("%s: no such file" % path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        nt.fail("%s: cannot open as HDF5 (%s)" % (path, e))
    s = Snap()
    s.path = path
    with f:
        hdr = f["Header"].attrs if "Header" in f else {}
        table = np.asarray(hdr["MassTable"], dtype=np.float64) if "MassTable" in hdr else None
        groups = ["PartType%d" % t for t in range(6) if "PartType%d" % t in f]
        if not groups:
            nt.fail("%s: no /PartTypeN groups (expected a GADGET-style snapshot written by "
                    "nbody)" % path)
        pos, mass, types = [], [], []
        for g in groups:
            t = int(g[-1])
            if g + "/Coordinates" not in f:
                nt.fail("%s: /%s/Coordinates: missing" % (path, g))
            dset = f[g + "/Coordinates"]
            if dset.ndim != 2 or dset.shape[1] != 3:
                nt.fail("%s: /%s/Coordinates: shape %s, expected (N, 3)" % (path, g, dset.shape))
            try:
                pos.append(dset[...].astype(np.float64, copy=False))
                if g + "/Masses" in f:
                    m = f[g + "/Masses"][...].astype(np.float64, copy=False)
                elif table is not None and len(table) == 6 and table[t] > 0:
                    m = np.full(len(pos[-1]), table[t])
                else:
                    m = None
            except OSError as e:
                nt.fail("%s: /%s: cannot read (%s)" % (path, g, e))
            if m is not None and m.shape != (len(pos[-1]),):
                nt.fail("%s: /%s/Masses: shape %s, expected (%d,)"
                        % (path, g, m.shape, len(pos[-1])))
            mass.append(m)
            types.append(np.full(len(pos[-1]), t, dtype=np.int8))
        s.pos = np.concatenate(pos)
        s.mass = None if any(m is None for m in mass) else np.concatenate(mass)
        s.type = np.concatenate(types)
        s.types = [int(g[-1]) for g in groups]
        params = f["Parameters"].attrs if "Parameters" in f else None
        s.units = nt.units_from_header([hdr, params])
        s.time = nt.scalar(hdr["Time"]) if "Time" in hdr else None
        s.n = len(s.pos)
        if "NumPart_Total" in hdr:
            total = np.asarray(hdr["NumPart_Total"], dtype=np.uint64)
            high = np.asarray(hdr.get("NumPart_Total_HighWord", np.zeros(6)), dtype=np.uint64)
            s.n = int(sum(int(total[t] + (high[t] << np.uint64(32))) for t in range(6)))
        s.step = None
        if "Integrator" in f:
            ia = f["Integrator"].attrs
            if "step" in ia:
                s.step = int(nt.scalar(ia["step"]))
            if s.time is None and "time" in ia:
                s.time = nt.scalar(ia["time"])
    if not np.all(np.isfinite(s.pos)) or (s.mass is not None and not np.all(np.isfinite(s.mass))):
        nt.fail("%s: non-finite coordinates or masses" % path)
    if "length" in s.units:
        s.pos = s.pos * s.units["length"][1]
    if s.time is not None and "time" in s.units:
        s.time = float(s.time) * s.units["time"][1]
    return s


def snapshot_files(args):
    """The files to draw: the arguments, a directory standing for its snapshots
    (BASE_NNNN.h5, in name order)."""
    files = []
    for a in args:
        if os.path.isdir(a):
            found = sorted(p for p in glob.glob(os.path.join(a, "*.h5"))
                           if re.search(r"_[0-9]{4,}\.h5$", p))
            if not found:
                nt.fail("%s: no snapshots (BASE_NNNN.h5) in the directory" % a)
            files.extend(found)
        else:
            files.append(a)
    return files


def title_of(s, args):
    if args.title is not None:
        return args.title
    parts = [os.path.basename(s.path)]
    if s.time is not None:
        unit = s.units.get("time")
        parts.append("t = %.6g%s" % (s.time, " " + unit[0] if unit else ""))
    if s.step is not None:
        parts.append("step %d" % s.step)
    parts.append("N = %d" % s.n)
    return ",  ".join(parts)


def main():
    ap = nt.parser("Plot a 2D projection of an nbody snapshot (positions from "
                   "every /PartTypeN/Coordinates) to a PNG: points below %d particles, a log "
                   "surface-density image from there; or, with --movie, a movie of a run's "
                   "snapshots." % DENSITY_FROM,
                   "examples: %(prog)s outputs/quickstart/snapshot_0004.h5 -o snap.png "
                   "--axes xy;  %(prog)s outputs/quickstart --movie run.gif", "snapshot.png",
                   dpi=120)
    ap.add_argument("snapshot", nargs="+",
                    help="a snapshot file (BASE_NNNN.h5); with --movie, files or a run "
                         "directory (its snapshots in order)")
    ap.add_argument("--axes", choices=("xy", "xz", "yz"), default="xy",
                    help="projection plane (default: %(default)s)")
    ap.add_argument("--lim", type=float, default=None, metavar="L",
                    help="show [-L, L] on both axes, in the plotted unit (default: 1.2 times "
                         "the range that holds 95%% of the particles, so a few escapers do not "
                         "shrink the picture; a movie takes its first snapshot's)")
    ap.add_argument("--style", choices=("auto", "points", "density"), default="auto",
                    help="points, a log surface-density image, or auto: points below %d "
                         "particles (default: %%(default)s)" % DENSITY_FROM)
    ap.add_argument("--bins", type=int, default=256, metavar="B",
                    help="pixels across the density image (default: %(default)s)")
    ap.add_argument("--size", type=float, default=None, metavar="S",
                    help="marker area in points^2 (default: scaled with N)")
    ap.add_argument("--movie", default=None, metavar="OUT",
                    help="write a movie of the snapshots to OUT.gif (Pillow) or OUT.mp4 "
                         "(ffmpeg) instead of a PNG")
    ap.add_argument("--fps", type=float, default=5.0, help="movie frames per second "
                    "(default: %(default)s)")
    args = nt.parse(ap)
    if args.lim is not None and not (args.lim > 0 and math.isfinite(args.lim)):
        nt.fail("--lim: expected a length > 0, got %g" % args.lim)
    if args.size is not None and not (args.size > 0 and math.isfinite(args.size)):
        nt.fail("--size: expected an area > 0, got %g" % args.size)
    if args.bins < 8 or args.bins > 4096:
        nt.fail("--bins: expected 8 .. 4096, got %d" % args.bins)
    if not (args.fps > 0 and args.fps <= 100):
        nt.fail("--fps: expected 0 < fps <= 100, got %g" % args.fps)
    if args.movie is None and len(args.snapshot) != 1:
        nt.fail("one snapshot file expected without --movie, got %d" % len(args.snapshot))
    if args.movie is not None and not args.movie.lower().endswith((".gif", ".mp4")):
        nt.fail("--movie %s: expected a name ending in .gif or .mp4" % args.movie)

    np, h5py, plt = nt.need(import_modules, "python3-numpy python3-h5py python3-matplotlib")
    files = snapshot_files(args.snapshot) if args.movie else args.snapshot
    if not args.movie and os.path.isdir(files[0]):
        nt.fail("%s: a directory (expected a snapshot file; --movie takes a directory)"
                % files[0])
    a, b = "xyz".index(args.axes[0]), "xyz".index(args.axes[1])

    # every frame reduced to what it draws (a density image holds bins^2 numbers, not N
    # positions), so the frames share one scale and one colour range
    frames = []
    lim = args.lim
    density = None
    for path in files:
        s = read_snapshot(np, h5py, path)
        u, v = s.pos[:, a], s.pos[:, b]
        if lim is None:
            lim = 1.2 * float(np.quantile(np.maximum(np.abs(u), np.abs(v)), 0.95)) if len(u) else 1.0
            lim = lim if lim > 0 else 1.0
        if density is None:
            density = args.style == "density" or (args.style == "auto" and
                                                   len(u) >= DENSITY_FROM)
        f = {"snap": s, "title": title_of(s, args),
             "outside": int(np.count_nonzero((np.abs(u) > lim) | (np.abs(v) > lim)))}
        if density:
            m = s.mass if s.mass is not None else np.ones(len(u))
            if "mass" in s.units:
                m = m * s.units["mass"][1]
            h, _, _ = np.histogram2d(u, v, bins=args.bins, range=[[-lim, lim], [-lim, lim]],
                                     weights=m)
            f["sigma"] = h.T / (2.0 * lim / args.bins) ** 2
        else:
            f["uv"] = np.column_stack([u, v])
            f["type"] = s.type
        frames.append(f)
        del s.pos

    first = frames[0]["snap"]
    lunit = first.units.get("length")
    fig, ax = plt.subplots(figsize=(6.4, 6.4) if not density else (7.4, 6.4))
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("%s [%s]" % (args.axes[0], lunit[0]) if lunit else args.axes[0])
    ax.set_ylabel("%s [%s]" % (args.axes[1], lunit[0]) if lunit else args.axes[1])
    note = ax.text(0.99, 0.01, "", transform=ax.transAxes, ha="right", va="bottom",
                   fontsize="small", color="0.4")

    if density:
        from matplotlib.colors import LogNorm
        top = max(float(f["sigma"].max()) for f in frames)
        pos = [float(f["sigma"][f["sigma"] > 0].min()) for f in frames if f["sigma"].max() > 0]
        low = max(min(pos) if pos else 1e-300, top * 1e-6)
        cmap = plt.get_cmap("magma").copy()
        cmap.set_bad(cmap(0.0))
        img = ax.imshow(np.ma.masked_less_equal(frames[0]["sigma"], 0.0),
                        origin="lower", extent=(-lim, lim, -lim, lim), cmap=cmap,
                        norm=LogNorm(vmin=low, vmax=max(top, low * 10)),
                        interpolation="nearest")
        cb = fig.colorbar(img, ax=ax, pad=0.02, shrink=0.85)
        munit = first.units.get("mass")
        cb.set_label("surface density [%s / %s^2]" % (munit[0], lunit[0])
                     if munit and lunit else "surface density [mass / length^2]")
    else:
        count = max(first.n, 1)
        # about constant total ink: ~4000 points^2 shared by the particles (10 for N = 400),
        # never below about one pixel, and more transparent as the points crowd
        size = args.size if args.size is not None else min(10.0, max(0.3, 4000.0 / count))
        alpha = min(1.0, max(0.04, 50.0 / math.sqrt(count)))
        ax.set_facecolor("white")
        # one colour per type when there are several (components told apart), else black
        colours = ["tab:green", "k", "tab:blue", "tab:red", "tab:orange", "tab:purple"]
        several = len(first.types) > 1

        def colour_of(f):
            return [colours[t] for t in f["type"]] if several else "k"
        pts = ax.scatter(frames[0]["uv"][:, 0], frames[0]["uv"][:, 1], s=size,
                         c=colour_of(frames[0]), alpha=alpha, linewidths=0, marker="o",
                         rasterized=True)
        if several:
            from matplotlib.lines import Line2D
            ax.legend(handles=[Line2D([], [], ls="", marker="o", color=colours[t],
                                      label="PartType%d" % t) for t in first.types],
                      loc="upper right", fontsize="small")

    def draw(k):
        f = frames[k]
        if density:
            img.set_data(np.ma.masked_less_equal(f["sigma"], 0.0))
        else:
            pts.set_offsets(f["uv"])
            if several:
                pts.set_color(colour_of(f))
        ax.set_title(f["title"], fontsize="medium")
        note.set_text("%d outside the frame" % f["outside"] if f["outside"] else "")
        return []

    draw(0)
    fig.tight_layout()
    if args.movie is None:
        nt.save(fig, args.output, args.dpi, args)
        return 0
    from matplotlib import animation
    if args.movie.lower().endswith(".gif"):
        try:
            import PIL  # noqa: F401
        except ImportError:
            nt.fail("--movie %s: a GIF needs Pillow (install python3-pil)" % args.movie, 1)
        writer = animation.PillowWriter(fps=args.fps)
    else:
        if not animation.writers.is_available("ffmpeg"):
            nt.fail("--movie %s: an MP4 needs ffmpeg, not found (install ffmpeg, or write a "
                    ".gif, which needs only Pillow)" % args.movie, 1)
        writer = animation.FFMpegWriter(fps=args.fps)
    anim = animation.FuncAnimation(fig, draw, frames=len(frames), blit=False, repeat=False)
    try:
        anim.save(args.movie, writer=writer, dpi=args.dpi)
    except (OSError, RuntimeError) as e:
        nt.fail("%s: cannot write: %s" % (args.movie, getattr(e, "strerror", None) or e), 1)
    if args.print_labels:
        nt.print_labels(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
