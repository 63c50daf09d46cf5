#!/bin/sh
# End to end: the plotting tools turn a real run's files (restart included) into PNGs, and
# the progress line behaves: nothing with --quiet, plain lines when stderr is a file, an
# in-place line (carriage returns) on a terminal. The other tools have their own scripts,
# each skipped (77) when its optional dependency is absent: e2e_tools_shell.sh (bench.sh,
# install-deps.sh, nbody-mpirun), e2e_tools_gnuplot.sh, e2e_tools_scipy.sh,
# e2e_tools_numba.sh, e2e_tools_pytreegrav.sh. plot_timebins.py draws an adaptive run's
# timebins.csv, with the command docs/timesteps.md shows.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
TOOLS="$SRCDIR/tools"

cat >"$TMP/tools.cfg" <<CFG
run: { name = "tools_run"; output_dir = "$TMP/run"; seed = 11; };
initial_conditions: { type = "plummer"; n = 200; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 2.0e-3; t_end = 0.2; };
output: { snapshot_every = 50; diagnostics_every = 5; compression = 1; };
CFG

# a run stopped at t = 0.1 (step 50), then continued to t_end: a restart in the middle
nb run "$TMP/tools.cfg" --quiet --set integrator.t_end=0.1
check "run to the middle exits 0" [ "$RC" -eq 0 ]
check "--quiet: stderr empty" [ ! -s "$TMP/err" ]
nb restart "$TMP/run" --quiet --set integrator.t_end=0.2
check "restart exits 0" [ "$RC" -eq 0 ]
check "--quiet restart: stderr empty" [ ! -s "$TMP/err" ]
log="$TMP/run/energy.csv"
check "energy.csv has a restart comment" grep -q '^# restart: step 50 ' "$log"
snap="$TMP/run/snapshot_0002.h5"
check "final snapshot written" [ -f "$snap" ]

# an adaptive run (a Hernquist sphere with a black hole: several bins) for plot_timebins.py,
# where docs/timesteps.md's command looks for it
mkdir -p "$TMP/bench"
nb run "$SRCDIR/configs/hernquist.cfg" --quiet --set "run.output_dir=\"$TMP/bench/bh_adaptive\"" \
    --set initial_conditions.n=300 --set gravity.softening=0.001 --set integrator.dt=0.0625 \
    --set integrator.t_end=0.25 --set 'integrator.timestep="adaptive"' \
    --set output.snapshot_every=0 --set output.diagnostics_every=1
check "adaptive run for timebins.csv exits 0" [ "$RC" -eq 0 ]
bins="$TMP/bench/bh_adaptive/timebins.csv"
check "the adaptive run uses bins deeper than 2" \
    sh -c "grep -v '^#' '$bins' | awk -F, 'NR > 1 { for (k = 6; k <= NF; k++) if (\$k > 0) d = 1 } END { exit !d }'"

# progress with stderr not a terminal: plain lines with "step", no carriage returns
nb run "$TMP/tools.cfg" --set "run.output_dir=\"$TMP/plain\""
check "non-quiet run exits 0" [ "$RC" -eq 0 ]
check "stderr (a file) has a progress line with 'step'" grep -q '^step [0-9]*/[0-9]*' "$TMP/err"
check "progress reports the final step" grep -q '^step 100/100 ' "$TMP/err"
check "no carriage returns when stderr is a file" \
    sh -c "[ \"\$(tr -cd '\\r' <'$TMP/err' | wc -c)\" -eq 0 ]"
check "no terminal escape sequences when stderr is a file" \
    sh -c "[ \"\$(tr -cd '\\033' <'$TMP/err' | wc -c)\" -eq 0 ]"
check "stdout empty" [ ! -s "$TMP/out" ]

# progress on a terminal (script(1) from util-linux gives the run a pseudo-terminal)
if command -v script >/dev/null 2>&1 &&
   script -qec true /dev/null </dev/null >/dev/null 2>&1; then
    script -qec "'$NBODY' run '$TMP/tools.cfg' --set 'run.output_dir=\"$TMP/tty\"'" /dev/null \
        </dev/null >"$TMP/tty.out" 2>&1
    check "terminal: run exits 0" [ $? -eq 0 ]
    # the terminal itself turns "\n" into "\r\n", so look for a carriage return that
    # starts a progress line
    check "terminal: progress redrawn in place (carriage return before 'step')" \
        grep -q "$(printf '\r')step [0-9]" "$TMP/tty.out"
    check "terminal: progress line mentions step" grep -q 'step 100/100' "$TMP/tty.out"
