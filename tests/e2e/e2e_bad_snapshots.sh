#!/bin/sh
# Damaged and hostile HDF5 files (written by tests/make_bad_snapshots) given to every
# reader: `nbody info FILE`, `nbody restart FILE` and a run with initial_conditions.type =
# "file". Each refusal must be exit 2 with one line naming the file and the dataset or
# attribute, and must write nothing; files that are valid initial conditions but not
# restart snapshots must still start a run.
. "$SRCDIR/tests/e2e/e2e_lib.sh"

MAKE_BAD="$(dirname "$NBODY")/tests/e2e/make_bad_snapshots"
if [ ! -x "$MAKE_BAD" ]; then
    echo "$MAKE_BAD not built (make check builds it)"
    exit 1
fi
mkdir "$TMP/gen"
"$MAKE_BAD" "$TMP/gen" >"$TMP/manifest" || { echo "make_bad_snapshots failed"; exit 1; }

# refused CMD NAME FRAGMENT FILE DIR: exit 2, one line with FRAGMENT and FILE, DIR unchanged
refused() {
    r_what=$1 r_name=$2 r_frag=$3 r_file=$4 r_dir=$5
    msg=$(cat "$TMP/err")
    if [ "$RC" -ne 2 ]; then
        fail "$r_name: $r_what exits $RC, expected 2: $msg"
    elif [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
        fail "$r_name: $r_what: expected one line on stderr, got: $msg"
    elif ! grep -qF -- "$r_frag" "$TMP/err"; then
        fail "$r_name: $r_what: message lacks '$r_frag': $msg"
    elif ! grep -qF -- "$r_file" "$TMP/err"; then
        fail "$r_name: $r_what: message does not name the file: $msg"
    elif [ "$(ls -A "$r_dir")" != "$r_name" ]; then
        fail "$r_name: $r_what wrote files: $(ls -A "$r_dir" | tr '\n' ' ')"
    else
        pass "$r_name: $r_what: exit 2, $msg"
    fi
}

# nb with a bound on time and file sizes (ulimit -f: 512- or 1024-byte blocks): a restart
# that would not stop (a time line 1e17 steps from t_end) fails the test, not the disk
nb_bounded() {
    (ulimit -f 20000; exec timeout 60 "$NBODY" "$@") >"$TMP/out" 2>"$TMP/err"; RC=$?
}

ic_config() { # ic_config FILE OUTDIR > config
    cat <<CFG
run: { name = "ic"; output_dir = "$2"; };
initial_conditions: { type = "file"; file = "$1"; };
gravity: { kernel = "direct"; softening = 0.01; };
integrator: { dt = 0.01; t_end = 0.05; };
output: { snapshot_every = 0; diagnostics_every = 1; compression = 0; };
CFG
}

# The good file the others are variants of must pass every reader.
mkdir "$TMP/good"
cp "$TMP/gen/good.h5" "$TMP/good/"
nb info "$TMP/good/good.h5"
check "good.h5: info exits 0" [ "$RC" -eq 0 ]
ic_config "$TMP/good/good.h5" "$TMP/good_run" >"$TMP/good.cfg"
nb run "$TMP/good.cfg" --quiet
check "good.h5: runs as initial conditions" [ "$RC" -eq 0 ]
nb restart "$TMP/good/good.h5" --quiet
check "good.h5: restarts" [ "$RC" -eq 0 ]

n=0
while IFS="$(printf '\t')" read -r snap modes frag; do
    n=$((n + 1))
    d="$TMP/s_$snap"
    mkdir "$d"
    cp "$TMP/gen/$snap" "$d/"
    f="$d/$snap"
    nb info "$f"
    if [ "$modes" = restart ]; then
        check "$snap: info exits 0" [ "$RC" -eq 0 ]
    else
        refused info "$snap" "$frag" "$f" "$d"
    fi
    nb_bounded restart "$f" --quiet
    refused restart "$snap" "$frag" "$f" "$d"
    ic_config "$f" "$TMP/r_$snap" >"$TMP/$snap.cfg"
    nb run "$TMP/$snap.cfg" --quiet
    if [ "$modes" = all ]; then
        if [ -e "$TMP/r_$snap" ]; then
            fail "$snap: run created its output directory"
        else
            refused "initial conditions" "$snap" "$snap.cfg: initial_conditions.file: $f: $frag" "$f" "$d"
        fi
    else
        check "$snap: valid initial conditions, the run exits 0 ($(cat "$TMP/err"))" [ "$RC" -eq 0 ]
    fi
done <"$TMP/manifest"
check "at least 40 bad files ($n)" [ "$n" -ge 40 ]

# a run directory holding only damaged snapshots
mkdir "$TMP/rundir"
cp "$TMP/gen/truncated_half.h5" "$TMP/rundir/snapshot_0001.h5"
cp "$TMP/gen/zero_length.h5" "$TMP/rundir/snapshot_0002.h5"
nb restart "$TMP/rundir" --quiet
check "restart of a directory of damaged snapshots exits 2" [ "$RC" -eq 2 ]
check "... saying none reads back whole" grep -q "rundir: none of its 2 snapshot files reads back whole" "$TMP/err"
check "... and writes nothing" [ "$(ls -A "$TMP/rundir" | wc -l)" -eq 2 ]
# inputs that crashed or hung a reader under the fuzzer (tests/e2e_fuzz.sh), replayed here
# so that they stay fixed where clang is missing too
for f in "$SRCDIR"/tests/fuzz/corpus_snapshot/regress_*; do
    r=$(basename "$f")
    mkdir "$TMP/regress_$r"
    cp "$f" "$TMP/regress_$r/$r"
    # (an ASan build warns, as it returns NULL, when HDF5 asks for an impossible allocation)
    timeout 120 "$NBODY" info "$TMP/regress_$r/$r" >"$TMP/out" 2>"$TMP/err.all"
    RC=$?
    grep -v '^==[0-9]*==WARNING: AddressSanitizer failed to allocate' "$TMP/err.all" >"$TMP/err"
    check "fuzz regression $r: info exits 2 with one line (got $RC: $(cat "$TMP/err"))" \
        sh -c "[ $RC -eq 2 ] && [ \$(wc -l <'$TMP/err') -eq 1 ]"
    timeout 120 "$NBODY" restart "$TMP/regress_$r/$r" --quiet >"$TMP/out" 2>"$TMP/err"
    RC=$?
    check "fuzz regression $r: restart exits 2 and writes nothing" \
        sh -c "[ $RC -eq 2 ] && [ \$(ls -A '$TMP/regress_$r' | wc -l) -eq 1 ]"
done
mkdir "$TMP/dir.h5"
nb info "$TMP/dir.h5"
check "info on a directory exits 2" [ "$RC" -eq 2 ]
nb info "$TMP/no_such.h5"
check "info on a missing file exits 2 naming it" sh -c "[ $RC -eq 2 ] && grep -q 'no_such.h5: cannot open' '$TMP/err'"
finish
