#!/usr/bin/env python3
"""Times the numba tutorial's direct-sum kernels ("how to go fast with numba": the
acceleration loop below, jitted with fastmath, then also with parallel=True and prange) on
a gaussian set-up as `nbody bench` times its kernels, printing lines in the bench's format,
so the two can be compared in one run:  tools/numba_tutorial_bench.py --n 16384 --threads 16

Needs numpy and numba in the Python that runs it (Debian: apt-get install python3-numba;
./configure names one: "checking for a Python with numpy and numba"). Without them it says
so and exits 77 (the automake "skipped" code)."""
import argparse
import sys
import time

SKIP = 77

try:
    import numpy as np
    from numba import jit, prange, set_num_threads
except ImportError as e:
    sys.stderr.write("numba_tutorial_bench: skipped: %s cannot import numpy and numba (%s); on "
                     "Debian: apt-get install python3-numba, and run this with a Python that "
                     "has them (./configure names one: 'checking for a Python with numpy and "
                     "numba')\n" % (sys.executable, e))
    sys.exit(SKIP)


def accel(masses, coordinates, G=1.0):
    """The tutorial's loop; prange runs as range unless jitted with parallel=True."""
    accel = np.zeros_like(coordinates)
    n = coordinates.shape[0]
    for i in prange(n):
        for j in range(n):
            if i == j:
                continue
            distance = 0.0
            for k in range(3):
                dx = coordinates[j, k] - coordinates[i, k]
                distance += dx * dx
            if distance == 0:
                continue
            distance = np.sqrt(distance)
            for k in range(3):
                dx = coordinates[j, k] - coordinates[i, k]
                accel[i, k] += G * masses[j] * dx / distance**3
    return accel


accel_fastmath = jit(fastmath=True)(accel)
accel_fastmath_parallel = jit(fastmath=True, parallel=True)(accel)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, action="append", help="particle counts (repeatable)")
    ap.add_argument("--threads", type=int, action="append", help="numba threads (repeatable)")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    if any(n < 2 for n in a.n or []) or any(t < 1 for t in a.threads or []) or a.repeats < 1:
        ap.error("need --n >= 2, --threads >= 1, --repeats >= 1")
    rng = np.random.default_rng(42)
    for n in a.n or [4096]:
        m = rng.random(n)
        x = rng.normal(size=(n, 3))
        cases = [("numba_fastmath", accel_fastmath, 1)]
        cases += [("numba_parallel", accel_fastmath_parallel, t) for t in a.threads or [1]]
        for name, fn, t in cases:
            set_num_threads(t)
            fn(m, x)  # compile and warm up
            best = min(timed(fn, m, x) for _ in range(a.repeats))
            print(f"kernel={name} n={n} threads={t} seconds={best:.6g} "
                  f"interactions_per_second={n * (n - 1) / best:.5g}", flush=True)


def timed(fn, m, x):
    t0 = time.perf_counter()
    fn(m, x)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
