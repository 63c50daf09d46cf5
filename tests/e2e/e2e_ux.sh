#!/bin/sh
# End to end: what a run tells its user (issue 23): a step far too large is warned about at
# the start and the end, the shipped configs are not; energy.csv's shortest decimals; the
# output directory's missing parents; the start-up summary; the command a stop prints, run
# as printed; a directory in use said first; an unquoted string; and the periodic
# wall-clock checkpoint, killed after and restarted bit for bit.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
SNAPDIFF=${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}
Q="$SRCDIR/configs/quickstart.cfg"

# 1. dt 100 times quickstart's (the shortest dynamical time sqrt(eps/|a|) is 0.054 there:
# dt/t = 1.85, and |dE/E| reaches 2.8% by t = 1): warned at the start and at the end
nb run "$Q" --set integrator.dt=0.1 --set "run.output_dir=\"$TMP/big\""
check "a step far too large: the run still exits 0 ($RC)" [ "$RC" -eq 0 ]
check "... warned at the start, naming dt, the time and the fix" sh -c "grep '^nbody: warning: integrator.dt = 0.1 is .* times the shortest dynamical time sqrt(eps / |a|)' '$TMP/err' | grep -q 'lower integrator.dt, or use integrator.timestep = \"adaptive\"'"
check "... before the first progress line" sh -c "grep -n 'warning: integrator.dt\|^step ' '$TMP/err' | head -1 | grep -q warning"
check "... and at the end: the energy error and the fix" sh -c "grep -q '^nbody: warning: the relative energy error reached .* (more than 0.01): integrator.dt = 0.1 is too large for this system; use a smaller integrator.dt, or integrator.timestep = \"adaptive\"' '$TMP/err'"
err_end=$(tail -1 "$TMP/big/energy.csv" | cut -d, -f6)
check "... which energy.csv's last row shows ($err_end)" awk -v e="$err_end" 'BEGIN { exit !(e > 0.01 || e < -0.01) }'
# adaptive: the deepest bin dt / 2^max_bins is what counts
nb run "$Q" --set integrator.dt=0.1 --set integrator.t_end=0.1 --set 'integrator.timestep="adaptive"' \
    --set integrator.max_bins=0 --set "run.output_dir=\"$TMP/big-ad\""
check "adaptive with max_bins = 0: warned about the deepest bin" grep -q "warning: the deepest bin's step dt / 2^max_bins = 0.1 .*raise integrator.max_bins" "$TMP/err"
nb run "$Q" --set integrator.dt=0.1 --set integrator.t_end=0.1 --set 'integrator.timestep="adaptive"' \
    --set "run.output_dir=\"$TMP/big-ad2\""
check "adaptive with max_bins = 30: no warning at the start" sh -c "! grep -q 'warning: the deepest' '$TMP/err'"

# the shipped configs, one step each (N at most 20000: fewer, heavier particles only raise
# the accelerations), warn of nothing
for cfg in "$SRCDIR"/configs/*.cfg; do
    name=$(basename "$cfg" .cfg)
    n=$("$NBODY" check-config "$cfg" | sed -n 's/^  n = \([0-9]*\).*/\1/p' | head -1)
    set -- --set "run.output_dir=\"$TMP/cfg-$name\"" --set output.snapshot_every=0
    [ -n "$n" ] && [ "$n" -gt 20000 ] && set -- "$@" --set initial_conditions.n=20000
    dt=$("$NBODY" check-config "$cfg" "$@" | sed -n 's/^  dt = \([^;]*\);.*/\1/p')
    nb run "$cfg" "$@" --set integrator.t_end="$dt"
    check "configs/$name.cfg: no warning (exit $RC)" sh -c "[ $RC -eq 0 ] && ! grep -q warning '$TMP/err'"
done

# 2. energy.csv: the shortest decimal that reads back (0.03, not 0.029999999999999999)
nb run "$Q" --quiet --set integrator.dt=0.01 --set integrator.t_end=0.1 --set output.diagnostics_every=1 \
    --set "run.output_dir=\"$TMP/fmt\""
