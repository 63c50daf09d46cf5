#!/bin/sh
# End to end: a run's directory tells one consistent history. A restart writes only into
# its own run's directory (or an empty one, or with --overwrite); a restart from an older
# snapshot sets the later ones aside instead of leaving them to be resumed from; all of it
# with a custom output.snapshot_base too; a stop by
# a signal during set-up (a long first potential row) still leaves a restartable run.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
SNAPDIFF=${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}

cat >"$TMP/a.cfg" <<CFG
run: { name = "a"; output_dir = "$TMP/A"; seed = 3; };
initial_conditions: { type = "plummer"; n = 128; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 5.0e-3; t_end = 0.2; };
output: { snapshot_every = 10; diagnostics_every = 5; compression = 0; };
CFG
nb run "$TMP/a.cfg" --quiet
check "run A exits 0" [ "$RC" -eq 0 ]
nb run "$TMP/a.cfg" --quiet --set "run.output_dir=\"$TMP/B\"" --set run.seed=4
check "run B exits 0" [ "$RC" -eq 0 ]
sum_b=$(cd "$TMP/B" && cat energy.csv snapshot_*.h5 | cksum)

# restart of A into B, a finished run of its own: refused, B untouched
nb restart "$TMP/A/snapshot_0001.h5" --quiet --set "run.output_dir=\"$TMP/B\""
check "restart into another run's directory: exit 2 ($RC)" [ "$RC" -eq 2 ]
check "... naming the directory and its own" sh -c "grep -q \"holds another run's files\" '$TMP/err' && grep -q \"'$TMP/A'\" '$TMP/err'"
check "... and B is untouched" [ "$(cd "$TMP/B" && cat energy.csv snapshot_*.h5 | cksum)" = "$sum_b" ]
# into a new directory: allowed, and it continues A bit for bit
nb restart "$TMP/A/snapshot_0001.h5" --quiet --set "run.output_dir=\"$TMP/C\""
check "restart into a new directory exits 0" [ "$RC" -eq 0 ]
check "... and ends as A did" "$SNAPDIFF" "$TMP/A/snapshot_0004.h5" "$TMP/C/snapshot_0004.h5"
# into B with --overwrite: B's files are replaced
nb restart "$TMP/A/snapshot_0001.h5" --quiet --overwrite --set "run.output_dir=\"$TMP/B\""
check "restart --overwrite into another run's directory exits 0" [ "$RC" -eq 0 ]
check "... and B now continues A" "$SNAPDIFF" "$TMP/A/snapshot_0004.h5" "$TMP/B/snapshot_0004.h5"
check "... without B's own step-0 snapshot" [ ! -e "$TMP/B/snapshot_0000.h5" ]

# restart from an older snapshot of a run that went further, with another kernel and a
# shorter cadence: the later snapshots are set aside, so `restart DIR` resumes from the
# new history, never from the old one
cp -r "$TMP/A" "$TMP/D"
nb restart "$TMP/D/snapshot_0001.h5" --quiet --set integrator.t_end=0.1 \
    --set gravity.kernel=parallel --set output.snapshot_every=5
check "restart from an older snapshot exits 0" [ "$RC" -eq 0 ]
check "... saying where the later snapshots went" grep -q "superseded_after_0001" "$TMP/err"
check "... which holds them" sh -c "[ -f '$TMP/D/superseded_after_0001/snapshot_0004.h5' ] && [ -f '$TMP/D/superseded_after_0001/snapshot_0002.h5' ]"
check "... with the old energy log" sh -c "[ \"\$(grep -v '^#' '$TMP/D/superseded_after_0001/energy.csv' | cut -d, -f1-13)\" = \"\$(grep -v '^#' '$TMP/A/energy.csv' | cut -d, -f1-13)\" ]"
# steps 0 and 10 kept, 15 and 20 new at the new cadence; nothing beyond
check "... and no later snapshot is left in the run" [ "$(ls "$TMP/D" | grep '^snapshot_' | tr '\n' ' ')" = "snapshot_0000.h5 snapshot_0001.h5 snapshot_0002.h5 snapshot_0003.h5 " ]
last=$(grep -v '^#' "$TMP/D/energy.csv" | tail -n 1 | cut -d, -f1)
check "... the energy log ends at the new end (step $last)" [ "$last" = 20 ]
nb restart "$TMP/D" --quiet --set integrator.t_end=0.15
check "restart DIR continues the new history" sh -c "[ $RC -eq 0 ] && grep -q '^# restart: step 20 ' '$TMP/D/energy.csv'"

