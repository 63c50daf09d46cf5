#!/bin/sh
# End to end: tools/bench_pytreegrav.py times pytreegrav on a Plummer sphere and measures its
# error. pytreegrav is not packaged: skipped (77) unless configure's Python with numba can
# import it (its source on PYTHONPATH).
. "$SRCDIR/tests/e2e/e2e_lib.sh"
skip_unless PYTHON_NUMBA "Python with numpy and numba"
if ! "$PYTHON_NUMBA" -c 'import pytreegrav' >/dev/null 2>&1; then
    echo "SKIP: $PYTHON_NUMBA cannot import pytreegrav (not packaged: put its source on PYTHONPATH)"
    exit 77
fi
"$PYTHON_NUMBA" "$SRCDIR/tools/bench_pytreegrav.py" --numpy --n 2000 --repeats 1 \
    >"$TMP/out" 2>"$TMP/err"
check "bench_pytreegrav.py exits 0" [ $? -eq 0 ]
sed 's/^/# /' "$TMP/out"
check "bench_pytreegrav.py: a row for N = 2000 with its time and error" \
    grep -Eq '^ *2000 +[0-9.e+-]+ +[0-9.e+-]+ +[0-9.e+-]+ +[0-9.e+-]+$' "$TMP/out"
finish