else
    echo "# script(1) with a pseudo-terminal not available: terminal progress not tested"
fi

# the Python tools
if [ -z "${PYTHON:-}" ]; then
    echo "# no Python with numpy, h5py and matplotlib (configure's PYTHON_TOOLS): tools not tested"
    finish || exit 1
    exit 77
fi
"$PYTHON" "$TOOLS/plot_energy.py" "$log" -o "$TMP/energy.png" >"$TMP/out" 2>"$TMP/err"
check "plot_energy.py exits 0" [ $? -eq 0 ]
check "plot_energy.py writes a PNG" is_png "$TMP/energy.png"
"$PYTHON" "$TOOLS/plot_energy.py" "$log" "$TMP/plain/energy.csv" -o "$TMP/two.png" \
    >"$TMP/out" 2>"$TMP/err"
check "plot_energy.py with two logs writes a PNG" is_png "$TMP/two.png"
"$PYTHON" "$TOOLS/plot_energy.py" --help >"$TMP/out" 2>&1
check "plot_energy.py --help" sh -c "[ $? -eq 0 ] && grep -q -- '-o' '$TMP/out'"
"$PYTHON" "$TOOLS/plot_energy.py" "$TMP/missing.csv" -o "$TMP/m.png" >"$TMP/out" 2>"$TMP/err"
check "plot_energy.py: missing file exits 2" [ $? -eq 2 ]
check "plot_energy.py: missing file named in one line" \
    sh -c "grep -q 'missing.csv' '$TMP/err' && [ \$(wc -l <'$TMP/err') -eq 1 ] && [ ! -e '$TMP/m.png' ]"
printf '# name: x\nstep,time,kinetic\n0,0,1\n' >"$TMP/bad.csv"
"$PYTHON" "$TOOLS/plot_energy.py" "$TMP/bad.csv" -o "$TMP/m.png" >"$TMP/out" 2>"$TMP/err"
check "plot_energy.py: file without rel_energy_error exits 2" [ $? -eq 2 ]
{ cat "$log"; echo "60,0.12,oops"; } >"$TMP/torn.csv"
"$PYTHON" "$TOOLS/plot_energy.py" "$TMP/torn.csv" -o "$TMP/m.png" >"$TMP/out" 2>"$TMP/err"
check "plot_energy.py: short row exits 2 naming the line" \
    sh -c "[ $? -eq 2 ] && grep -q 'torn.csv:[0-9]*:' '$TMP/err'"

for axes in xy xz yz; do
    "$PYTHON" "$TOOLS/plot_snapshot.py" "$snap" --axes $axes -o "$TMP/snap_$axes.png" \
        >"$TMP/out" 2>"$TMP/err"
    check "plot_snapshot.py --axes $axes writes a PNG" is_png "$TMP/snap_$axes.png"
done
"$PYTHON" "$TOOLS/plot_snapshot.py" "$snap" --lim 2 -o "$TMP/snap_lim.png" >"$TMP/out" 2>"$TMP/err"
check "plot_snapshot.py --lim writes a PNG" is_png "$TMP/snap_lim.png"
"$PYTHON" "$TOOLS/plot_snapshot.py" "$log" -o "$TMP/m.png" >"$TMP/out" 2>"$TMP/err"
check "plot_snapshot.py: not an HDF5 file exits 2" [ $? -eq 2 ]
"$PYTHON" "$TOOLS/plot_snapshot.py" "$TMP/none.h5" -o "$TMP/m.png" >"$TMP/out" 2>"$TMP/err"
check "plot_snapshot.py: missing file exits 2" [ $? -eq 2 ]

# physical units named on the axes (--print-labels), a surface-density image at large N, a
# movie of a run's snapshots; every plotter refuses bad input in one line, exit 2
cat >"$TMP/pc.cfg" <<CFG
run: { name = "pc_run"; output_dir = "$TMP/pc"; seed = 3; };
units: { length_in_cm = 3.0856775814913673e18; mass_in_g = 1.988409870698051e33; };
initial_conditions: { type = "plummer"; n = 300; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 0.01; t_end = 0.2; };
output: { snapshot_every = 10; diagnostics_every = 5; compression = 0; };
CFG
nb run "$TMP/pc.cfg" --quiet
check "pc/Msun run exits 0 with 3 snapshots" \
    sh -c "[ $RC -eq 0 ] && [ \$(ls '$TMP/pc'/snapshot_*.h5 | wc -l) -eq 3 ]"
"$PYTHON" "$TOOLS/plot_snapshot.py" "$TMP/pc/snapshot_0001.h5" -o "$TMP/pc.png" --print-labels \
    >"$TMP/out" 2>"$TMP/err"
