#!/usr/bin/env python3
"""Times pytreegrav's Barnes-Hut Accel on Plummer spheres, for a side-by-side figure with
`nbody bench --kernel tree --ics plummer`.

pytreegrav (github.com/mikegrudic/pytreegrav) is the tutorial author's numba tree code and
is not packaged: put its source on PYTHONPATH (its `pytreegrav` package directory) and run
this with a Python whose numba can run it (Debian: /usr/bin/python3 with python3-numba).
Without pytreegrav, numba or numpy it prints why and exits 77 (the automake "skipped" code).

For each N it times Accel(pos, m, theta=THETA, parallel=False) (serial; tree build and walk
both counted, as in nbody bench), best of --repeats calls after a warm-up call on a small set
(numba compiles on first use), and measures the force error as nbody bench does: the median
(and 99th percentile) over 1000 targets strided over the particle indices of
|a - a_exact| / |a_exact|, a_exact summed directly (numpy, double) over all N sources,
G = 1, no softening.

Positions: with --nbody PATH (default ./nbody when it exists, and h5py importable), the
very points `nbody bench --ics plummer` uses (seed 42, masses 1/N), read from the step-0
snapshot of a one-step `nbody run` in a temporary directory; otherwise (--numpy) a Plummer
sphere drawn here with numpy (seed 42; same distribution, other points).

    PYTHONPATH=/tmp/pytreegrav /usr/bin/python3 tools/bench_pytreegrav.py --n 10000 --n 100000
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77


def skip(why):
    print("bench_pytreegrav: skipped: " + why)
    sys.exit(SKIP)


try:
    import numpy as np
except ImportError as e:
    skip("numpy cannot be imported (%s)" % e)
try:
    import numba  # noqa: F401  (pytreegrav needs it; say so plainly if it is missing)
except ImportError as e:
    skip("numba cannot be imported (%s); on Debian: apt-get install python3-numba and run "
         "with /usr/bin/python3" % e)
try:
    import pytreegrav
except Exception as e:  # ImportError, or a numba too old for its source
    skip("pytreegrav cannot be imported (%s); put its source on PYTHONPATH" % e)

ERR_TARGETS = 1000


def plummer_numpy(n, seed=42):
    """Plummer sphere in Henon units (scale a = 3 pi / 16), total mass 1: positions only."""
    rng = np.random.default_rng(seed)
    a = 3.0 * np.pi / 16.0
    # enclosed-mass inversion, the outer 0.1% cut off as is usual for Plummer samplers
    u = rng.uniform(0.0, 0.999, n)
    r = a / np.sqrt(u ** (-2.0 / 3.0) - 1.0)
    cost = rng.uniform(-1.0, 1.0, n)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    sint = np.sqrt(1.0 - cost * cost)
    pos = np.stack([r * sint * np.cos(phi), r * sint * np.sin(phi), r * cost], axis=1)
    pos -= pos.mean(axis=0)
    return pos, np.full(n, 1.0 / n)


def plummer_nbody(nbody, n):
    """The points of `nbody bench --ics plummer --n n` (seed 42): the step-0 snapshot of a
    one-step run, read with h5py."""
    import h5py
    tmp = tempfile.mkdtemp(prefix="bench_pytreegrav.")
    try:
        out = os.path.join(tmp, "run")
        cmd = [nbody, "run", "configs/quickstart.cfg", "--quiet", "--threads", "1",
               "--set", "run.seed=42", "--set", 'run.output_dir="%s"' % out,
               "--set", 'initial_conditions.type="plummer"',
               "--set", "initial_conditions.n=%d" % n,
               "--set", 'gravity.kernel="tree"', "--set", "gravity.softening=0.0",
               "--set", "integrator.dt=1e-6", "--set", "integrator.t_end=1e-6",
               "--set", "output.snapshot_every=0", "--set", "output.diagnostics_every=1",
               "--set", "output.compression=0", "--set", 'output.potential="tree"']
        subprocess.run(cmd, check=True, cwd=os.path.dirname(os.path.abspath(__file__)) + "/..",
                       stdout=subprocess.DEVNULL)
        with h5py.File(os.path.join(out, "snapshot_0000.h5"), "r") as f:
            pos = np.array(f["PartType1/Coordinates"], dtype=np.float64)
            m = np.array(f["PartType1/Masses"], dtype=np.float64)
            ids = np.array(f["PartType1/ParticleIDs"])
        order = np.argsort(ids, kind="stable")  # particle index order, as bench has them
        return np.ascontiguousarray(pos[order]), np.ascontiguousarray(m[order])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def direct_accel(pos, m, targets):
    """Exact accelerations (G = 1, eps = 0) at the given particle indices, self excluded."""
    out = np.empty((len(targets), 3))
    for k, i in enumerate(targets):
        d = pos - pos[i]
        r2 = np.einsum("ij,ij->i", d, d)
        r2[i] = 1.0
        w = m / (r2 * np.sqrt(r2))
        w[i] = 0.0
        out[k] = w @ d
    return out


def errors(pos, m, acc):
    n = len(pos)
    nt = min(ERR_TARGETS, n)
    targets = [(k * n) // nt for k in range(nt)]
    exact = direct_accel(pos, m, targets)
    rel = np.linalg.norm(acc[targets] - exact, axis=1) / np.linalg.norm(exact, axis=1)
    return np.median(rel), np.percentile(rel, 99)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, action="append", help="N (repeatable; default 1e4 1e5 1e6)")
    ap.add_argument("--theta", type=float, default=0.7)
    ap.add_argument("--repeats", type=int, default=1, help="timed calls per N (best is kept)")
    ap.add_argument("--quadrupole", action="store_true", help="pytreegrav's quadrupole walk "
                    "(its default, and the published figures, are monopole)")
    ap.add_argument("--nbody", default="./nbody", help="nbody binary for the bench's points")
    ap.add_argument("--numpy", action="store_true", help="draw the points with numpy instead")
    args = ap.parse_args()
    ns = args.n or [10000, 100000, 1000000]
    use_nbody = not args.numpy and os.access(args.nbody, os.X_OK)
    if use_nbody:
        try:
            import h5py  # noqa: F401
        except ImportError:
            use_nbody = False
    print("# pytreegrav Accel, theta = %g, %s, serial (parallel=False), numba %s, points: %s"
          % (args.theta, "quadrupole" if args.quadrupole else "monopole", numba.__version__,
             "nbody bench --ics plummer (seed 42)" if use_nbody else "numpy Plummer (seed 42)"))
    # warm-up: numba compiles the build and the walk on first use
    wp, wm = plummer_numpy(5000, seed=1)
    pytreegrav.Accel(wp, wm, theta=args.theta, parallel=False, quadrupole=args.quadrupole)
    print("%10s %12s %14s %14s %12s" % ("N", "seconds", "us_per_particle", "median_error",
                                        "p99_error"))
    for n in ns:
        pos, m = plummer_nbody(args.nbody, n) if use_nbody else plummer_numpy(n)
        best = None
        for _ in range(max(1, args.repeats)):
            t0 = time.perf_counter()
            acc = pytreegrav.Accel(pos, m, theta=args.theta, parallel=False,
                                   quadrupole=args.quadrupole)
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
        med, p99 = errors(pos, m, acc)
        print("%10d %12.4g %14.4g %14.3e %12.3e" % (n, best, best / n * 1e6, med, p99),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
