#!/bin/sh
# integrator.timestep = "adaptive" in the run (docs/timesteps.md): with every particle in
# bin 0 it is the fixed leapfrog bit for bit; a Hernquist sphere with a black hole uses
# several bins, with the same bits on 1 and 2 threads; a restart from a middle snapshot
# continues bit for bit (snapshots and energy rows); and it takes fewer force evaluations
# than a fixed run at its smallest step.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
SNAPDIFF=${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}
cd "$TMP" || exit 1

# the last energy row's force_evaluations (the 15th column)
evals() { grep -v '^#' "$1" | tail -1 | cut -d, -f15; }
# the deepest bin of a snapshot, from nbody info's TimeBin line
maxbin() { "$NBODY" info "$1" | sed -n 's|^  /PartType1/TimeBin .* max \([0-9]*\)$|\1|p'; }

# 1. eta so large that every particle stays in bin 0: the fixed run's bits
plummer="--set initial_conditions.n=256 --set integrator.dt=0.01 --set integrator.t_end=0.1
         --set output.snapshot_every=5 --set output.diagnostics_every=1 --set output.compression=0"
# shellcheck disable=SC2086
nb run "$SRCDIR/configs/quickstart.cfg" --quiet --set 'run.output_dir="fixed"' $plummer
check "fixed run exits 0" [ "$RC" -eq 0 ]
# shellcheck disable=SC2086
nb run "$SRCDIR/configs/quickstart.cfg" --quiet --set 'run.output_dir="bin0"' $plummer \
    --set 'integrator.timestep="adaptive"' --set integrator.eta=1e12
check "adaptive run with eta 1e12 exits 0" [ "$RC" -eq 0 ]
for k in 0000 0001 0002; do
    check "eta 1e12: snapshot $k has the fixed run's particles, bit for bit" \
        "$SNAPDIFF" --particles "fixed/snapshot_$k.h5" "bin0/snapshot_$k.h5"
done
check "eta 1e12: every particle in bin 0" [ "$(maxbin bin0/snapshot_0002.h5)" = 0 ]
rows fixed/energy.csv >fixed.rows
rows bin0/energy.csv >bin0.rows
check "eta 1e12: the fixed run's energy rows, force evaluations included" cmp -s fixed.rows bin0.rows
check "fixed mode counts N per step: 256 * 11" [ "$(evals fixed/energy.csv)" = 2816 ]

# 2. Hernquist with a central black hole: several bins, the same bits on 1 and 2 threads
hq="--set initial_conditions.n=501 --set gravity.softening=0.001 --set integrator.dt=0.0625
    --set integrator.t_end=0.5 --set output.snapshot_every=2 --set output.diagnostics_every=1
    --set output.compression=0 --set integrator.timestep=\"adaptive\""
# shellcheck disable=SC2086
OMP_NUM_THREADS=1 nb run "$SRCDIR/configs/hernquist.cfg" --quiet --set 'run.output_dir="t1"' $hq
check "adaptive Hernquist run (1 thread) exits 0" [ "$RC" -eq 0 ]
# shellcheck disable=SC2086
OMP_NUM_THREADS=2 nb run "$SRCDIR/configs/hernquist.cfg" --quiet --set 'run.output_dir="t2"' $hq
check "adaptive Hernquist run (2 threads) exits 0" [ "$RC" -eq 0 ]
deepest=0
for k in 0000 0001 0002 0003 0004; do
    check "snapshot $k: the same bits on 1 and 2 threads" \
        "$SNAPDIFF" "t1/snapshot_$k.h5" "t2/snapshot_$k.h5"
    b=$(maxbin "t1/snapshot_$k.h5")
    [ "${b:-0}" -le "$deepest" ] || deepest=$b
