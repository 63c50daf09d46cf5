#!/bin/sh
# End to end: a run directory tells one history, whatever happens (issue 19). A restart
# with another output cadence never replaces a regular snapshot; a run id, not the folder a
# snapshot lies in, decides whose directory it is; the set-aside of a superseded history
# survives kill -9 at each of its steps; restart RUNDIR locks before it chooses its
# snapshot; the lock file is never written in place; a stop during a restart's set-up
# leaves the directory as it was; a restart states the header values it changes.
# tests/e2e/nbfault.so (fault_preload.c, LD_PRELOAD) stops nbody at a chosen call.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
BUILD=$(dirname "$NBODY")
SNAPDIFF=${SNAPDIFF:-$BUILD/tests/e2e/snapdiff}
FAULT=${NBFAULT:-$BUILD/tests/e2e/nbfault.so}
STRIP=${STRIP_RUN_ID:-$BUILD/tests/e2e/strip_run_id}
[ -f "$FAULT" ] && [ -x "$STRIP" ] || { echo "SKIP: $FAULT or $STRIP not built"; exit 77; }

cat >"$TMP/a.cfg" <<CFG
run: { name = "a"; output_dir = "$TMP/A"; seed = 3; };
initial_conditions: { type = "plummer"; n = 128; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 5.0e-3; t_end = 0.2; };
output: { snapshot_every = 10; diagnostics_every = 5; compression = 0; };
CFG
nb run "$TMP/a.cfg" --quiet
check "run A (snapshots 0-4 every 10 steps) exits 0" [ "$RC" -eq 0 ]
sums() { (cd "$1" && cksum snapshot_*.h5 | cut -d' ' -f1,2 | sort); }
# every snapshot of $1 (cksums) is in $2 or one of its superseded_after_* directories
kept() {
    all=$(cd "$2" && find . -name 'snapshot_*.h5' -exec cksum {} + | cut -d' ' -f1,2 | sort)
    for s in $(sums "$1" | tr ' ' ':'); do
        echo "$all" | tr ' ' ':' | grep -qx "$s" || return 1
    done
}
step_of() { "$NBODY" info "$1" | awk '$1 == "step:" { print $2 }'; }