check "plot_snapshot.py: pc run's axes say pc, the title Myr (14.9 Myr a time unit)" \
    sh -c "grep -qx 'xlabel: x \[pc\]' '$TMP/out' && grep -qx 'ylabel: y \[pc\]' '$TMP/out' &&
           grep -q '^title: .*t = 1.49096 Myr' '$TMP/out' && [ ! -s '$TMP/err' ]"
check "plot_snapshot.py: pc run's PNG" is_png "$TMP/pc.png"
check "plot_snapshot.py: 300 particles drawn as points (no colour bar)" \
    sh -c "grep -q '^xlabel' '$TMP/out' && ! grep -q 'surface density' '$TMP/out'"
"$PYTHON" "$TOOLS/plot_energy.py" "$TMP/pc/energy.csv" -o "$TMP/pc_e.png" --print-labels \
    >"$TMP/out" 2>"$TMP/err"
check "plot_energy.py: pc run's time axis in Myr" grep -qx 'xlabel: time \[Myr\]' "$TMP/out"
nb run "$TMP/pc.cfg" --quiet --set "run.output_dir=\"$TMP/pcad\"" --set 'integrator.timestep="adaptive"'
"$PYTHON" "$TOOLS/plot_timebins.py" "$TMP/pcad/timebins.csv" -o "$TMP/pc_tb.png" --print-labels \
    >"$TMP/out" 2>"$TMP/err"
check "plot_timebins.py: pc run's time axis in Myr, dt in the title" \
    sh -c "grep -qx 'xlabel: time \[Myr\]' '$TMP/out' && grep -q '^title: .*dt = 0.149096 Myr' '$TMP/out'"
nb run "$TMP/pc.cfg" --quiet --set "run.output_dir=\"$TMP/big\"" --set initial_conditions.n=20000 \
    --set 'gravity.kernel="tree"' --set integrator.t_end=0.01 --set output.snapshot_every=0
check "N = 20000 run for the density image exits 0" [ "$RC" -eq 0 ]
"$PYTHON" "$TOOLS/plot_snapshot.py" "$TMP/big/snapshot_0001.h5" -o "$TMP/big.png" --print-labels \
    >"$TMP/out" 2>"$TMP/err"
check "plot_snapshot.py: N = 20000 density image PNG" is_png "$TMP/big.png"
check "plot_snapshot.py: N = 20000 is a surface-density image in Msun / pc^2" \
    grep -qx 'ylabel: surface density \[Msun / pc^2\]' "$TMP/out"
"$PYTHON" "$TOOLS/plot_snapshot.py" "$TMP/big/snapshot_0001.h5" --style points -o "$TMP/bigp.png" \
    --print-labels >"$TMP/out" 2>"$TMP/err"
check "plot_snapshot.py --style points at N = 20000: a PNG" is_png "$TMP/bigp.png"
check "plot_snapshot.py --style points at N = 20000: no colour bar" \
    sh -c "grep -q '^xlabel' '$TMP/out' && ! grep -q 'surface density' '$TMP/out'"
if "$PYTHON" -c 'import PIL' 2>/dev/null; then
    "$PYTHON" "$TOOLS/plot_snapshot.py" "$TMP/pc" --movie "$TMP/pc.gif" >"$TMP/out" 2>"$TMP/err"
    check "plot_snapshot.py --movie: a run directory's 3 snapshots to a GIF" [ $? -eq 0 ]
    check "... a GIF of 3 frames" "$PYTHON" -c "
import sys
from PIL import Image
im = Image.open('$TMP/pc.gif')
sys.exit(not (im.format == 'GIF' and im.n_frames == 3))"
    movie_tested=1
else
    echo "# Pillow missing: the GIF movie is not tested (skip at the end)"
    movie_tested=0
fi
if command -v ffmpeg >/dev/null 2>&1; then
    "$PYTHON" "$TOOLS/plot_snapshot.py" "$TMP/pc" --movie "$TMP/pc.mp4" >"$TMP/out" 2>"$TMP/err"
    check "plot_snapshot.py --movie: an MP4 with ffmpeg" sh -c "[ $? -eq 0 ] && [ -s '$TMP/pc.mp4' ]"
else
    "$PYTHON" "$TOOLS/plot_snapshot.py" "$TMP/pc" --movie "$TMP/pc.mp4" >"$TMP/out" 2>"$TMP/err"
    check "plot_snapshot.py --movie x.mp4 without ffmpeg: exit 1, one line naming ffmpeg" \
        sh -c "[ $? -eq 1 ] && grep -q ffmpeg '$TMP/err' && [ \$(wc -l <'$TMP/err') -eq 1 ] && [ ! -e '$TMP/pc.mp4' ]"