# output.snapshot_base: the run writes galaxy_NNNN.h5 and nothing named snapshot_*; restart
# RUNDIR finds them, continues bit for bit and keeps the base; a restart from a file retires
# the later ones under the base; other bases are for new directories only; a run of another
# base is still kept out of the directory (and --overwrite replaces its snapshots)
sed -e 's/compression = 0;/compression = 0; snapshot_base = "galaxy";/' \
    -e "s|$TMP/A|$TMP/gfull|" "$TMP/a.cfg" >"$TMP/g.cfg"
nb run "$TMP/g.cfg" --quiet
check "snapshot_base = \"galaxy\": run exits 0" [ "$RC" -eq 0 ]
check "... writes galaxy_0000.h5 .. galaxy_0004.h5 and no snapshot_*.h5" \
    [ "$(ls "$TMP/gfull" | tr '\n' ' ')" = "energy.csv galaxy_0000.h5 galaxy_0001.h5 galaxy_0002.h5 galaxy_0003.h5 galaxy_0004.h5 " ]
nb run "$TMP/g.cfg" --quiet --set "run.output_dir=\"$TMP/gpart\"" --set integrator.t_end=0.1
nb restart "$TMP/gpart" --quiet --set integrator.t_end=0.2
check "restart RUNDIR of a galaxy run exits 0 ($(cat "$TMP/err"))" [ "$RC" -eq 0 ]
check "... keeps the base" [ "$(ls "$TMP/gpart" | tr '\n' ' ')" = "$(ls "$TMP/gfull" | tr '\n' ' ')" ]
check "... and continues bit for bit" "$SNAPDIFF" "$TMP/gfull/galaxy_0004.h5" "$TMP/gpart/galaxy_0004.h5"
check "... energy rows identical" [ "$(rows "$TMP/gfull/energy.csv")" = "$(rows "$TMP/gpart/energy.csv")" ]
cp -r "$TMP/gfull" "$TMP/gfile"
nb restart "$TMP/gfile/galaxy_0002.h5" --quiet
check "restart from galaxy_0002.h5 exits 0" [ "$RC" -eq 0 ]
check "... sets galaxy_0003, galaxy_0004 aside" sh -c "[ -f '$TMP/gfile/superseded_after_0002/galaxy_0003.h5' ] && [ -f '$TMP/gfile/superseded_after_0002/galaxy_0004.h5' ]"
check "... writes them again, bit for bit" "$SNAPDIFF" "$TMP/gfull/galaxy_0004.h5" "$TMP/gfile/galaxy_0004.h5"
sum_g=$(cd "$TMP/gfile" && ls -R | cksum; cat energy.csv galaxy_*.h5 | cksum)
nb restart "$TMP/gfile/galaxy_0002.h5" --quiet --set output.snapshot_base=halo
check "another base in the run's own directory: exit 2 ($RC)" [ "$RC" -eq 2 ]
check "... saying why and what to pass" grep -q 'output.snapshot_base = "halo" differs from the snapshot.s "galaxy".*--set output.snapshot_base=galaxy' "$TMP/err"
check "... nothing written" [ "$(cd "$TMP/gfile" && ls -R | cksum; cat energy.csv galaxy_*.h5 | cksum)" = "$sum_g" ]
nb restart "$TMP/gfile" --quiet --config "$TMP/a.cfg"
check "--config without the run's base, into its own directory: exit 2 ($RC)" \
    sh -c "[ $RC -eq 2 ] && grep -q 'a.cfg: output.snapshot_base = \"snapshot\" differs' '$TMP/err'"
check "... nothing written" [ "$(cd "$TMP/gfile" && ls -R | cksum; cat energy.csv galaxy_*.h5 | cksum)" = "$sum_g" ]
nb restart "$TMP/gfile/galaxy_0002.h5" --quiet --set output.snapshot_base=halo \
    --set "run.output_dir=\"$TMP/halo\""