done
rows t1/energy.csv >t1.rows
rows t2/energy.csv >t2.rows
check "the same energy rows on 1 and 2 threads" sh -c "[ -s t1.rows ] && cmp -s t1.rows t2.rows"
check "the black hole's neighbours use several bins (deepest $deepest >= 3)" [ "$deepest" -ge 3 ]
want="step,time$(awk 'BEGIN { for (k = 0; k <= 30; k++) printf ",bin%d", k }')"
check "timebins.csv's column row: bin0 .. bin30 (max_bins 30)" grep -qx "$want" t1/timebins.csv
check "timebins.csv: a row at each energy row (steps 0 .. 8), each summing to N = 501" \
    sh -c "grep -v '^#' t1/timebins.csv | awk -F, 'NR > 1 { s = 0; for (k = 3; k <= NF; k++) s += \$k;
        if (s != 501 || \$1 != NR - 2) bad = 1; n++ } END { exit bad || n != 9 }'"
check "fixed mode writes no timebins.csv" [ ! -e fixed/timebins.csv ]
check "snapshots say timestep adaptive" sh -c "'$NBODY' info t1/snapshot_0004.h5 | grep -qx 'timestep:         adaptive'"

# 3. restart from the middle snapshot, on 2 threads: the later snapshots bit for bit
OMP_NUM_THREADS=2 nb restart t1/snapshot_0002.h5 --quiet --set 'run.output_dir="again"'
check "restart from snapshot_0002 exits 0" [ "$RC" -eq 0 ]
for k in 0003 0004; do
    check "restart: snapshot $k bit for bit (bins, force_evaluations included)" \
        "$SNAPDIFF" "t1/snapshot_$k.h5" "again/snapshot_$k.h5"
done
rows t1/energy.csv | awk -F, '$1 > 4' >t1.after
rows again/energy.csv | awk -F, '$1 > 4' >again.after
check "restart: the energy rows after step 4 are the uninterrupted run's" \
    sh -c "[ -s t1.after ] && cmp -s t1.after again.after"

grep -v '^#' t1/timebins.csv | awk -F, '$1 > 4' >t1.bins
grep -v '^#' again/timebins.csv | awk -F, '$1 > 4' >again.bins
check "restart: the time-bin rows after step 4 are the uninterrupted run's" \
    sh -c "[ -s t1.bins ] && cmp -s t1.bins again.bins"
# in the run's own directory: rows after the restart step go with the later snapshots
cp -r t1 inplace
nb restart inplace/snapshot_0002.h5 --quiet
check "restart in place exits 0" [ "$RC" -eq 0 ]
check "restart in place: timebins.csv's rows are the uninterrupted run's" \
    sh -c "[ \"\$(grep -v '^#' t1/timebins.csv)\" = \"\$(grep -v '^#' inplace/timebins.csv)\" ]"
check "restart in place: the superseded history keeps its timebins.csv" \
    cmp -s t1/timebins.csv inplace/superseded_after_0002/timebins.csv
nb run "$SRCDIR/configs/hernquist.cfg" --quiet --overwrite --set 'run.output_dir="inplace"' \
    --set initial_conditions.n=64 --set integrator.t_end=0.01
check "--overwrite with fixed steps exits 0" [ "$RC" -eq 0 ]
check "--overwrite removes timebins.csv" [ ! -e inplace/timebins.csv ]

# 5. the progress line shows the bins; a bin deeper than max_bins is clipped and reported
# shellcheck disable=SC2086
nb run "$SRCDIR/configs/hernquist.cfg" --set 'run.output_dir="clip"' $hq --set integrator.max_bins=3
check "max_bins 3: exits 0" [ "$RC" -eq 0 ]
check "max_bins 3: the progress line ends with the bins in use" grep -q '^step 8/8 .*  bins 0\.\.3$' "$TMP/err"
check "max_bins 3: the clipped steps are reported with the fix" \
    grep -q '^nbody: warning: [0-9]* steps needed a bin deeper than integrator.max_bins = 3 .*raise integrator.max_bins or take a smaller integrator.dt$' "$TMP/err"
