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
    faulty rename,unlink "$d/" $n kill \
        "$NBODY" restart "$d/snapshot_0001.h5" --quiet --set integrator.t_end=0.1
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

# 4. restart RUNDIR locks first: a `run --overwrite` of another run (seed 4) that lands
# just before the restart's lock is what the restart then finds and continues
nb run "$TMP/a.cfg" --quiet --set "run.output_dir=\"$TMP/R4\"" --set run.seed=4 --set integrator.t_end=0.3
cp -r "$TMP/A" "$TMP/race"
NB_FAULT_EXEC="'$NBODY' run '$TMP/a.cfg' --quiet --overwrite --set 'run.output_dir=\"$TMP/race\"' --set run.seed=4"
export NB_FAULT_EXEC
faulty flock "$TMP/race/.nbody.lock" 1 exec "$NBODY" restart "$TMP/race" --quiet --set integrator.t_end=0.3
unset NB_FAULT_EXEC
check "a run --overwrite just before restart RUNDIR's lock: the restart continues it ($RC)" \
    sh -c "[ $RC -eq 0 ] && '$SNAPDIFF' '$TMP/R4/snapshot_0006.h5' '$TMP/race/snapshot_0006.h5'"
check "... one history in the directory: the seed-4 run's rows" [ "$(rows "$TMP/race/energy.csv")" = "$(rows "$TMP/R4/energy.csv")" ]

# 5. the lock file is replaced, never written in place: a hard link planted as .nbody.lock
# keeps the file it points to
echo "precious" >"$TMP/precious"
cp -r "$TMP/A" "$TMP/hl"
rm -f "$TMP/hl/.nbody.lock"
ln "$TMP/precious" "$TMP/hl/.nbody.lock"
nb restart "$TMP/hl" --quiet --set integrator.t_end=0.25
check "restart with a hard link as the lock file exits 0 ($RC)" [ "$RC" -eq 0 ]
check "... and the linked file is untouched" [ "$(cat "$TMP/precious")" = "precious" ]
mkdir "$TMP/hl2"
ln "$TMP/precious" "$TMP/hl2/.nbody.lock"
nb run "$TMP/a.cfg" --quiet --set "run.output_dir=\"$TMP/hl2\"" --set integrator.t_end=0.05
check "run with a hard link as the lock file: exit 0, the linked file untouched" \
    [ "$RC-$(cat "$TMP/precious")" = "0-precious" ]
check "... the lock file names its last holder" grep -q "^[0-9]* $(hostname)\$" "$TMP/hl2/.nbody.lock"

# 6. SIGTERM during a restart's set-up (here while it takes the lock): nothing is written,
# the directory is left as it was, and the same restart then runs
faulty flock "$TMP/new/.nbody.lock" 1 term \
    "$NBODY" restart "$TMP/A/snapshot_0001.h5" --quiet --set "run.output_dir=\"$TMP/new\""
check "SIGTERM during the set-up of a restart into a new directory: exit 3 ($RC)" [ "$RC" -eq 3 ]
check "... saying nothing was written ($(cat "$TMP/err"))" grep -q "before anything was written: $TMP/new was left as it was (not created); restart from $TMP/A/snapshot_0001.h5 again" "$TMP/err"
check "... and there is no such directory" [ ! -e "$TMP/new" ]
nb restart "$TMP/A/snapshot_0001.h5" --quiet --set "run.output_dir=\"$TMP/new\""
check "... the same restart then runs, bit for bit" sh -c "[ $RC -eq 0 ] && '$SNAPDIFF' '$TMP/A/snapshot_0004.h5' '$TMP/new/snapshot_0004.h5'"
cp -r "$TMP/A" "$TMP/term"
sum_t=$(state "$TMP/term")
faulty flock "$TMP/term/.nbody.lock" 1 term "$NBODY" restart "$TMP/term/snapshot_0001.h5" --quiet
check "... into its own directory: exit 3 ($RC), the directory as it was" \
    sh -c "[ $RC -eq 3 ] && [ \"\$(cd '$TMP/term' && ls -a | tr '\n' ' ' && cat energy.csv snapshot_*.h5 | cksum)\" = '$sum_t' ]"

# 7. a restart that changes what the header states adds a block stating the new values
cp -r "$TMP/A" "$TMP/hdr"
nb restart "$TMP/hdr/snapshot_0002.h5" --quiet --set gravity.kernel=parallel \
    --set integrator.dt=2.5e-3 --set output.potential=tree
check "restart with another kernel, dt and potential exits 0 ($(cat "$TMP/err"))" [ "$RC" -eq 0 ]
check "... energy.csv states them in its restart block" sh -c "grep -A4 '^# restart: step 20 ' '$TMP/hdr/energy.csv' | tr '\n' '|' | grep -q '^# restart: step 20 time 0.1|# restart kernel: parallel|# restart dt: 0.0025|# restart potential: Barnes-Hut tree'"
check "... and only them" [ "$(grep -c '^# restart ' "$TMP/hdr/energy.csv")" -eq 3 ]
sed 's/^run: {/units: { system = "kpc_msun_kms"; };\nrun: {/' "$TMP/a.cfg" >"$TMP/kpc.cfg"
nb restart "$TMP/hdr/snapshot_0002.h5" --quiet --config "$TMP/kpc.cfg"
check "other units from --config: exit 2 ($RC), naming both and --set" \
    sh -c "[ $RC -eq 2 ] && grep -q 'kpc.cfg: the units (.*kpc.*) differ from the snapshot.s (N-body.*pass them with --set' '$TMP/err'"
nb restart "$TMP/hdr/snapshot_0002.h5" --quiet --set 'units.system="kpc_msun_kms"' --set integrator.dt=2.5e-3
check "... given with --set: exit 0 ($RC: $(cat "$TMP/err"))" [ "$RC" -eq 0 ]
check "... the new snapshots carry the new G and unit attributes" \
    sh -c "'$NBODY' info '$TMP/hdr/snapshot_0004.h5' | grep -q '^G: *4.30091' && grep -qa UnitLength_in_cm '$TMP/hdr/snapshot_0004.h5' && ! grep -qa UnitLength_in_cm '$TMP/hdr/snapshot_0002.h5'"
check "... energy.csv's block states the units and G" sh -c "grep -A4 '^# restart: step 20 ' '$TMP/hdr/energy.csv' | grep -q '^# restart units: .*kpc' && grep -A4 '^# restart: step 20 ' '$TMP/hdr/energy.csv' | grep -q '^# restart G: 4.30091'"

# 8. the restart markers of a history set aside go with it
cp -r "$TMP/A" "$TMP/mk"
nb restart "$TMP/mk/snapshot_0002.h5" --quiet --set integrator.t_end=0.25 --set gravity.kernel=parallel
nb restart "$TMP/mk/snapshot_0001.h5" --quiet
check "restart from 0001 after one from 0002: exit 0 ($RC)" [ "$RC" -eq 0 ]
check "... the step-20 restart block left energy.csv" sh -c "! grep -q -e '^# restart: step 20 ' -e '^# restart kernel' '$TMP/mk/energy.csv' && grep -q '^# restart: step 10 ' '$TMP/mk/energy.csv'"
check "... and went with the superseded copy" grep -q '^# restart: step 20 ' "$TMP/mk/superseded_after_0001/energy.csv"

finish
