#!/bin/sh
# End to end: every example parameter file in configs/ passes `nbody check-config`.
. "$SRCDIR/tests/e2e/e2e_lib.sh"

count=0
for cfg in "$SRCDIR"/configs/*.cfg; do
    [ -f "$cfg" ] || continue
    count=$((count + 1))
    nb check-config "$cfg"
    if [ "$RC" -ne 0 ]; then
        sed 's/^/# /' "$TMP/err"
    fi
    check "check-config $(basename "$cfg")" [ "$RC" -eq 0 ]
done
check "configs/ holds example parameter files ($count)" [ "$count" -ge 1 ]

finish