nb restart t1/snapshot_0004.h5 --quiet --set 'run.output_dir="t1more"' --set integrator.t_end=0.625
check "max_bins 30: the continued run exits 0" [ "$RC" -eq 0 ]
check "max_bins 30: nothing clipped, nothing reported" sh -c "! grep -q warning '$TMP/err'"

# a stop by run.max_wall_seconds (at the first synchronised time past it) and a restart
# of the directory: the uninterrupted run's final snapshot and rows
# shellcheck disable=SC2086
OMP_NUM_THREADS=1 nb run "$SRCDIR/configs/hernquist.cfg" --quiet --set 'run.output_dir="wall"' $hq \
    --set run.max_wall_seconds=1e-9
check "max_wall_seconds: the adaptive run stops with exit 3" [ "$RC" -eq 3 ]
nb restart wall --quiet --set run.max_wall_seconds=0.0
check "max_wall_seconds: the restart of the directory exits 0" [ "$RC" -eq 0 ]
check "max_wall_seconds: final snapshot bit for bit" "$SNAPDIFF" t1/snapshot_0004.h5 wall/snapshot_0004.h5
rows wall/energy.csv >wall.rows
check "max_wall_seconds: the uninterrupted run's energy rows" cmp -s t1.rows wall.rows
grep -v '^#' wall/timebins.csv >wall.bins
check "max_wall_seconds: the uninterrupted run's time-bin rows" \
    sh -c "grep -v '^#' t1/timebins.csv | cmp -s - wall.bins"

# 4. fewer force evaluations than a fixed run at the smallest step the adaptive run used
small=$(awk -v k="$deepest" 'BEGIN { printf "%.17g", 0.0625 / 2 ^ k }')
nb run "$SRCDIR/configs/hernquist.cfg" --quiet --set 'run.output_dir="small"' \
    --set initial_conditions.n=501 --set gravity.softening=0.001 --set integrator.dt="$small" \
    --set integrator.t_end=0.5 --set output.snapshot_every=0 --set output.diagnostics_every=100000 \
    --set output.compression=0
check "fixed run at dt / 2^$deepest exits 0" [ "$RC" -eq 0 ]
a=$(evals t1/energy.csv)
f=$(evals small/energy.csv)
check "force evaluations: adaptive $a < fixed at its smallest step $f" [ "$a" -lt "$f" ]
check "fixed at its smallest step: 501 * (1 + 0.5 / dt) evaluations" \
    [ "$f" = "$(awk -v k="$deepest" 'BEGIN { printf "%d", 501 * (1 + 8 * 2 ^ k) }')" ]

# an energy.csv of a version without force_evaluations, continued in place: its column
# row gains the new name, so the continued rows are named
nb run "$SRCDIR/configs/quickstart.cfg" --quiet --set 'run.output_dir="old"' \
    --set initial_conditions.n=64 --set integrator.t_end=0.02 --set output.snapshot_every=10 \
    --set output.diagnostics_every=5
sed -i 's/,force_evaluations$//; /^[0-9]/s/,[0-9]*$//' old/energy.csv
nb restart old/snapshot_0001.h5 --quiet
check "an older energy.csv continued: exits 0" [ "$RC" -eq 0 ]
check "an older energy.csv continued: the column row names force_evaluations" \
    grep -qx 'step,time,kinetic,potential,total,rel_energy_error,px,py,pz,lx,ly,lz,virial_ratio,wall_seconds,force_evaluations' old/energy.csv
check "an older energy.csv continued: rows 15 and 20 count 64 per step" \
    sh -c "grep -q '^15,.*,1024\$' old/energy.csv && grep -q '^20,.*,1344\$' old/energy.csv"

