#!/bin/sh
# End to end: a run killed with SIGKILL at arbitrary moments (mid-step, mid-write, between
# write and rename) never leaves a file under a final name that fails to read, and the
# directory always restarts and finishes bit for bit like an uninterrupted run.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
SNAPDIFF=${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}

cat >"$TMP/crash.cfg" <<CFG
run: { name = "crash"; output_dir = "$TMP/full"; seed = 11; };
initial_conditions: { type = "plummer"; n = 12000; };
gravity: { kernel = "parallel"; softening = 0.02; };
integrator: { dt = 1.0e-3; t_end = 0.012; };
output: { snapshot_every = 1; diagnostics_every = 3; compression = 6; };
CFG
t0=$(date +%s.%N)
nb run "$TMP/crash.cfg" --quiet
t1=$(date +%s.%N)
check "uninterrupted run" [ "$RC" -eq 0 ]

# kill -9 at 10%, 30%, ... 90% of the run's length: mid-step, mid-write, before a rename
for frac in 0.1 0.3 0.5 0.7 0.9; do
    delay=$(awk -v a="$t0" -v b="$t1" -v f="$frac" 'BEGIN { printf "%.3f", (b - a) * f }')
    d="$TMP/kill-$delay"
    "$NBODY" run "$TMP/crash.cfg" --quiet --set "run.output_dir=\"$d\"" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    bad=0
    for f in "$d"/snapshot_*.h5; do
        [ -e "$f" ] || continue
        "$NBODY" info "$f" >/dev/null 2>&1 || { echo "# unreadable: $f"; bad=1; }
    done
    check "killed after ${delay}s: every final-named snapshot reads back ($(ls "$d" | grep -c '\.h5$') final, $(ls "$d" | grep -c '\.tmp$') tmp)" [ "$bad" -eq 0 ]
    if [ -f "$d/snapshot_0012.h5" ]; then
        # killed after the last write (while exiting): the run is complete, nothing to continue
        check "killed after ${delay}s: the complete run's last snapshot is intact" "$SNAPDIFF" "$TMP/full/snapshot_0012.h5" "$d/snapshot_0012.h5"
    elif ls "$d"/snapshot_*.h5 >/dev/null 2>&1; then
        nb restart "$d" --quiet
        check "killed after ${delay}s: restart from the directory exits 0" [ "$RC" -eq 0 ]
        check "killed after ${delay}s: final snapshot bit for bit" "$SNAPDIFF" "$TMP/full/snapshot_0012.h5" "$d/snapshot_0012.h5"
        check "killed after ${delay}s: energy rows identical" [ "$(rows "$TMP/full/energy.csv")" = "$(rows "$d/energy.csv")" ]
    else
        echo "# killed after ${delay}s before the first snapshot: nothing to restart"
    fi
done

finish
