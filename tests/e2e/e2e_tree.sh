#!/bin/sh
# End to end for the tree kernel: its keys are checked with the config's file:line errors,
# a run gives the same bits for 1 and 2 threads, and a restart continues bit for bit; the
# same with gravity.opening = "relative" (forces read from the previous ones), fixed and
# adaptive steps.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
SNAPDIFF=${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}

cat >"$TMP/tree.cfg" <<CFG
run: { name = "t"; output_dir = "$TMP/full"; seed = 11; };
initial_conditions: { type = "plummer"; n = 600; };
gravity: { kernel = "tree"; softening = 0.02; opening_angle = 0.6; leaf_size = 4; };
integrator: { dt = 2.0e-3; t_end = 0.2; };
output: { snapshot_every = 30; diagnostics_every = 7; compression = 2; };
CFG

nb check-config "$TMP/tree.cfg" --set gravity.opening_angle=2
check "opening_angle = 2 refused with exit 2" [ "$RC" -eq 2 ]
check "the refusal names gravity.opening_angle" grep -q "gravity.opening_angle" "$TMP/err"
sed 's/opening_angle = 0.6/opening_angle = 0.0/' "$TMP/tree.cfg" >"$TMP/zero.cfg"
nb check-config "$TMP/zero.cfg"
check "opening_angle = 0 refused with exit 2" [ "$RC" -eq 2 ]
check "the refusal gives file:line" grep -q "zero.cfg:3" "$TMP/err"
nb check-config "$TMP/tree.cfg" --set gravity.leaf_size=65
check "leaf_size = 65 refused with exit 2" [ "$RC" -eq 2 ]

nb run "$TMP/tree.cfg" --quiet --threads 2
check "uninterrupted run" [ "$RC" -eq 0 ]
nb run "$TMP/tree.cfg" --quiet --threads 1 --set "run.output_dir=\"$TMP/one\""
check "one-thread run" [ "$RC" -eq 0 ]
check "1 and 2 threads: final snapshot bit for bit" "$SNAPDIFF" "$TMP/full/snapshot_0004.h5" "$TMP/one/snapshot_0004.h5"

# the same run stopped at t = 0.12 (step 60), then continued to t_end from its directory
nb run "$TMP/tree.cfg" --quiet --threads 2 --set "run.output_dir=\"$TMP/part\"" --set integrator.t_end=0.12
nb restart "$TMP/part" --quiet --threads 2 --set integrator.t_end=0.2
check "restart from run directory exits 0" [ "$RC" -eq 0 ]
check "restart: final snapshot bit for bit" "$SNAPDIFF" "$TMP/full/snapshot_0004.h5" "$TMP/part/snapshot_0004.h5"
check "restart: energy rows identical" [ "$(rows "$TMP/full/energy.csv")" = "$(rows "$TMP/part/energy.csv")" ]
check "energy error below 1e-3" awk -F, '/^[0-9]/ { e = $6 < 0 ? -$6 : $6; if (e > 1e-3) bad = 1 } END { exit bad }' "$TMP/full/energy.csv"

# the relative opening test: its forces depend on the previous step's, so a restart must
# continue from the snapshot's accelerations
for mode in fixed adaptive; do
    rel="--set gravity.opening=relative --set gravity.force_accuracy=0.002 --set integrator.timestep=\"$mode\""
    nb run "$TMP/tree.cfg" --quiet --threads 2 $rel --set "run.output_dir=\"$TMP/rel_$mode\""
    check "relative ($mode): run" [ "$RC" -eq 0 ]
    check "relative ($mode): /Parameters says opening = \"relative\"" \
        grep -aq 'opening = "relative";' "$TMP/rel_$mode/snapshot_0004.h5"
    nb run "$TMP/tree.cfg" --quiet --threads 1 $rel --set "run.output_dir=\"$TMP/rel1_$mode\""
    check "relative ($mode): 1 and 2 threads bit for bit" "$SNAPDIFF" "$TMP/rel_$mode/snapshot_0004.h5" "$TMP/rel1_$mode/snapshot_0004.h5"
    nb run "$TMP/tree.cfg" --quiet --threads 2 $rel --set "run.output_dir=\"$TMP/relp_$mode\"" --set integrator.t_end=0.12
    nb restart "$TMP/relp_$mode" --quiet --threads 2 --set integrator.t_end=0.2
    check "relative ($mode): restart exits 0" [ "$RC" -eq 0 ]
    check "relative ($mode): restart's final snapshot bit for bit" "$SNAPDIFF" "$TMP/rel_$mode/snapshot_0004.h5" "$TMP/relp_$mode/snapshot_0004.h5"
    check "relative ($mode): restart's energy rows identical" [ "$(rows "$TMP/rel_$mode/energy.csv")" = "$(rows "$TMP/relp_$mode/energy.csv")" ]
done
check "relative and geometric forces differ" sh -c "! '$SNAPDIFF' '$TMP/full/snapshot_0004.h5' '$TMP/rel_fixed/snapshot_0004.h5' >/dev/null 2>&1"
finish