# 1. another cadence: the snapshot restarted from (regular, step 20) stays; 0003 and 0004
# move to superseded_after_0002; the new history goes on at 0003
for case in "output.snapshot_every=15@30" "output.snapshot_times=[0.125]@25" \
            "output.snapshot_interval=0.075@30"; do
    how=${case%@*} next=${case#*@}
    d="$TMP/cad-${how%%=*}"
    cp -r "$TMP/A" "$d"
    set -- --set "$how"
    [ "$how" = "output.snapshot_every=15" ] || set -- "$@" --set output.snapshot_every=0
    nb restart "$d/snapshot_0002.h5" --quiet "$@"
    check "restart from snapshot_0002 with $how exits 0 ($(cat "$TMP/err"))" [ "$RC" -eq 0 ]
    check "... snapshot_0002 (step 20) is not replaced" \
        [ "$(cksum <"$d/snapshot_0002.h5")" = "$(cksum <"$TMP/A/snapshot_0002.h5")" ]
    check "... the new history goes on at snapshot_0003, step $next" \
        [ "$(step_of "$d/snapshot_0003.h5")" = "$next" ]
    check "... and no snapshot of A is lost" kept "$TMP/A" "$d"
done
# a finished run continued with a longer t_end and another cadence: its last snapshot stays
cp -r "$TMP/A" "$TMP/fin"
nb restart "$TMP/fin" --quiet --set integrator.t_end=0.3 --set output.snapshot_every=15
check "restart RUNDIR of a finished run with t_end and snapshot_every exits 0" [ "$RC" -eq 0 ]
check "... its last snapshot (step 40) stays" \
    [ "$(cksum <"$TMP/fin/snapshot_0004.h5")" = "$(cksum <"$TMP/A/snapshot_0004.h5")" ]
check "... the next is snapshot_0005 at step 45" [ "$(step_of "$TMP/fin/snapshot_0005.h5")" = 45 ]
# a checkpoint (here run.max_wall_seconds's, at step 1, off the schedule) is still
# superseded by the next regular snapshot: the directory ends as the uninterrupted run's
nb run "$TMP/a.cfg" --quiet --set "run.output_dir=\"$TMP/ck\"" --set run.max_wall_seconds=1e-9
check "a checkpoint at step 1 ($RC, step $(step_of "$TMP/ck/snapshot_0001.h5"))" \
    [ "$RC-$(step_of "$TMP/ck/snapshot_0001.h5")" = 3-1 ]
nb restart "$TMP/ck" --quiet --set run.max_wall_seconds=0
check "... restart RUNDIR from it replaces it with step 10's, bit for bit" \
    sh -c "[ $RC -eq 0 ] && '$SNAPDIFF' '$TMP/A/snapshot_0001.h5' '$TMP/ck/snapshot_0001.h5' && '$SNAPDIFF' '$TMP/A/snapshot_0004.h5' '$TMP/ck/snapshot_0004.h5'"

# 2. run identity: `run` writes a run id into energy.csv and every snapshot; restarts keep it
run_id() { sed -n 's/^# run_id: //p' "$1"; }
ida=$(run_id "$TMP/A/energy.csv")
check "energy.csv states a run id ($ida)" [ ${#ida} -eq 32 ]
check "... which every snapshot carries" sh -c "for f in '$TMP'/A/snapshot_*.h5; do grep -qa '$ida' \"\$f\" || exit 1; done"
nb restart "$TMP/A/snapshot_0001.h5" --quiet --set "run.output_dir=\"$TMP/C\""
check "a restart into a new directory keeps it" sh -c "[ $RC -eq 0 ] && [ '$(run_id "$TMP/C/energy.csv" 2>/dev/null)' = '$ida' ] && grep -qa '$ida' '$TMP/C/snapshot_0004.h5'"
nb run "$TMP/a.cfg" --quiet --set "run.output_dir=\"$TMP/B\"" --set run.seed=4
check "run B exits 0, with another run id" [ "$RC-$(run_id "$TMP/B/energy.csv")" != "0-$ida" ]
state() { (cd "$1" && ls -a | tr '\n' ' ' && cat energy.csv snapshot_*.h5 | cksum); }
# A's snapshot copied, or linked, into the finished run B: B is not its run's directory
cp "$TMP/A/snapshot_0001.h5" "$TMP/B/snapshot_0001.h5"
sum_b=$(state "$TMP/B")
nb restart "$TMP/B/snapshot_0001.h5" --quiet
check "restart from A's snapshot copied into B: exit 2 ($RC)" [ "$RC" -eq 2 ]
check "... saying it comes from another run" grep -q "run id $ida, but .*/B/energy.csv is run .*copied or linked there from another run.*--overwrite" "$TMP/err"
check "... and B is untouched" [ "$(state "$TMP/B")" = "$sum_b" ]
ln -s "$TMP/A/snapshot_0002.h5" "$TMP/B/a2.h5"
nb restart "$TMP/B/a2.h5" --quiet
check "restart from a link to A's snapshot in B: exit 2 ($RC), B untouched" \
    sh -c "[ $RC -eq 2 ] && grep -q 'copied or linked' '$TMP/err' && [ \"\$(ls -a '$TMP/B' | tr '\n' ' ')\" = \"\$(ls -a '$TMP/B' | tr '\n' ' ')\" ]"
rm "$TMP/B/a2.h5"
check "... B untouched" [ "$(state "$TMP/B")" = "$sum_b" ]
nb restart "$TMP/B/snapshot_0001.h5" --quiet --overwrite
check "with --overwrite it replaces B's files and continues A ($RC)" \
    sh -c "[ $RC -eq 0 ] && '$SNAPDIFF' '$TMP/A/snapshot_0004.h5' '$TMP/B/snapshot_0004.h5' && [ '$(run_id "$TMP/B/energy.csv")' = '$ida' ] && [ ! -e '$TMP/B/snapshot_0000.h5' ] && [ -e '$TMP/B/snapshot_0001.h5' ]"
# snapshots and logs written before run ids: the id derived from E0 (the same in all of
# one history) stands in; they restart as before and adopt it; another run's are refused
cp -r "$TMP/A" "$TMP/L"
"$STRIP" "$TMP"/L/snapshot_*.h5
sed -i '/^# run_id: /d' "$TMP/L/energy.csv"
cp -r "$TMP/L" "$TMP/L2"
nb restart "$TMP/L/snapshot_0002.h5" --quiet
check "a snapshot without a run id restarts in its own directory ($(cat "$TMP/err"))" \
    sh -c "[ $RC -eq 0 ] && '$SNAPDIFF' '$TMP/A/snapshot_0004.h5' '$TMP/L/snapshot_0004.h5'"
idl=$(run_id "$TMP/L/energy.csv")
check "... energy.csv adopts the derived id ($idl), so do the new snapshots" \
    sh -c "echo '$idl' | grep -q '^e0-[0-9a-f]\{16\}\$' && grep -qa '$idl' '$TMP/L/snapshot_0004.h5'"
check "... its rows are the uninterrupted run's" [ "$(rows "$TMP/L/energy.csv")" = "$(rows "$TMP/A/energy.csv")" ]
nb restart "$TMP/L" --quiet --set integrator.t_end=0.25
check "... and restart RUNDIR goes on from there" [ "$RC" -eq 0 ]
nb run "$TMP/a.cfg" --quiet --set "run.output_dir=\"$TMP/BL\"" --set run.seed=5 --set integrator.t_end=0.05
"$STRIP" "$TMP"/BL/snapshot_0001.h5
cp "$TMP/BL/snapshot_0001.h5" "$TMP/L2/snapshot_0001.h5"
nb restart "$TMP/L2/snapshot_0001.h5" --quiet --set integrator.t_end=0.2
check "another old run's snapshot in an old run's directory: exit 2 ($RC)" \
    sh -c "[ $RC -eq 2 ] && grep -q 'copied or linked' '$TMP/err'"

# 3. kill -9 at each rename and unlink of a restart from snapshot_0001 of the finished run
# A (t_end 0.2) with t_end 0.1: its later snapshots are set aside, energy.csv cut. After
# each kill the directory holds the old history whole, or the new one (committed: a
# journal the next process under the lock carries out), never a log cut at step 10 beside
# the later snapshots; and restart RUNDIR then ends exactly as the uninterrupted run to
# t = 0.3, with every snapshot of A kept somewhere
nb run "$TMP/a.cfg" --quiet --set "run.output_dir=\"$TMP/R\"" --set integrator.t_end=0.3
check "reference run to t = 0.3" [ "$RC" -eq 0 ]
late=$(cd "$TMP/A" && cksum snapshot_0002.h5 snapshot_0003.h5 snapshot_0004.h5 | cut -d' ' -f1,2)
later_in() { (cd "$1" && cksum snapshot_*.h5 | cut -d' ' -f1,2) | grep -qxF "$late"; }
ends_as_R() {
    [ $RC -eq 0 ] && "$SNAPDIFF" "$TMP/R/snapshot_0006.h5" "$1/snapshot_0006.h5" &&
        [ "$(rows "$1/energy.csv")" = "$(rows "$TMP/R/energy.csv")" ]
}
tidy() {
    kept "$TMP/A" "$1" && [ -z "$(ls -a "$1" | grep -e '^\.nbody\.journal' -e '^\.nbody\.superseded' -e '^\.nbody\.lock\.' -e '\.tmp$')" ]
}
n=1
while [ $n -le 40 ]; do
    d="$TMP/kill$n"
    cp -r "$TMP/A" "$d"
    LD_PRELOAD="$FAULT" NB_FAULT_FUNCS=rename,unlink NB_FAULT_MATCH="$d/" NB_FAULT_AT=$n \
        NB_FAULT_DO=kill "$NBODY" restart "$d/snapshot_0001.h5" --quiet \
        --set integrator.t_end=0.1 >"$TMP/out" 2>"$TMP/err"
    RC=$?
    [ $RC -eq 137 ] || break
    if [ "$(sums "$d")" = "$(sums "$TMP/A")" ] && cmp -s "$d/energy.csv" "$TMP/A/energy.csv"; then
        what="the old history whole"
    elif [ -e "$d/.nbody.journal" ]; then
        what="a committed journal"
    elif grep -q '^# restart: step 10 ' "$d/energy.csv" && ! later_in "$d"; then
        what="the new history"
    else
        what="neither history whole"
    fi
    check "kill -9 at call $n: $what" [ "$what" != "neither history whole" ]
    nb restart "$d" --quiet --set integrator.t_end=0.3
    check "... restart RUNDIR then ends as the uninterrupted run ($RC)" ends_as_R "$d"
    check "... with every snapshot of A kept, nothing staged left" tidy "$d"
    n=$((n + 1))
done
check "the restart was killed at each of its $((n - 1)) steps, then ran through ($RC)" [ "$RC-$((n > 8))" = 0-1 ]

finish
