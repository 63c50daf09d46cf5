#!/usr/bin/env python3
"""Times nbody's knn kernel against scipy.spatial.cKDTree on the same points, in one run.

The points are the bench's gaussian set-up (seed 42): this script builds a tiny dumper
against the repository's own generator (physics/ics.h), linked with the libnbody.a of the
autotools build beside the nbody it times, or else compiled from libnbody's sources (every C
file of src/core, src/gravity and src/physics, as tools/bench.sh builds them), to get them
bit for bit, runs `nbody bench --kernel knn` (tree build + neighbour queries + forces, one
evaluation), then builds a cKDTree over the same positions and queries the k+1 nearest of
every point (the point itself comes back first: scipy cannot leave it out) with as many
workers as threads.

  knn_vs_scipy.py [--n 1000000] [--k 16] [--threads 2] [--repeats 3] [--nbody PATH]

--nbody is an `nbody` program (default: $NBODY, else ./nbody in the source tree); without
one, tools/bench.sh builds the standalone bench with gcc. Needs numpy and scipy (Debian:
apt-get install python3-scipy) in the Python that runs it: ./configure names one
("checking for a Python with numpy and scipy"); without them it says so and exits 77 (the
automake "skipped" code). And a C compiler ($CC, default gcc).
"""
import argparse
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

PROG = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "knn_vs_scipy.py"
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 42  # what nbody bench uses
SKIP = 77  # a missing module: the automake "skipped" code

DUMPER = r"""
#include <stdio.h>
#include <stdlib.h>
#include "core/error.h"
#include "core/particles.h"
#include "physics/ics.h"
/* argv: n, output file. Writes x, y, z of each particle as raw native doubles. */
int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    nb_ics_params ip;
    nb_ics_params_defaults(&ip); /* as `nbody bench`: only these four set */
    ip.type = "gaussian";
    ip.n = (size_t)strtoull(argv[1], NULL, 10);
    ip.seed = %(seed)d;
    ip.G = 1.0;
    nb_particles p;
    nb_error err;
    if (nb_ics_generate(&ip, &p, &err)) {
        fprintf(stderr, "%%s\n", err.msg);
        return 1;
    }
    FILE *f = fopen(argv[2], "wb");
    if (!f)
        return 1;
    for (size_t i = 0; i < p.n; i++) {
        double r[3] = {p.x[i], p.y[i], p.z[i]};
        if (fwrite(r, sizeof r, 1, f) != 1)
            return 1;
    }
    return fclose(f) ? 1 : 0;
}
""" % {"seed": SEED}


def fail(msg, code=1):
    sys.stderr.write("%s: %s\n" % (PROG, msg))
    sys.exit(code)


def import_scipy():
    """numpy and cKDTree, or exit 77 naming the module, this interpreter and the fix."""
    try:
        import numpy
        from scipy.spatial import cKDTree
        return numpy, cKDTree
    except ImportError as e:
        sys.stderr.write("%s: skipped: %s cannot import numpy and scipy (%s); on Debian: "
                         "apt-get install python3-scipy, and run this with a Python that "
                         "has them (./configure names one: 'checking for a Python with numpy "
                         "and scipy')\n" % (PROG, sys.executable, e))
        sys.exit(SKIP)


