#!/bin/sh
# End to end: tools/tree_accuracy.sh at small N prints its Markdown table (one row per N,
# a column per opening test) from nbody bench, and the relative test's error follows alpha.
. "$SRCDIR/tests/e2e/e2e_lib.sh"

NBODY="$NBODY" sh "$SRCDIR/tools/tree_accuracy.sh" --n 2000 --n 4000 --alpha 0.02 \
    --alpha 0.001 --theta 0.7 --threads 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "tree_accuracy.sh exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/err" | head -20
check "tree_accuracy.sh: the table's header" grep -qx '| N | theta 0.7 | alpha 0.02 | alpha 0.001 |' "$TMP/out"
check "tree_accuracy.sh: a row per N with error / interactions / seconds" \
    sh -c "grep -c '^| [24]000 | [0-9.e+-]* / [0-9]* / [0-9.e+-]* |' '$TMP/out' | grep -qx 2"
# alpha 0.001's median error below alpha 0.02's in every row
check "tree_accuracy.sh: the smaller alpha has the smaller error" awk -F'|' '
    /^\| [0-9]/ { split($4, a, " / "); split($5, b, " / "); if (!(b[1] + 0 < a[1] + 0)) bad = 1; n++ }
    END { exit bad || n != 2 }' "$TMP/out"
NBODY="$NBODY" sh "$SRCDIR/tools/tree_accuracy.sh" --bogus 1 >"$TMP/out" 2>"$TMP/err"
check "tree_accuracy.sh: an unknown argument exits 2" [ $? -eq 2 ]
finish
