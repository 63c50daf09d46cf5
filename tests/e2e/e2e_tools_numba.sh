#!/bin/sh
# End to end: tools/numba_tutorial_bench.py times the tutorial's numba kernels in the bench's
# line format, and without numba says so naming the fix, exit 77; bench_pytreegrav.py says
# which module it lacks (numba, pytreegrav), exit 77. Skipped (77) when configure found no
# Python with numba.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
skip_unless PYTHON_NUMBA "Python with numpy and numba"
T="$SRCDIR/tools/numba_tutorial_bench.py"

"$PYTHON_NUMBA" "$T" --n 64 --threads 1 --repeats 1 >"$TMP/out" 2>"$TMP/err"
check "numba_tutorial_bench.py exits 0" [ $? -eq 0 ]
check "numba_tutorial_bench.py: the fastmath line" \
    grep -q '^kernel=numba_fastmath n=64 threads=1 seconds=[0-9.e-]* interactions_per_second=' "$TMP/out"
check "numba_tutorial_bench.py: the parallel line" \
    grep -q '^kernel=numba_parallel n=64 threads=1 seconds=' "$TMP/out"

# numba (and pytreegrav) hidden by modules that fail to import
mkdir -p "$TMP/shadow/numba" "$TMP/shadow2/pytreegrav"
echo 'raise ImportError("No module named numba (hidden by the test)")' >"$TMP/shadow/numba/__init__.py"
echo 'raise ImportError("No module named pytreegrav (hidden by the test)")' \
    >"$TMP/shadow2/pytreegrav/__init__.py"
PYTHONPATH="$TMP/shadow" "$PYTHON_NUMBA" "$T" >"$TMP/out" 2>"$TMP/err"
check "numba_tutorial_bench.py without numba: exit 77, one line naming the fix" \
    sh -c "[ $? -eq 77 ] && [ \$(wc -l <'$TMP/err') -eq 1 ] &&
        grep -q 'apt-get install python3-numba' '$TMP/err' && grep -q 'configure' '$TMP/err'"
P="$SRCDIR/tools/bench_pytreegrav.py"
PYTHONPATH="$TMP/shadow" "$PYTHON_NUMBA" "$P" --numpy --n 100 >"$TMP/out" 2>"$TMP/err"
check "bench_pytreegrav.py without numba: exit 77 naming numba" \
    sh -c "[ $? -eq 77 ] && grep -q 'skipped: numba cannot be imported' '$TMP/out'"
PYTHONPATH="$TMP/shadow2" "$PYTHON_NUMBA" "$P" --numpy --n 100 >"$TMP/out" 2>"$TMP/err"
check "bench_pytreegrav.py without pytreegrav: exit 77 naming pytreegrav and PYTHONPATH" \
    sh -c "[ $? -eq 77 ] && grep -q 'skipped: pytreegrav cannot be imported.*PYTHONPATH' '$TMP/out'"
finish
