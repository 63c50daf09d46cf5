#!/bin/sh
# End to end: run the binary on configs, check energy.csv, exit codes, and that bad input
# writes nothing.
. "$SRCDIR/tests/e2e/e2e_lib.sh"

cat >"$TMP/small.cfg" <<CFG
run: { name = "small"; output_dir = "$TMP/small"; seed = 3; };
initial_conditions: { type = "plummer"; n = 256; };
gravity: { kernel = "parallel"; softening = 0.01; };
integrator: { dt = 1.0e-3; t_end = 0.2; };
output: { snapshot_every = 50; diagnostics_every = 10; compression = 1; };
CFG

nb run "$TMP/small.cfg" --quiet
check "run exits 0" [ "$RC" -eq 0 ]
check "quiet run prints nothing" [ ! -s "$TMP/err" ]
log="$TMP/small/energy.csv"
check "energy.csv exists" [ -f "$log" ]
check "energy.csv header row" grep -qx 'step,time,kinetic,potential,total,rel_energy_error,px,py,pz,lx,ly,lz,virial_ratio,wall_seconds,force_evaluations' "$log"
check "comment header names the kernel" grep -q '^# kernel: parallel' "$log"
check "21 data rows (steps 0..200 every 10)" [ "$(rows "$log" | wc -l)" -eq 21 ]
check "rows at steps 0 and 200" sh -c "rows() { grep -v '^#' \"\$1\" | grep -v '^step'; }; rows '$log' | head -1 | grep -q '^0,0,' && rows '$log' | tail -1 | grep -q '^200,'"
check "15 columns per row" sh -c "grep -v '^#' '$log' | awk -F, 'NF != 15 { bad = 1 } END { exit bad }'"
maxerr=$(grep -v '^#' "$log" | grep -v '^step' | awk -F, '{ e = $6 < 0 ? -$6 : $6; if (e > m) m = e } END { printf "%.3g", m }')
check "|rel_energy_error| < 1e-4 (got $maxerr)" awk -v e="$maxerr" 'BEGIN { exit !(e < 1e-4) }'
check "virial ratio near 1 at start" sh -c "grep '^0,' '$log' | awk -F, '{ exit !(\$13 > 0.8 && \$13 < 1.2) }'"
check "snapshots 0..4 written" [ -f "$TMP/small/snapshot_0000.h5" -a -f "$TMP/small/snapshot_0004.h5" -a ! -f "$TMP/small/snapshot_0005.h5" ]
check "no temporary files left" [ -z "$(ls "$TMP/small" | grep tmp)" ]

nb run "$TMP/small.cfg" --quiet
check "second run into the same directory refused with exit 2" [ "$RC" -eq 2 ]
check "refusal mentions --overwrite" grep -q -- '--overwrite' "$TMP/err"
nb run "$TMP/small.cfg" --quiet --overwrite --set integrator.t_end=0.05
check "--overwrite replaces the run" [ "$RC" -eq 0 ]
check "--overwrite removed stale snapshots" [ ! -f "$TMP/small/snapshot_0004.h5" ]

# Same bits whatever the thread count.
nb run "$TMP/small.cfg" --quiet --set "run.output_dir=\"$TMP/t1\"" --threads 1
nb run "$TMP/small.cfg" --quiet --set "run.output_dir=\"$TMP/t3\"" --threads 3
check "1 and 3 threads give the same energy rows" sh -c "[ \"\$(grep -v '^#' '$TMP/t1/energy.csv' | cut -d, -f1-13)\" = \"\$(grep -v '^#' '$TMP/t3/energy.csv' | cut -d, -f1-13)\" ]"

# Bad input: exit 2, one line on stderr, nothing created.
printf 'gravity: { softening = -1.0; };\nrun: { output_dir = "%s/bad"; };\n' "$TMP" >"$TMP/bad.cfg"
nb run "$TMP/bad.cfg"
check "bad config exits 2" [ "$RC" -eq 2 ]
check "bad config error names file:line and key" grep -q "bad.cfg:1: gravity.softening" "$TMP/err"
check "bad config error is one line" [ "$(wc -l <"$TMP/err")" -eq 1 ]
check "bad config creates nothing" [ ! -e "$TMP/bad" ]
# missing parents are created (e2e_ux.sh); one that is a file is refused, naming it
nb run "$TMP/small.cfg" --set "run.output_dir=\"$TMP/small.cfg/sub/run\""
check "output parent that is a file exits 2" [ "$RC" -eq 2 ]
check "output parent that is a file is named" grep -q "'$TMP/small.cfg' is not a directory" "$TMP/err"
nb run "$TMP/nonexistent.cfg"
check "missing config exits 2" [ "$RC" -eq 2 ]
nb run
check "missing argument exits 2" [ "$RC" -eq 2 ]
nb frobnicate
check "unknown command exits 2" [ "$RC" -eq 2 ]
nb run "$TMP/small.cfg" --threads many
check "bad --threads exits 2" [ "$RC" -eq 2 ]
nb run "$TMP/small.cfg" --bogus
check "unknown option exits 2" [ "$RC" -eq 2 ]

nb check-config "$TMP/small.cfg" --set gravity.softening=0.25
check "check-config exits 0" [ "$RC" -eq 0 ]
check "check-config prints the override" grep -q "softening = 0.25;" "$TMP/out"
nb check-config "$TMP/bad.cfg"
check "check-config rejects a bad file" [ "$RC" -eq 2 ]
printf 'run: { name = "x" \n seed = ; };\n' >"$TMP/syntax.cfg"
nb check-config "$TMP/syntax.cfg"
check "a syntax error says 'syntax error' once: $(cat "$TMP/err")" \
    sh -c "[ $RC -eq 2 ] && grep -q '^nbody: $TMP/syntax.cfg:2: syntax error$' '$TMP/err'"
nb check-config "$TMP/no-such.cfg"
check "a missing config names the reason" \
    grep -q "no-such.cfg: cannot read the parameter file: No such file or directory" "$TMP/err"
nb --help
check "--help exits 0 and lists commands" sh -c "[ $RC -eq 0 ] && grep -q 'nbody restart' '$TMP/out'"
nb --version
check "--version" grep -q '^nbody [0-9]' "$TMP/out"

# each command's own --help: its usage on stdout, exit 0, nothing run
for cmd in run restart info check-config bench; do
    nb "$cmd" --help
    check "$cmd --help exits 0 with its usage" \
        sh -c "[ $RC -eq 0 ] && grep -q 'usage: nbody $cmd' '$TMP/out' && [ ! -s '$TMP/err' ]"
done
# bench --active: a sub-step's evaluation of every 100th particle, beside the whole one
nb bench --kernel direct --kernel tree --n 600 --threads 1 --repeats 1 --active 0.01
check "bench --active times a sub-step for each kernel" \
    sh -c "[ $RC -eq 0 ] && [ \$(grep -c 'active=0.01 active_seconds=[0-9.e-]* active_ratio=' '$TMP/out') -eq 2 ]"
nb run "$TMP/small.cfg" --quiet --set "run.output_dir=\"$TMP/helped\"" -h
check "run CONFIG -h prints the usage and runs nothing" \
    sh -c "[ $RC -eq 0 ] && grep -q 'usage: nbody run' '$TMP/out' && [ ! -e '$TMP/helped' ]"

finish