fi
mkdir -p "$TMP/nosnap"
for bad in "--movie $TMP/m.avi $TMP/pc" "--movie $TMP/m.gif $TMP/nosnap" "--bins 2 $snap" \
           "--nonsense $snap" "$snap $snap" "$TMP/pc" "--fps 0 --movie $TMP/m.gif $TMP/pc" \
           "--movie $TMP/m.gif $TMP/pc $log"; do
    # shellcheck disable=SC2086
    "$PYTHON" "$TOOLS/plot_snapshot.py" $bad -o "$TMP/m.png" >"$TMP/out" 2>"$TMP/err"
    check "plot_snapshot.py $bad: exit 2, one line, nothing written" \
        sh -c "[ $? -eq 2 ] && [ \$(wc -l <'$TMP/err') -eq 1 ] && [ ! -e '$TMP/m.png' ] && [ ! -e '$TMP/m.gif' ] && [ ! -e '$TMP/m.avi' ]"
done
for tool in plot_energy.py plot_timebins.py; do
    "$PYTHON" "$TOOLS/$tool" --dpi 5 "$log" -o "$TMP/m.png" >"$TMP/out" 2>"$TMP/err"
    check "$tool --dpi 5: exit 2, one line" sh -c "[ $? -eq 2 ] && [ \$(wc -l <'$TMP/err') -eq 1 ]"
    "$PYTHON" "$TOOLS/$tool" --nonsense "$log" -o "$TMP/m.png" >"$TMP/out" 2>"$TMP/err"
    check "$tool --nonsense: exit 2, one line" sh -c "[ $? -eq 2 ] && [ \$(wc -l <'$TMP/err') -eq 1 ]"
done

# plot_timebins.py: docs/timesteps.md's command, run from a directory with bench/ and docs/
cmd=$(sed -n 's|^    \(tools/plot_timebins\.py .*\)$|\1|p' "$SRCDIR/docs/timesteps.md")
check "docs/timesteps.md shows one plot_timebins.py command" \
    sh -c "[ -n \"$cmd\" ] && [ \$(printf '%s\n' \"$cmd\" | wc -l) -eq 1 ]"
mkdir -p "$TMP/docs"
# shellcheck disable=SC2086
(cd "$TMP" && "$PYTHON" "$SRCDIR"/$cmd >"$TMP/out" 2>"$TMP/err")
check "plot_timebins.py (the documented command) exits 0" [ $? -eq 0 ]
check "plot_timebins.py writes a PNG where the docs say" is_png "$TMP/docs/timebins-hernquist.png"
"$PYTHON" "$TOOLS/plot_timebins.py" "$bins" --title 'x' --dpi 50 -o "$TMP/tb50.png" >"$TMP/out" 2>"$TMP/err"
check "plot_timebins.py --title --dpi 50 writes a PNG" is_png "$TMP/tb50.png"
"$PYTHON" "$TOOLS/plot_timebins.py" --help >"$TMP/out" 2>&1
check "plot_timebins.py --help" sh -c "[ $? -eq 0 ] && grep -q -- '-o' '$TMP/out'"
for bad in "$log" "$TMP/missing.csv" "$snap"; do
    "$PYTHON" "$TOOLS/plot_timebins.py" "$bad" -o "$TMP/m.png" >"$TMP/out" 2>"$TMP/err"
    check "plot_timebins.py: $(basename "$bad") (not a timebins.csv) exits 2" [ $? -eq 2 ]
    check "plot_timebins.py: $(basename "$bad") named in one line, no PNG" \
        sh -c "grep -q '$(basename "$bad")' '$TMP/err' && [ \$(wc -l <'$TMP/err') -eq 1 ] && [ ! -e '$TMP/m.png' ]"
done
{ cat "$bins"; echo "9,0.5,300"; } >"$TMP/torn_bins.csv"
"$PYTHON" "$TOOLS/plot_timebins.py" "$TMP/torn_bins.csv" -o "$TMP/m.png" >"$TMP/out" 2>"$TMP/err"
check "plot_timebins.py: short row exits 2 naming the line" \
    sh -c "[ $? -eq 2 ] && grep -q 'torn_bins.csv:[0-9]*: 3 fields' '$TMP/err' && [ ! -e '$TMP/m.png' ]"

finish || exit 1
# the GIF writer (Pillow, which matplotlib needs anyway) missing: skipped, not passed
[ "$movie_tested" -eq 1 ] || exit 77
