#!/bin/sh
# End to end: every example parameter file in configs/ passes `nbody check-config`, and
# quickstart.cfg names every key the program has (README says so), with its default.
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

# every key of the effective configuration of an empty file, in quickstart.cfg (set or
# commented out) on a line that, with its continuation lines, gives the default
: >"$TMP/empty.cfg"
nb check-config "$TMP/empty.cfg"
keys=$(sed -n 's/^  \([a-z_0-9]*\) = .*/\1/p' "$TMP/out")
missing=""
for key in $keys; do
    awk -v k="$key" '
        $0 ~ "^ *#? *" k " = " { found = 1; text = $0; next }
        found == 1 && $0 ~ /^ +#/ && $0 !~ /^ *#? *[a-z_0-9]+ = / { text = text $0; next }
        found == 1 { found = 2 }
        END { exit !(found && text ~ /default/) }' "$SRCDIR/configs/quickstart.cfg" ||
        missing="$missing $key"
done
check "quickstart.cfg names every key with its default (missing:${missing:- none})" \
    [ -z "$missing" ]

finish
