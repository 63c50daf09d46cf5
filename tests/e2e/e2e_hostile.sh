#!/bin/sh
# Hostile inputs that need processes or special files: FIFOs where files are expected (each
# command under `timeout 10`, so a regression fails instead of hanging), links planted
# where a run writes its temporary files, a newline in the config path, oversized
# parameter files, and command-line options that are not quite options.
. "$SRCDIR/tests/e2e/e2e_lib.sh"

# tnb ARGS...: nb under a time limit; RC 124 means it hung
tnb() { timeout 10 "$NBODY" "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?; }
# refused NAME FRAGMENT: exit 2 with one line on stderr holding FRAGMENT
refused() {
    msg=$(cat "$TMP/err")
    if [ "$RC" -eq 124 ]; then
        fail "$1: hung (killed after 10 s)"
    elif [ "$RC" -ne 2 ]; then
        fail "$1: exit $RC, expected 2: $msg"
    elif [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
        fail "$1: expected one line on stderr, got: $msg"
    elif ! grep -qF -- "$2" "$TMP/err"; then
        fail "$1: message lacks '$2': $msg"
    else
        pass "$1: exit 2, $msg"
    fi
}

config() { # config OUTDIR > config
    cat <<CFG
run: { name = "hostile"; output_dir = "$1"; seed = 3; };
initial_conditions: { type = "plummer"; n = 16; };
gravity: { kernel = "direct"; softening = 0.01; };
integrator: { dt = 0.01; t_end = 0.1; };
output: { snapshot_every = 5; diagnostics_every = 1; compression = 0; };
CFG
}
config "$TMP/base" >"$TMP/base.cfg"
nb run "$TMP/base.cfg" --quiet
check "base run exits 0" [ "$RC" -eq 0 ]
snap1="$TMP/base/snapshot_0001.h5"
# copy_run NAME: a fresh copy of the base run's directory, printed
copy_run() { cp -r "$TMP/base" "$TMP/$1" && echo "$TMP/$1"; }

# --- FIFOs and devices where a file is expected ---
mkfifo "$TMP/fifo.cfg" "$TMP/fifo.h5" "$TMP/fifo.inc"
tnb run "$TMP/fifo.cfg" --quiet
refused "run FIFO" "fifo.cfg: not a regular file (a FIFO)"
tnb check-config "$TMP/fifo.cfg"
refused "check-config FIFO" "fifo.cfg: not a regular file (a FIFO)"
d=$(copy_run fifo_config)
tnb restart "$d/snapshot_0001.h5" --config "$TMP/fifo.cfg" --quiet
refused "restart --config FIFO" "fifo.cfg: not a regular file (a FIFO)"
tnb check-config /dev/zero
refused "check-config /dev/zero" "/dev/zero: not a regular file (a device)"
{ config "$TMP/inc_out"; echo '@include "fifo.inc"'; } >"$TMP/include_fifo.cfg"
tnb run "$TMP/include_fifo.cfg" --quiet
refused "@include of a FIFO" "include_fifo.cfg:6: @include '$TMP/fifo.inc': not a regular file (a FIFO)"
check "... and no output directory" [ ! -e "$TMP/inc_out" ]
{ config "$TMP/ic_out"; echo "initial_conditions: { type = \"file\"; file = \"$TMP/fifo.h5\"; };"; } |
    sed '2d' >"$TMP/ic_fifo.cfg"
tnb run "$TMP/ic_fifo.cfg" --quiet
refused "initial_conditions.file FIFO" "initial_conditions.file: $TMP/fifo.h5: not a regular file (a FIFO)"
check "... and no output directory" [ ! -e "$TMP/ic_out" ]
tnb info "$TMP/fifo.h5"
refused "info FIFO" "fifo.h5: not a regular file (a FIFO)"
tnb restart "$TMP/fifo.h5" --quiet
refused "restart FIFO" "fifo.h5: not a regular file (a FIFO)"
mkdir "$TMP/fifo_dir"
mkfifo "$TMP/fifo_dir/snapshot_0003.h5"
tnb restart "$TMP/fifo_dir" --quiet
refused "restart RUNDIR holding only a FIFO snapshot" "snapshot_0003.h5: not a regular file (a FIFO)"
d=$(copy_run fifo_newest)
mkfifo "$d/snapshot_0003.h5"
tnb restart "$d" --quiet --set integrator.t_end=0.15
check "restart RUNDIR skips a FIFO snapshot_0003.h5 for the newest file (exit $RC: $(cat "$TMP/err"))" [ "$RC" -eq 0 ]
d=$(copy_run fifo_energy)
rm "$d/energy.csv"
mkfifo "$d/energy.csv"
tnb restart "$d/snapshot_0001.h5" --quiet
refused "restart with energy.csv a FIFO" "energy.csv: not a regular file"

# --- links planted where a restart writes its temporary files ---
d=$(copy_run planted)
echo precious >"$TMP/victim_log"
echo precious >"$TMP/victim_snap"
ln -s "$TMP/victim_log" "$d/energy.csv.tmp"
ln -s "$TMP/victim_snap" "$d/snapshot_0002.h5.tmp"
tnb restart "$d/snapshot_0001.h5" --quiet
check "restart past planted .tmp links exits 0 ($(cat "$TMP/err"))" [ "$RC" -eq 0 ]
check "... energy.csv.tmp's target untouched" [ "$(cat "$TMP/victim_log")" = precious ]
check "... snapshot_0002.h5.tmp's target untouched" [ "$(cat "$TMP/victim_snap")" = precious ]
check "... the run's own files are regular files" [ -f "$d/energy.csv" ] && [ ! -L "$d/energy.csv" ] &&
    [ ! -L "$d/snapshot_0002.h5" ]
d=$(copy_run stale)
echo "half a file" >"$d/energy.csv.tmp"
echo "half a file" >"$d/snapshot_0002.h5.tmp"
tnb restart "$d/snapshot_0001.h5" --quiet
check "stale regular .tmp files from a crash do not block a restart ($(cat "$TMP/err"))" [ "$RC" -eq 0 ]
d=$(copy_run linked_log)
mv "$d/energy.csv" "$TMP/other_energy.csv"
ln -s "$TMP/other_energy.csv" "$d/energy.csv"
cp "$TMP/other_energy.csv" "$TMP/other_energy.before"
tnb restart "$d/snapshot_0001.h5" --quiet
refused "restart with energy.csv a link to another file" "energy.csv: cannot open the energy log to continue it"
check "... that file untouched" cmp -s "$TMP/other_energy.csv" "$TMP/other_energy.before"

# --- a newline in the config path stays inside energy.csv's comment header ---
nl_dir="$TMP/two
lines"
mkdir "$nl_dir"
config "$TMP/nl_out" >"$nl_dir/run.cfg"
tnb run "$nl_dir/run.cfg" --quiet
check "a config path with a newline runs ($(cat "$TMP/err"))" [ "$RC" -eq 0 ]
check "... every header line of energy.csv is a comment" \
    sh -c "sed '/^step,/q' '$TMP/nl_out/energy.csv' | sed '\$d' | grep -qv '^#' && exit 1; exit 0"
check "... the newline is escaped" grep -qF '# config: '"$TMP"'/two\nlines/run.cfg' "$TMP/nl_out/energy.csv"

# --- size cap: libconfig's parser is quadratic in a token's length ---
{ config "$TMP/big_out"; printf '# '; head -c 3000000 /dev/zero | tr '\0' x; echo; } >"$TMP/big.cfg"
tnb check-config "$TMP/big.cfg"
refused "a 2.9 MB parameter file" "big.cfg: 2.9 MB, larger than the 1 MB limit for a parameter file"
{ printf 'run: { name = "'; head -c 1100000 /dev/zero | tr '\0' x; echo '"; };'; } >"$TMP/big.inc"
{ config "$TMP/big_out"; echo '@include "big.inc"'; } >"$TMP/big_include.cfg"
tnb check-config "$TMP/big_include.cfg"
refused "a 1.05 MB included file" "big_include.cfg:6: @include '$TMP/big.inc': 1.0 MB, larger than the 1 MB limit"

# --- options must match exactly ---
for opt in --quie --over --qu --; do
    tnb run "$TMP/base.cfg" "$opt"
    # (the usage text follows the one error line)
    check "run $opt: exit 2, unknown option ($RC: $(head -1 "$TMP/err"))" \
        sh -c "[ $RC -eq 2 ] && head -1 '$TMP/err' | grep -qF \"unknown option '$opt'\""
done
tnb check-config "$TMP/base.cfg" --set 'run.seed=1; output.compression = 5'
refused "--set with a second setting" "--set run.seed=1; output.compression = 5: text after the value"
tnb check-config "$TMP/base.cfg" --set 'run.seed=1
@include "/etc/passwd"'
refused "--set with a newline" "the value contains a control character (byte 0x0a)"
tnb check-config "$TMP/base.cfg" --set 'run.seed=7'
check "--set of one setting still works" grep -q 'seed = 7;' "$TMP/out"
finish
