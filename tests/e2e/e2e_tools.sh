#!/bin/sh
# End to end: the plotting tools turn a real run's files (restart included) into PNGs, and
# the progress line behaves: nothing with --quiet, plain lines when stderr is a file, an
# in-place line (carriage returns) on a terminal. The other tools have their own scripts,
# each skipped (77) when its optional dependency is absent: e2e_tools_shell.sh (bench.sh,
# install-deps.sh, nbody-mpirun), e2e_tools_gnuplot.sh, e2e_tools_scipy.sh,
# e2e_tools_numba.sh, e2e_tools_pytreegrav.sh.
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

finish