def dump_points(n, workdir, cmd):
    """The bench's gaussian positions, from the repository's own generator: linked with the
    libnbody.a the autotools build left beside the timed nbody (.libs/), the very generator
    it runs, else compiled from libnbody's sources."""
    src = os.path.join(workdir, "dump.c")
    exe = os.path.join(workdir, "dump")
    out = os.path.join(workdir, "points.f64")
    with open(src, "w") as f:
        f.write(DUMPER)
    cc = shlex.split(os.environ.get("CC", "gcc"))
    s = os.path.join(TOP, "src")
    built = os.path.join(os.path.dirname(os.path.abspath(cmd[0])), ".libs", "libnbody.a")
    sources = [f for d in ("core", "gravity", "physics")
               for f in sorted(glob.glob(os.path.join(s, d, "*.c")))
               if os.path.basename(f) != "comm_mpi.c"]
    tries = ([[built]] if cmd[0] != "sh" and os.path.isfile(built) else []) + [sources]
    for lib in tries:  # the built library, or (say an MPI build's) the sources
        r = subprocess.run(cc + ["-std=c11", "-O1", "-fopenmp", "-D_GNU_SOURCE", "-I" + s,
                                 "-o", exe, src] + lib + ["-lm"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if r.returncode == 0:
            break
    if r.returncode:
        fail("compiling the point dumper failed:\n%s" % r.stdout)
    r = subprocess.run([exe, str(n), out])
    if r.returncode:
        fail("the point dumper failed (exit %d)" % r.returncode)
    return out


def bench_command(nbody):
    if nbody:
        return [nbody, "bench"]
    env = os.environ.get("NBODY")
    if env:
        return [env, "bench"]
    local = os.path.join(TOP, "nbody")
    if os.access(local, os.X_OK):
        return [local, "bench"]
    return ["sh", os.path.join(TOP, "tools", "bench.sh")]


def time_nbody(cmd, n, k, threads, repeats):
    args = cmd + ["--kernel", "knn", "--n", str(n), "--threads", str(threads),
                  "--neighbours", str(k), "--repeats", str(repeats)]
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if r.returncode:
        fail("%s failed (exit %d): %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    for line in r.stdout.splitlines():
        m = re.match(r"kernel=knn n=(\d+) threads=(\d+) seconds=(\S+)", line)
        if m:
            return float(m.group(3)), " ".join(args)
    fail("no timing line in the output of %s:\n%s" % (" ".join(args), r.stdout))


def time_scipy(np, cKDTree, points, k, threads, repeats):
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        tree = cKDTree(points)
        t1 = time.perf_counter()
        tree.query(points, k=k + 1, workers=threads)
        t2 = time.perf_counter()
        if best is None or t2 - t0 < best[0] + best[1]:
            best = (t1 - t0, t2 - t1)
    return best


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000000, help="particles (default 1000000)")
    ap.add_argument("--k", type=int, default=16, help="neighbours (default 16)")
    ap.add_argument("--threads", type=int, default=2,
                    help="nbody threads and scipy workers (default 2)")
    ap.add_argument("--repeats", type=int, default=3, help="best of R (default 3)")
    ap.add_argument("--nbody", help="the nbody program (default $NBODY or ./nbody)")
    a = ap.parse_args()
    if a.n < 2 or a.k < 1 or a.k >= a.n or a.threads < 1 or a.repeats < 1:
        fail("need n >= 2, 1 <= k < n, threads >= 1, repeats >= 1", 2)
    np, cKDTree = import_scipy()

    bench = bench_command(a.nbody)
    with tempfile.TemporaryDirectory(prefix="knn_vs_scipy.") as work:
        points = np.fromfile(dump_points(a.n, work, bench), dtype=np.float64).reshape(a.n, 3)
    seconds, cmd = time_nbody(bench, a.n, a.k, a.threads, a.repeats)
    build, query = time_scipy(np, cKDTree, points, a.k, a.threads, a.repeats)

    import scipy
    print("points: gaussian set-up, seed %d, n = %d (nbody's own generator)" % (SEED, a.n))
    print("nbody knn, k = %d, %d thread(s): %.4g s per evaluation (tree build + queries "
          "+ forces), best of %d" % (a.k, a.threads, seconds, a.repeats))
    print("  (%s)" % cmd)
    print("scipy %s cKDTree, k+1 = %d, workers = %d: build %.4g s + query %.4g s = %.4g s, "
          "best of %d" % (scipy.__version__, a.k + 1, a.threads, build, query, build + query,
                          a.repeats))
    print("ratio scipy / nbody: %.2f" % ((build + query) / seconds))


if __name__ == "__main__":
    main()