check "energy.csv's time column: 0.03 at step 3" grep -q '^3,0\.03,' "$TMP/fmt/energy.csv"
# every number has the fewest significant digits that read back as the same double: one
# digit fewer (printf %.*g) reads back as another
short=$(grep -v '^#' "$TMP/fmt/energy.csv" | grep -v '^step' | cut -d, -f2-13 | tr ',' '\n' | awk '
    { m = $1; sub(/^[-+]/, "", m); sub(/[eE].*/, "", m); gsub(/\./, "", m); sub(/^0+/, "", m)
      sub(/0+$/, "", m); d = length(m); x = $1 + 0
      if (sprintf("%.17g", x) + 0 != x) { print "no round trip: " $1; exit }
      if (d > 1 && sprintf("%." (d - 1) "g", x) + 0 == x) { print "not shortest: " $1; exit } }')
check "energy.csv: every value the shortest decimal that reads back${short:+ ($short)}" [ -z "$short" ]

# 3. run.output_dir's missing parents are created; a parent that is a file is refused
nb run "$Q" --quiet --set integrator.t_end=0.002 --set "run.output_dir=\"$TMP/a/b/c/run\""
check "missing parents of run.output_dir are created (exit $RC)" sh -c "[ $RC -eq 0 ] && [ -f '$TMP/a/b/c/run/energy.csv' ]"
: >"$TMP/plain"
nb run "$Q" --quiet --set integrator.t_end=0.002 --set "run.output_dir=\"$TMP/plain/x/run\""
check "a parent that is a file: exit 2 naming it, nothing created ($(cat "$TMP/err"))" sh -c "[ $RC -eq 2 ] && grep -q \"cannot create '$TMP/plain/x/run': '$TMP/plain' is not a directory\" '$TMP/err'"

# 4. the start-up summary; a stop prints the command that continues, which works as printed
nb run "$Q" --set integrator.t_end=0.005 --set "run.output_dir=\"$TMP/sum\""
check "summary: run name and config" grep -q "^nbody: run 'quickstart' ($Q)" "$TMP/err"
check "summary: N, kernel, threads, ranks" grep -q '^nbody:   N = 1024, kernel parallel, [0-9]* threads\? x 1 rank, softening 0.01$' "$TMP/err"
check "summary: steps and t_end" grep -q '^nbody:   fixed steps of dt = 0.001 to t_end = 0.005: 5 steps to go$' "$TMP/err"
check "summary: memory and output dir" grep -q "^nbody:   memory: 96 kB for the particles; output in $TMP/sum\$" "$TMP/err"
nb run "$Q" --quiet --set integrator.t_end=0.005 --set "run.output_dir=\"$TMP/sum-q\""
check "--quiet: no summary" sh -c "! grep -q 'nbody: run' '$TMP/err'"
D="$TMP/it's a dir"
faulty rename snapshot_0001.h5 1 term "$NBODY" run "$Q" --quiet --set integrator.t_end=0.02 \
    --set output.snapshot_every=5 --set "run.output_dir=\"$D\""
again=$(sed -n 's/.*; continue with: //p' "$TMP/err")
check "a stop: exit 3, the continuing command printed ($again)" sh -c "[ $RC -eq 3 ] && [ -n \"\$1\" ]" sh "$again"
(PATH="$(dirname "$NBODY"):$PATH"; eval "$again") >"$TMP/out" 2>"$TMP/err"
check "... run as printed, it continues to the end (exit $?)" grep -q "finished; output in $D" "$TMP/err"
nb run "$Q" --quiet --set integrator.t_end=0.02 --set output.snapshot_every=5 --set "run.output_dir=\"$TMP/ref20\""
check "... to the uninterrupted run's final snapshot" "$SNAPDIFF" "$TMP/ref20/snapshot_0004.h5" "$D/snapshot_0004.h5"

# 4b. a directory another process holds the lock of: that is said first, not --overwrite
if command -v flock >/dev/null 2>&1; then
    exec 9>>"$TMP/sum/.nbody.lock"
    flock -x 9
    nb run "$Q" --quiet --set integrator.t_end=0.005 --set "run.output_dir=\"$TMP/sum\""
    exec 9>&-
    check "a directory in use: exit 2, another process is running there ($(cat "$TMP/err"))" sh -c "[ $RC -eq 2 ] && grep -q 'another nbody process is running in this directory' '$TMP/err' && ! grep -q overwrite '$TMP/err'"
    nb run "$Q" --quiet --set integrator.t_end=0.005 --set "run.output_dir=\"$TMP/sum\""
    check "... once free: the earlier run's files, pass --overwrite" sh -c "[ $RC -eq 2 ] && grep -q 'pass --overwrite' '$TMP/err'"
fi

# 4c. an unquoted string in a parameter file
printf 'run: { name = "u"; };\ngravity: {\n  kernel = tree;\n};\n' >"$TMP/unquoted.cfg"
nb check-config "$TMP/unquoted.cfg"
check "kernel = tree; says that strings need double quotes ($(cat "$TMP/err"))" sh -c "[ $RC -eq 2 ] && grep -q 'unquoted.cfg:3: syntax error: kernel = tree: a string needs double quotes (kernel = \"tree\";)' '$TMP/err'"
printf 'run: { name = "u"; };\nmisc = true;\n' >"$TMP/bool.cfg"
nb check-config "$TMP/bool.cfg"
check "... a boolean is not taken for one" sh -c "! grep -q 'double quotes' '$TMP/err'"

# 5. run.checkpoint_every_seconds: with a tiny interval, a checkpoint after every step that
# is not a snapshot's, each replacing the last (snapshot_0001.h5, the final one's number);
# the same bits as without; killed (-9) after the 5th, restarted to the same final snapshot
set -- --quiet --set integrator.t_end=0.02 --set output.snapshot_every=0 --set initial_conditions.n=256
nb run "$Q" "$@" --set "run.output_dir=\"$TMP/ck-ref\""
check "checkpoint: the reference run (exit $RC)" [ "$RC" -eq 0 ]
nb run "$Q" "$@" --set run.checkpoint_every_seconds=1e-9 --set "run.output_dir=\"$TMP/ck-full\""
check "checkpoints every step: exit $RC, the same final snapshot" "$SNAPDIFF" "$TMP/ck-ref/snapshot_0001.h5" "$TMP/ck-full/snapshot_0001.h5"
check "... the same energy rows" sh -c "rows() { grep -v '^#' \"\$1\" | grep -v '^step' | cut -d, -f1-13,15-; }; [ \"\$(rows '$TMP/ck-ref/energy.csv')\" = \"\$(rows '$TMP/ck-full/energy.csv')\" ]"
check "... and no other snapshot" [ "$(ls "$TMP/ck-full" | grep -c '\.h5$')" -eq 2 ]
faulty rename snapshot_0001.h5 6 kill "$NBODY" run "$Q" "$@" --set run.checkpoint_every_seconds=1e-9 \
    --set "run.output_dir=\"$TMP/ck\""
step=$("$NBODY" info "$TMP/ck/snapshot_0001.h5" | sed -n 's/^step: *//p')
check "killed -9 after the 5th checkpoint: snapshot_0001.h5 is it (step $step)" [ "$step" = 5 ]
nb restart "$TMP/ck" --quiet
check "... nbody restart continues (exit $RC)" [ "$RC" -eq 0 ]
check "... to the uninterrupted run's final snapshot, bit for bit" "$SNAPDIFF" "$TMP/ck-ref/snapshot_0001.h5" "$TMP/ck/snapshot_0001.h5"
check "... and its energy rows" sh -c "rows() { grep -v '^#' \"\$1\" | grep -v '^step' | cut -d, -f1-13,15-; }; [ \"\$(rows '$TMP/ck-ref/energy.csv')\" = \"\$(rows '$TMP/ck/energy.csv')\" ]"
nb check-config "$Q" --set run.checkpoint_every_seconds=-1
check "run.checkpoint_every_seconds = -1: exit 2" sh -c "[ $RC -eq 2 ] && grep -q 'checkpoint_every_seconds' '$TMP/err'"

finish
