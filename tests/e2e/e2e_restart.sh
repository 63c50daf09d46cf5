#!/bin/sh
# End to end: restarts continue bit for bit (from a file, from a run directory, after
# SIGTERM and after the wall-clock limit), energy.csv keeps each step once, and restarts
# that would silently change the physics are refused.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
SNAPDIFF=${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}

for kernel in direct parallel knn; do
    "$NBODY" --help | grep -q "kernels:.*$kernel" || continue
    cat >"$TMP/$kernel.cfg" <<CFG
run: { name = "r"; output_dir = "$TMP/$kernel-full"; seed = 5; };
initial_conditions: { type = "plummer"; n = 200; };
gravity: { kernel = "$kernel"; softening = 0.02; neighbours = 8; };
integrator: { dt = 2.0e-3; t_end = 0.2; };
output: { snapshot_every = 30; diagnostics_every = 7; compression = 2; };
CFG
    nb run "$TMP/$kernel.cfg" --quiet
    check "$kernel: uninterrupted run" [ "$RC" -eq 0 ]
    # the same run stopped at t = 0.12 (step 60), then continued to t_end from its directory
    nb run "$TMP/$kernel.cfg" --quiet --set "run.output_dir=\"$TMP/$kernel-part\"" --set integrator.t_end=0.12
    nb restart "$TMP/$kernel-part" --quiet --set integrator.t_end=0.2
    check "$kernel: restart from run directory exits 0" [ "$RC" -eq 0 ]
    check "$kernel: final snapshot bit for bit" "$SNAPDIFF" "$TMP/$kernel-full/snapshot_0004.h5" "$TMP/$kernel-part/snapshot_0004.h5"
    check "$kernel: energy rows identical" [ "$(rows "$TMP/$kernel-full/energy.csv")" = "$(rows "$TMP/$kernel-part/energy.csv")" ]
done

full="$TMP/direct-full"
# restart from an early snapshot file: rows after it are dropped, then regrown
cp -r "$full" "$TMP/again"
nb restart "$TMP/again/snapshot_0001.h5" --quiet
check "restart from a snapshot file exits 0" [ "$RC" -eq 0 ]
check "each step once after restart" [ "$(rows "$TMP/again/energy.csv" | cut -d, -f1 | sort | uniq -d | wc -l)" -eq 0 ]
check "rows equal the uninterrupted run" [ "$(rows "$full/energy.csv")" = "$(rows "$TMP/again/energy.csv")" ]
check "restart is marked in energy.csv" grep -q '^# restart: step 30 ' "$TMP/again/energy.csv"
check "snapshots equal after restart" "$SNAPDIFF" "$full/snapshot_0004.h5" "$TMP/again/snapshot_0004.h5"

# a snapshot as initial conditions: the new run starts from exactly its particles
nb run "$TMP/direct.cfg" --quiet --set "run.output_dir=\"$TMP/fromfile\"" \
    --set initial_conditions.type=file --set "initial_conditions.file=\"$full/snapshot_0002.h5\""
check "type = file run exits 0" [ "$RC" -eq 0 ]
check "type = file starts from the snapshot's particles" "$SNAPDIFF" --particles "$full/snapshot_0002.h5" "$TMP/fromfile/snapshot_0000.h5"
check "type = file starts a new run at t = 0" grep -q '^0,0,' "$TMP/fromfile/energy.csv"

# nbody info describes a snapshot
nb info "$full/snapshot_0002.h5"
check "info exits 0" [ "$RC" -eq 0 ]
check "info gives N, step, time and kernel" sh -c "grep -q '^n: *200$' '$TMP/out' && grep -q '^step: *60$' '$TMP/out' && grep -q '^time: *0.12$' '$TMP/out' && grep -q '^kernel: *direct$' '$TMP/out'"
check "info gives the energy error" grep -q '^rel_energy_error:' "$TMP/out"
check "info prints the parameters" grep -q 'softening = 0.02;' "$TMP/out"

# physics changes must be explicit
nb restart "$full/snapshot_0002.h5" --quiet --config "$TMP/direct.cfg" --set integrator.t_end=0.3
check "restart with the run's own config is accepted" [ "$RC" -eq 0 ]
sed 's/softening = 0.02/softening = 0.05/' "$TMP/direct.cfg" >"$TMP/soft.cfg"
nb restart "$full/snapshot_0002.h5" --quiet --config "$TMP/soft.cfg"
check "silent softening change refused with exit 2" [ "$RC" -eq 2 ]
check "refusal names the key" grep -q "gravity.softening" "$TMP/err"
nb restart "$full/snapshot_0002.h5" --quiet --set integrator.t_end=0.5 --set integrator.dt=1e-3
check "explicit dt change accepted" [ "$RC" -eq 0 ]
nb restart "$TMP/nowhere" --quiet
check "missing restart target exits 2" [ "$RC" -eq 2 ]

# wall-clock limit: exit 3 with a snapshot, then the restart matches the full run
cat >"$TMP/long.cfg" <<CFG
run: { name = "long"; output_dir = "$TMP/long-full"; seed = 9; };
initial_conditions: { type = "plummer"; n = 3000; };
gravity: { kernel = "parallel"; softening = 0.02; };
integrator: { dt = 1.0e-3; t_end = 0.3; };
output: { snapshot_every = 100; diagnostics_every = 10; compression = 0; };
CFG
nb run "$TMP/long.cfg" --quiet
check "long run finishes" [ "$RC" -eq 0 ]
nb run "$TMP/long.cfg" --quiet --set "run.output_dir=\"$TMP/long-wall\"" --set run.max_wall_seconds=0.2
check "wall-clock limit exits 3" [ "$RC" -eq 3 ]
nb restart "$TMP/long-wall" --quiet --set run.max_wall_seconds=0.0
check "restart after wall-clock stop exits 0" [ "$RC" -eq 0 ]
check "wall-clock stop + restart: final snapshot bit for bit" "$SNAPDIFF" "$TMP/long-full/snapshot_0003.h5" "$TMP/long-wall/snapshot_0003.h5"
check "wall-clock stop + restart: same snapshot files" [ "$(ls "$TMP/long-full" | grep snapshot)" = "$(ls "$TMP/long-wall" | grep snapshot)" ]
check "wall-clock stop + restart: energy rows identical" [ "$(rows "$TMP/long-full/energy.csv")" = "$(rows "$TMP/long-wall/energy.csv")" ]

# SIGTERM mid-run
"$NBODY" run "$TMP/long.cfg" --quiet --set "run.output_dir=\"$TMP/long-sig\"" >"$TMP/out" 2>"$TMP/err" &
pid=$!
i=0
while [ ! -f "$TMP/long-sig/snapshot_0000.h5" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
kill -TERM $pid
wait $pid
RC=$?
if [ "$RC" -eq 0 ]; then
    echo "# the run finished before SIGTERM arrived; signal path not exercised"
else
    check "SIGTERM exits 3" [ "$RC" -eq 3 ]
    nb restart "$TMP/long-sig" --quiet
    check "SIGTERM + restart: final snapshot bit for bit" "$SNAPDIFF" "$TMP/long-full/snapshot_0003.h5" "$TMP/long-sig/snapshot_0003.h5"
    check "SIGTERM + restart: energy rows identical" [ "$(rows "$TMP/long-full/energy.csv")" = "$(rows "$TMP/long-sig/energy.csv")" ]
fi

finish
