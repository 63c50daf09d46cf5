#!/bin/sh
# End to end: tools/energy.gp turns a run's energy.csv into a PNG with gnuplot, and a
# missing file fails without one. Skipped (77) when configure found no gnuplot.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
skip_unless GNUPLOT gnuplot

cat >"$TMP/gp.cfg" <<CFG
run: { name = "gp_run"; output_dir = "$TMP/run"; seed = 3; };
initial_conditions: { type = "plummer"; n = 100; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 2.0e-3; t_end = 0.1; };
output: { snapshot_every = 50; diagnostics_every = 5; compression = 0; };
CFG
nb run "$TMP/gp.cfg" --quiet
check "the run exits 0" [ "$RC" -eq 0 ]
log="$TMP/run/energy.csv"
"$GNUPLOT" -e "file='$log'; out='$TMP/gp.png'" "$SRCDIR/tools/energy.gp" >"$TMP/out" 2>"$TMP/err"
check "energy.gp exits 0" [ $? -eq 0 ]
check "energy.gp writes a PNG" is_png "$TMP/gp.png"
"$GNUPLOT" -e "file='$TMP/missing.csv'; out='$TMP/gpm.png'" "$SRCDIR/tools/energy.gp" \
    >"$TMP/out" 2>"$TMP/err"
check "energy.gp: missing file exits non-zero, no PNG" sh -c "[ $? -ne 0 ] && [ ! -e '$TMP/gpm.png' ]"
finish