# 6. docs/timesteps.md's benchmark commands, as written there but with N = 300 to t = 1/16
mkdir bench_doc
sed -n '/^    common=/,/^$/p' "$SRCDIR/docs/timesteps.md" | sed 's/^    //' |
    sed "s|^\./nbody |\"\$NBODY\" |; s|configs/|\$SRCDIR/configs/|;
         s/initial_conditions.n=10000/initial_conditions.n=300/; s/integrator.t_end=1.0/integrator.t_end=0.0625/" \
    >bench_doc/run.sh
(cd bench_doc && NBODY="$NBODY" SRCDIR="$SRCDIR" sh -e run.sh) >/dev/null 2>&1
check "docs/timesteps.md's benchmark commands run (N = 300, t_end = 1/16)" \
    sh -c "[ \$(grep -c '\$NBODY' bench_doc/run.sh) -eq 4 ] && for d in bh_adaptive bh_fixed h_adaptive h_fixed; do
        [ \$(grep -v '^#' bench_doc/bench/\$d/energy.csv | tail -1 | cut -d, -f2) = 0.0625 ] || exit 1; done"
check "the adaptive ones write timebins.csv" \
    sh -c "[ -s bench_doc/bench/bh_adaptive/timebins.csv ] && [ ! -e bench_doc/bench/bh_fixed/timebins.csv ]"

# docs/timesteps.md's cold collapse and Plummer commands, with N = 256 to t = 1/8
mkdir bench_cc
sed -n '/^    cc=/,/^$/p' "$SRCDIR/docs/timesteps.md" | sed 's/^    //' |
    sed "s|^\./nbody |\"\$NBODY\" |; s|configs/|\$SRCDIR/configs/|;
         s/initial_conditions.n=4096/initial_conditions.n=256/; s/integrator.t_end=1\.[05]/integrator.t_end=0.125/" \
    >bench_cc/run.sh
(cd bench_cc && NBODY="$NBODY" SRCDIR="$SRCDIR" sh -e run.sh) >/dev/null 2>&1
check "docs/timesteps.md's cold collapse and Plummer commands run (N = 256, t_end = 1/8)" \
    sh -c "[ \$(grep -c '\$NBODY' bench_cc/run.sh) -eq 4 ] && for d in cc_adaptive cc_fixed pl_adaptive pl_fixed; do
        [ \$(grep -v '^#' bench_cc/bench/\$d/energy.csv | tail -1 | cut -d, -f2) = 0.125 ] || exit 1; done"
check "the cold collapse's adaptive run starts with all 256 particles in bin 0" \
    sh -c "grep -v '^#' bench_cc/bench/cc_adaptive/timebins.csv | sed -n 2p | grep -q '^0,0,256,0,'"

# docs/timesteps.md's N = 1e5 commands, with N = 300 and the adaptive run to t = 1/16
mkdir bench_big
sed -n '/^    big=/,/^$/p' "$SRCDIR/docs/timesteps.md" | sed 's/^    //' |
    sed "s|^\./nbody |\"\$NBODY\" |; s|configs/|\$SRCDIR/configs/|;
         s/initial_conditions.n=100000/initial_conditions.n=300/; s/integrator.t_end=1.0/integrator.t_end=0.0625/" \
    >bench_big/run.sh
(cd bench_big && NBODY="$NBODY" SRCDIR="$SRCDIR" sh -e run.sh) >/dev/null 2>&1
check "docs/timesteps.md's N = 1e5 commands run (N = 300)" \
    sh -c "[ \$(grep -c '\$NBODY' bench_big/run.sh) -eq 3 ] &&
        [ \$(grep -v '^#' bench_big/bench/h5_adaptive/energy.csv | tail -1 | cut -d, -f2) = 0.0625 ] &&
        [ \$(grep -v '^#' bench_big/bench/h5_fixed9/energy.csv | tail -1 | cut -d, -f1,2) = 256,0.03125 ] &&
        [ \$(grep -v '^#' bench_big/bench/h5_fixed8/energy.csv | tail -1 | cut -d, -f1,2) = 256,0.0625 ]"

finish