check "another base in a new directory: allowed ($RC)" [ "$RC" -eq 0 ]
check "... bit for bit under the new names" "$SNAPDIFF" "$TMP/gfull/galaxy_0004.h5" "$TMP/halo/halo_0004.h5"
# a directory holding only another run's galaxy snapshots (and a file of the user's
# named like one): a default-base run is refused, --overwrite replaces the snapshots only
mkdir "$TMP/other"
cp "$TMP/gfull/galaxy_0000.h5" "$TMP/gfull/galaxy_0001.h5" "$TMP/other/"
echo "user data" >"$TMP/other/data_0001.h5"
nb run "$TMP/a.cfg" --quiet --set "run.output_dir=\"$TMP/other\""
check "run into a directory of galaxy snapshots: exit 2 ($RC)" \
    sh -c "[ $RC -eq 2 ] && grep -q 'already holds an earlier run' '$TMP/err'"
nb run "$TMP/a.cfg" --quiet --overwrite --set "run.output_dir=\"$TMP/other\"" --set integrator.t_end=0.05
check "... --overwrite replaces them, the user's file stays" \
    [ "$RC-$(ls "$TMP/other" | tr '\n' ' ')" = "0-data_0001.h5 energy.csv snapshot_0000.h5 snapshot_0001.h5 " ]
# two runs' snapshots in one directory: restart RUNDIR does not guess between them
cp "$TMP/gfull/galaxy_0001.h5" "$TMP/other/"
nb restart "$TMP/other" --quiet
check "restart RUNDIR holding two bases: exit 2 naming them ($(cat "$TMP/err"))" \
    sh -c "[ $RC -eq 2 ] && grep -q '2 base names (galaxy_NNNN.h5, snapshot_NNNN.h5).*nbody restart' '$TMP/err'"
# a bad base: exit 2, one line naming the key and what is expected, nothing written
nb run "$TMP/g.cfg" --quiet --set "run.output_dir=\"$TMP/badbase\"" --set 'output.snapshot_base="../x"'
check "snapshot_base = \"../x\": exit 2 naming the key, nothing written" \
    sh -c "[ $RC -eq 2 ] && [ \$(wc -l <'$TMP/err') -eq 1 ] && grep -q \"output.snapshot_base: starts with '.', expected 1 to 64 characters\" '$TMP/err' && [ ! -e '$TMP/badbase' ]"

# SIGTERM during set-up (raised at the lock, so it is pending through the first force and
# the first, exact O(N^2), potential row, whatever the machine's speed): the run writes its
# step-0 snapshot, exits 3, and restarts from it
cat >"$TMP/big.cfg" <<CFG
run: { name = "big"; output_dir = "$TMP/big"; seed = 1; };
initial_conditions: { type = "plummer"; n = 40000; };
gravity: { kernel = "knn"; softening = 0.01; neighbours = 8; };
integrator: { dt = 1.0e-3; t_end = 2.0e-3; };
output: { snapshot_every = 0; diagnostics_every = 1000; compression = 0; potential = "exact"; };
CFG
faulty flock .nbody.lock 1 term "$NBODY" run "$TMP/big.cfg" --quiet
check "SIGTERM during set-up: exit 3 ($RC: $(cat "$TMP/err"))" [ "$RC" -eq 3 ]
check "... with a restartable step-0 snapshot" [ -f "$TMP/big/snapshot_0000.h5" ]
check "... and no stale lock or temporary" [ -z "$(ls "$TMP/big" | grep '\.tmp$')" ]
nb restart "$TMP/big" --quiet --set output.diagnostics_every=1000 --set gravity.kernel=knn \
    --set initial_conditions.n=40000
check "... which restarts and finishes ($(cat "$TMP/err"))" [ "$RC" -eq 0 ]

# SIGHUP and SIGUSR1 (what mpirun forwards; app/stop.h) are stop requests like SIGTERM
for sig in HUP USR1; do
    "$NBODY" run "$TMP/a.cfg" --quiet --set "run.output_dir=\"$TMP/sig$sig\"" \
        --set integrator.t_end=200 >"$TMP/out" 2>"$TMP/err" &
    pid=$!
    i=0
    while [ ! -f "$TMP/sig$sig/snapshot_0000.h5" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
    kill -$sig $pid
    wait $pid
    RC=$?
    check "SIG$sig checkpoints and exits 3 ($RC)" [ "$RC" -eq 3 ]
done

finish
