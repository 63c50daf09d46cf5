#!/usr/bin/env python3
"""nbody.accel from Python against the tutorial's numba functions and pytreegrav's Accel,
on the same arrays in one process: seconds per call and force error (docs/python.md).

"How to go fast with numba" times a direct-sum acceleration loop with %timeit on numpy
arrays, then jits it with fastmath, then with parallel=True; pytreegrav's Accel is its
Barnes-Hut tree. This script times, for each N (--n) and thread count (--threads):
  nbody.accel(pos, m, 0, kernel="direct" | "parallel" | "tree")  (the whole Python call:
      the copy into the library, the kernel, the result array), theta = 0.5 and --theta;
  the tutorial's loop jitted with fastmath (1 thread) and fastmath + parallel (tools/
      numba_tutorial_bench.py's functions), for N up to --numba-max-n (O(N^2));
  pytreegrav.Accel(pos, m, theta=0.7, parallel=threads > 1), when it imports (its source
      on PYTHONPATH).
Each time is the best of --repeats calls after a warm-up (numba compiles on first use).
The error of each is measured as nbody bench does: |a - a_ref| / |a_ref| over 1000
targets strided over the indices (median and 99th percentile), a_ref from nbody's direct
kernel on those targets only (a list of targets: the same bits as the whole; it agrees
with a long-double sum to 1e-13, tests/python/test_accel.py). G = 1, no softening,
a gaussian blob (seed 42), masses 1/N, as the tutorial's set-up.

It also measures the call overhead: nbody.accel(kernel="direct", threads=1) at N = 1000
against `nbody bench --kernel direct --n 1000 --threads 1` (the kernel timed in C).

Run with the Python that has numpy (and numba), PYTHONPATH=python and NBODY_LIBRARY set as
for the build tree (docs/python.md):
    PYTHONPATH=python NBODY_LIBRARY=.libs/libnbody.so.0 /usr/bin/python3 \
        tools/bench_python.py --n 1000 --n 10000 --n 100000 --threads 1 --threads 2
Exits 77 (skipped) without numpy or the nbody package."""
import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import time

SKIP = 77
try:
    import numpy as np
    import nbody
except ImportError as e:
    print("bench_python: skipped: %s (run with a Python that has numpy, PYTHONPATH=python)"
          % e)
    sys.exit(SKIP)

ERR_TARGETS = 1000


def numba_functions():
    """The tutorial's fastmath and fastmath+parallel functions, or None without numba."""
    try:
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path.insert(0, here)
        import numba_tutorial_bench as t
        from numba import set_num_threads
        return t.accel_fastmath, t.accel_fastmath_parallel, set_num_threads
    except (ImportError, SystemExit):
        return None


def pytreegrav_accel():
    try:
        from pytreegrav import Accel
        return Accel
    except Exception:  # ImportError, or a numba too old for its source
        return None


def best_of(repeats, fn, *args, **kwargs):
    fn(*args, **kwargs)  # warm-up: numba compiles, caches fill
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return best, out


def errors(a, ref, idx):
    e = np.linalg.norm(a[idx] - ref, axis=1) / np.linalg.norm(ref, axis=1)
    return np.median(e), np.percentile(e, 99)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def kernel_seconds(n, threads):
    """`nbody bench`'s time of the direct kernel (seconds), or None."""
    try:
        out = subprocess.run([nbody.program(), "bench", "--kernel", "direct", "--n", str(n),
                              "--threads", str(threads), "--repeats", "200"],
                             stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
        return float(re.search(r"seconds=(\S+)", out).group(1))
    except Exception:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, action="append")
    ap.add_argument("--threads", type=int, action="append")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--theta", type=float, default=0.7, help="a second tree opening angle "
                    "(pytreegrav's default 0.7)")
    ap.add_argument("--numba-max-n", type=int, default=20000)
    ap.add_argument("--direct-max-n", type=int, default=100000)
    ap.add_argument("--no-pytreegrav", action="store_true", help="leave pytreegrav out")
    a = ap.parse_args()
    ns = a.n or [1000, 10000, 100000]
    threads = a.threads or [1, 2]
    ptg = None if a.no_pytreegrav else pytreegrav_accel()
    nb = numba_functions() if a.numba_max_n > 0 or ptg else None
    print("# bench_python.py, %s UTC, %s, %d CPUs, nbody %s (%s)" % (
        datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), cpu_name(), os.cpu_count(),
        nbody.__version__, nbody.library_path))
    print("# command: %s" % " ".join([os.path.basename(sys.executable)] + sys.argv))
    print("# numba: %s; pytreegrav: %s" % (
        "yes" if nb else "not used" if a.numba_max_n <= 0 else "not importable",
        "yes" if ptg else "not used" if a.no_pytreegrav else "not importable"))
    print("| N | threads | method | seconds | median error | 99% error |")
    print("|---|---|---|---|---|---|")
    rng = np.random.default_rng(42)
    for n in ns:
        pos = rng.normal(size=(n, 3))
        m = np.full(n, 1.0 / n)
        idx = np.arange(0, n, max(1, n // ERR_TARGETS))[:ERR_TARGETS]
        ref = nbody.accel(pos, m, 0.0, kernel="direct", targets=idx)
        for t in threads:
            cases = []
            if n <= a.direct_max_n:
                cases += [("nbody direct", nbody.accel, (pos, m, 0.0),
                           dict(kernel="direct", threads=t)),
                          ("nbody parallel", nbody.accel, (pos, m, 0.0),
                           dict(kernel="parallel", threads=t))]
            for theta in sorted({0.5, a.theta}):
                cases.append(("nbody tree theta=%g" % theta, nbody.accel, (pos, m, 0.0),
                              dict(theta=theta, threads=t)))
            if nb:
                nb[2](t)  # numba's threads: the tutorial's parallel function and pytreegrav's
            if nb and n <= a.numba_max_n:
                fast, par, _ = nb
                if t == 1:
                    cases.append(("numba fastmath", fast, (m, pos), {}))
                cases.append(("numba fastmath parallel", par, (m, pos), {}))
            if ptg:
                cases.append(("pytreegrav theta=0.7", ptg, (pos, m),
                              dict(theta=0.7, parallel=t > 1)))
            for name, fn, args, kwargs in cases:
                repeats = a.repeats if n < 100000 else 1
                sec, acc = best_of(repeats, fn, *args, **kwargs)
                med, p99 = errors(np.asarray(acc), ref, idx)
                print("| %d | %d | %s | %.4g | %.2g | %.2g |" % (n, t, name, sec, med, p99),
                      flush=True)
    # the call overhead at N = 1000, direct kernel, one thread
    n = 1000
    pos = np.random.default_rng(7).normal(size=(n, 3))
    m = np.full(n, 1.0 / n)
    call, _ = best_of(200, nbody.accel, pos, m, 0.0, kernel="direct", threads=1)
    kern = kernel_seconds(n, 1)
    if kern:
        print("# overhead at N = 1000 (direct, 1 thread): nbody.accel %.4g s, kernel (nbody "
              "bench) %.4g s: overhead %.1f%% of the kernel time" % (
                  call, kern, 100 * (call - kern) / kern))


if __name__ == "__main__":
    main()
