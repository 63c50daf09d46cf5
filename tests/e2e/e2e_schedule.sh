#!/bin/sh
# End to end: snapshots at chosen times (output.snapshot_times, output.snapshot_interval)
# at the first step whose time reaches each, the same schedule after a restart (bit for bit,
# a shorter run's off-schedule end kept), and bad schedules refused naming the key.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
SNAPDIFF=${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}

cat >"$TMP/times.cfg" <<CFG
run: { name = "times"; output_dir = "$TMP/full"; seed = 3; };
initial_conditions: { type = "plummer"; n = 100; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 0.01; t_end = 1.0; };
output: { snapshot_every = 0; diagnostics_every = 5; compression = 0;
          snapshot_times = [0.05, 0.3, 0.305, 0.7]; snapshot_interval = 0.25; };
CFG

# steps of each snapshot in DIR, in file order
steps() {
    for f in "$1"/snapshot_*.h5; do
        "$NBODY" info "$f" | sed -n 's/^step: *//p'
    done | tr '\n' ' '
}

nb run "$TMP/times.cfg" --quiet
check "run with snapshot_times and snapshot_interval exits 0" [ "$RC" -eq 0 ]
# 0.05 -> step 5, 0.25 -> 25, 0.3 -> 30 (30 * 0.01 < 0.3 in doubles, within 1e-6 dt),
# 0.305 -> 31, 0.5 -> 50, 0.7 -> 70, 0.75 -> 75, 1.0 -> 100 (also the end)
got=$(steps "$TMP/full")
check "snapshots at steps 0 5 25 30 31 50 70 75 100 (got: $got)" \
    [ "$got" = "0 5 25 30 31 50 70 75 100 " ]

# ended at t = 0.4 (step 40, off the schedule), then continued: the step-40 snapshot is
# that run's last, a regular snapshot, and stays (docs/DESIGN.md, "Run directories"); the
# continuation numbers its snapshots after it, and the bits match
nb run "$TMP/times.cfg" --quiet --set "run.output_dir=\"$TMP/part\"" --set integrator.t_end=0.4 \
    --set "output.snapshot_times=[0.05, 0.3, 0.305]"
check "shortened run exits 0" [ "$RC" -eq 0 ]
nb restart "$TMP/part" --quiet --set integrator.t_end=1.0 \
    --set "output.snapshot_times=[0.05, 0.3, 0.305, 0.7]"
check "restart from the off-schedule end exits 0" [ "$RC" -eq 0 ]
got=$(steps "$TMP/part")
check "restart continues the schedule, the end at step 40 kept (got: $got)" \
    [ "$got" = "0 5 25 30 31 40 50 70 75 100 " ]
check "restart: final snapshot bit for bit (particles: its output_index is one on, past the kept step-40 snapshot)" \
    "$SNAPDIFF" --particles "$TMP/full/snapshot_0008.h5" "$TMP/part/snapshot_0009.h5"
check "restart: energy rows identical" [ "$(rows "$TMP/full/energy.csv")" = "$(rows "$TMP/part/energy.csv")" ]

# from a snapshot on the schedule (step 30, number 3): the next one is number 4
cp -r "$TMP/full" "$TMP/again"
nb restart "$TMP/again/snapshot_0003.h5" --quiet
check "restart from a scheduled snapshot exits 0" [ "$RC" -eq 0 ]
check "restart from a scheduled snapshot: the same files" \
    [ "$(cd "$TMP/full" && ls snapshot_*)" = "$(cd "$TMP/again" && ls snapshot_*)" ]
check "restart from a scheduled snapshot: bit for bit" \
    "$SNAPDIFF" "$TMP/full/snapshot_0008.h5" "$TMP/again/snapshot_0008.h5"

# with snapshot_every as well: the union of the schedules
nb run "$TMP/times.cfg" --quiet --set "run.output_dir=\"$TMP/union\"" --set output.snapshot_every=40 \
    --set "output.snapshot_times=[0.05]" --set output.snapshot_interval=0
got=$(steps "$TMP/union")
check "snapshot_every and snapshot_times together (got: $got)" [ "$got" = "0 5 40 80 100 " ]

# bad schedules: exit 2, file:line and key, nothing written
bad() { # bad NAME SETTING PATTERN
    nb check-config "$TMP/times.cfg" --set "$2"
    check "$1: exit 2" [ "$RC" -eq 2 ]
    check "$1: message" grep -q "$3" "$TMP/err"
}
bad "times not ascending" "output.snapshot_times=[0.5, 0.2]" \
    "output.snapshot_times: element 2 (0.20000000000000001) is not after element 1 (0.5)"
bad "time after t_end" "output.snapshot_times=[0.5, 2.0]" \
    "output.snapshot_times: 2 is after integrator.t_end = 1"
bad "time not positive" "output.snapshot_times=[-0.5]" \
    "output.snapshot_times: element 1 is -0.5, expected a time > 0"
bad "times not numbers" 'output.snapshot_times=["a"]' \
    "output.snapshot_times: element 1 is a string, expected a number"
bad "times not an array" "output.snapshot_times=0.5" \
    "output.snapshot_times: expected an array of ascending times"
bad "negative interval" "output.snapshot_interval=-1.0" \
    "output.snapshot_interval: -1 is out of range"
sed 's/0.305, 0.7/0.7, 0.305/' "$TMP/times.cfg" >"$TMP/unsorted.cfg"
nb run "$TMP/unsorted.cfg" --quiet --set "run.output_dir=\"$TMP/unsorted\""
check "unsorted times in a file: exit 2 naming file:line" \
    sh -c "[ $RC -eq 2 ] && grep -q 'unsorted.cfg:6: output.snapshot_times: element 4' '$TMP/err'"
check "unsorted times: nothing written" [ ! -e "$TMP/unsorted" ]
nb check-config "$TMP/times.cfg"
check "check-config shows the schedule" \
    grep -q 'snapshot_times = \[0.05, 0.3, 0.305, 0.7\];' "$TMP/out"
finish
