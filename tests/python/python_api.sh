#!/bin/sh
# The Python package (python/nbody) from the build tree: tests/python/test_accel.py and
# test_io.py with the Python configure found (pytest when it has it, else runner.py), after
# tools/bench_python.py at N = 300 (nbody's kernels only: its table rows, errors against the
# direct kernel, the overhead line). Skipped (77) without a Python with numpy, and in a
# sanitized build (its library cannot be loaded into a Python that was not started with the
# sanitizer's runtime).
. "$SRCDIR/tests/python/python_lib.sh"
out=$("$PYTHON_NUMPY" "$SRCDIR/tools/bench_python.py" --n 300 --threads 1 --numba-max-n 0 \
    --no-pytreegrav --repeats 1 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
# the direct kernel is the reference: its error is 0; the tree's is small but not 0
med() { echo "$out" | awk -F' [|] ' -v m="$1" '$3 == m { print $5 }'; }
if [ "$rc" -ne 0 ] || [ "$(med 'nbody direct')" != 0 ] ||
    ! awk -v e="$(med 'nbody tree theta=0.5')" 'BEGIN { exit !(e > 1e-6 && e < 1e-2) }' ||
    ! echo "$out" | grep -q '^# overhead at N = 1000'; then
    echo "FAIL - tools/bench_python.py --n 300: the table and the overhead line"
    exit 1
fi
echo "ok - tools/bench_python.py --n 300: the table and the overhead line"
nb_pytests test_accel.py test_io.py
