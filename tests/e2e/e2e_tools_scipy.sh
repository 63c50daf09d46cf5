#!/bin/sh
# End to end: tools/knn_vs_scipy.py times nbody's knn against scipy's cKDTree on the
# bench's points (its dumper built from the repository's sources), and without scipy says
# so naming the fix, exit 77. Skipped (77) when configure found no Python with scipy.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
skip_unless PYTHON_SCIPY "Python with numpy and scipy"
T="$SRCDIR/tools/knn_vs_scipy.py"

"$PYTHON_SCIPY" "$T" --n 2000 --k 8 --threads 1 --repeats 1 --nbody "$NBODY" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "knn_vs_scipy.py exits 0" [ $rc -eq 0 ]
check "knn_vs_scipy.py: nbody's line" \
    grep -q '^nbody knn, k = 8, 1 thread(s): [0-9.e-]* s per evaluation' "$TMP/out"
check "knn_vs_scipy.py: scipy's line" \
    grep -q '^scipy [0-9.]* cKDTree, k+1 = 9, workers = 1: build [0-9.e-]* s + query' "$TMP/out"
check "knn_vs_scipy.py: a positive ratio" grep -q '^ratio scipy / nbody: [0-9]*\.[0-9][0-9]$' "$TMP/out"
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/err" | head -20
"$PYTHON_SCIPY" "$T" --n 1 >"$TMP/out" 2>"$TMP/err"
check "knn_vs_scipy.py --n 1: exit 2, one line" sh -c "[ $? -eq 2 ] && [ \$(wc -l <'$TMP/err') -eq 1 ]"

# scipy hidden by a module that fails to import: exit 77 naming apt-get and configure
mkdir -p "$TMP/shadow/scipy"
echo 'raise ImportError("No module named scipy (hidden by the test)")' >"$TMP/shadow/scipy/__init__.py"
PYTHONPATH="$TMP/shadow" "$PYTHON_SCIPY" "$T" --n 100 >"$TMP/out" 2>"$TMP/err"
check "knn_vs_scipy.py without scipy: exit 77, one line naming the fix" \
    sh -c "[ $? -eq 77 ] && [ \$(wc -l <'$TMP/err') -eq 1 ] &&
        grep -q 'apt-get install python3-scipy' '$TMP/err' && grep -q 'configure' '$TMP/err'"
finish
