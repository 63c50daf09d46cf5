#!/bin/sh
# Faults while running, and nothing lost: a state that turns non-finite, writes that fail
# (a file-size limit standing in for a full disk: tests/fsize_exec), two runs into one
# directory, and a second run over an earlier one's files.
. "$SRCDIR/tests/e2e/e2e_lib.sh"

BUILD=$(dirname "$NBODY")
MAKE_BAD="$BUILD/tests/e2e/make_bad_snapshots"
FSIZE="$BUILD/tests/e2e/fsize_exec"
for helper in "$MAKE_BAD" "$FSIZE"; do
    [ -x "$helper" ] || { echo "$helper not built (make check builds it)"; exit 1; }
done

size() { wc -c <"$1" | tr -d ' '; }
# every snapshot_*.h5 in DIR reads back whole, and no temporary file is left
all_read_back() {
    for s in "$1"/snapshot_*.h5; do
        "$NBODY" info "$s" >/dev/null 2>&1 || return 1
    done
    ! ls "$1" | grep -q tmp
}
same_rows() { [ "$(rows "$1")" = "$(rows "$2")" ]; }

# --- 1. a state that becomes non-finite ---
mkdir "$TMP/gen"
"$MAKE_BAD" "$TMP/gen" >/dev/null || { echo "make_bad_snapshots failed"; exit 1; }
cat >"$TMP/runaway.cfg" <<CFG
run: { name = "runaway"; output_dir = "$TMP/runaway"; };
initial_conditions: { type = "file"; file = "$TMP/gen/runaway.h5"; };
gravity: { kernel = "direct"; softening = 0.01; };
integrator: { dt = 1.0; t_end = 10.0; };
output: { snapshot_every = 1; diagnostics_every = 1; compression = 0; };
CFG
nb run "$TMP/runaway.cfg" --quiet
check "non-finite state: exit 1 (got $RC)" [ "$RC" -eq 1 ]
# (dt = 1 is far too large: the start's warning comes first, app/runinfo.h)
check "non-finite state: one line naming step and particle: $(cat "$TMP/err")" \
    sh -c "[ \$(grep -vc '^nbody: warning: integrator.dt = 1 is ' '$TMP/err') -eq 1 ] && grep -q 'step 4 (t=4): particle 0 (index 0) has a non-finite position' '$TMP/err'"
check "non-finite state: snapshots of steps 0-3 kept, none of step 4" \
    sh -c "[ -f '$TMP/runaway/snapshot_0003.h5' ] && [ ! -e '$TMP/runaway/snapshot_0004.h5' ]"
check "non-finite state: every earlier snapshot reads back" all_read_back "$TMP/runaway"
check "non-finite state: energy log holds steps 0-3" [ "$(rows "$TMP/runaway/energy.csv" | tail -1 | cut -d, -f1)" = 3 ]
nb restart "$TMP/runaway" --quiet
check "non-finite state: a restart from the newest snapshot meets it again at step 4" \
    sh -c "[ $RC -eq 1 ] && grep -q 'step 4 (t=4)' '$TMP/err'"

# --- 2. a snapshot write that fails ---
# gaussian particles start at rest, so the first snapshot's velocities compress to nothing
# and later ones are larger: a file-size limit between the two lets the first through
cat >"$TMP/fs.cfg" <<CFG
run: { name = "fs"; output_dir = "$TMP/fs_ref"; seed = 5; };
initial_conditions: { type = "gaussian"; n = 2000; };
gravity: { kernel = "direct"; softening = 0.05; };
integrator: { dt = 0.001; t_end = 0.03; };
output: { snapshot_every = 10; diagnostics_every = 1; compression = 1; };
CFG
nb run "$TMP/fs.cfg" --quiet
check "reference run exits 0" [ "$RC" -eq 0 ]
s0=$(size "$TMP/fs_ref/snapshot_0000.h5")
s1=$(size "$TMP/fs_ref/snapshot_0001.h5")
limit=$(((s0 + s1) / 2))
if [ "$s1" -gt $((s0 + 8192)) ] && [ "$(size "$TMP/fs_ref/energy.csv")" -lt "$limit" ]; then
    "$FSIZE" "$limit" "$NBODY" run "$TMP/fs.cfg" --quiet --set "run.output_dir=\"$TMP/fs\"" \
        >"$TMP/out" 2>"$TMP/err"
    RC=$?
    check "failed snapshot write: exit 1 (got $RC)" [ "$RC" -eq 1 ]
    check "failed snapshot write: one clear line: $(cat "$TMP/err")" \
        sh -c "[ \$(wc -l <'$TMP/err') -eq 1 ] && grep -q 'cannot write snapshot $TMP/fs/snapshot_0001.h5: .*File too large' '$TMP/err'"
    check "failed snapshot write: no snapshot_0001.h5, no temporary file" \
        sh -c "[ ! -e '$TMP/fs/snapshot_0001.h5' ] && ! ls '$TMP/fs' | grep -q tmp"
    check "failed snapshot write: the earlier snapshot reads back" all_read_back "$TMP/fs"
    nb restart "$TMP/fs" --quiet
    check "failed snapshot write: the run continues from it (exit $RC)" [ "$RC" -eq 0 ]
    check "... to the same energy log as the uninterrupted run" same_rows "$TMP/fs/energy.csv" "$TMP/fs_ref/energy.csv"
    check "... and snapshots that read back" all_read_back "$TMP/fs"
else
    echo "skip - snapshot sizes $s0 and $s1 leave no room for a limit between them"
fi

# nbody run never replaces an earlier run's files without --overwrite
sums=$(cd "$TMP/fs_ref" && cksum ./*)
nb run "$TMP/fs.cfg" --quiet
check "second run into a used directory refused with exit 2" [ "$RC" -eq 2 ]
check "... naming run.output_dir and --overwrite" grep -q "run.output_dir: .*--overwrite" "$TMP/err"
check "... leaving every file as it was" [ "$sums" = "$(cd "$TMP/fs_ref" && cksum ./*)" ]

# --- 3. an energy-log write that fails ---
cat >"$TMP/el.cfg" <<CFG
run: { name = "el"; output_dir = "$TMP/el_ref"; };
initial_conditions: { type = "two_body"; eccentricity = 0.5; };
gravity: { kernel = "direct"; softening = 0.0; };
integrator: { dt = 0.001; t_end = 0.3; };
output: { snapshot_every = 50; diagnostics_every = 1; compression = 0; };
CFG
nb run "$TMP/el.cfg" --quiet
check "reference run exits 0" [ "$RC" -eq 0 ]
limit=$(($(size "$TMP/el_ref/energy.csv") * 3 / 4))
if [ "$(size "$TMP/el_ref/snapshot_0000.h5")" -lt "$limit" ]; then
    "$FSIZE" "$limit" "$NBODY" run "$TMP/el.cfg" --quiet --set "run.output_dir=\"$TMP/el\"" \
        >"$TMP/out" 2>"$TMP/err"
    RC=$?
    check "failed energy-log write: exit 1 (got $RC)" [ "$RC" -eq 1 ]
    check "failed energy-log write: one clear line: $(cat "$TMP/err")" \
        sh -c "[ \$(wc -l <'$TMP/err') -eq 1 ] && grep -q 'el/energy.csv: cannot write the energy log: File too large' '$TMP/err'"
    check "failed energy-log write: earlier snapshots read back" all_read_back "$TMP/el"
    check "failed energy-log write: the last ones are missing" [ ! -e "$TMP/el/snapshot_0006.h5" ]
    nb restart "$TMP/el" --quiet
    check "failed energy-log write: the run continues (exit $RC)" [ "$RC" -eq 0 ]
    check "... to the same energy log as the uninterrupted run" same_rows "$TMP/el/energy.csv" "$TMP/el_ref/energy.csv"
    check "... and every snapshot" [ -f "$TMP/el/snapshot_0006.h5" ]
else
    echo "skip - the snapshots are larger than 3/4 of the energy log"
fi

# --- 4. two runs into one directory at once ---
cat >"$TMP/long.cfg" <<CFG
run: { name = "long"; output_dir = "$TMP/long"; };
initial_conditions: { type = "plummer"; n = 500; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 0.001; t_end = 1000.0; };
output: { snapshot_every = 0; diagnostics_every = 100; compression = 0; };
CFG
"$NBODY" run "$TMP/long.cfg" --quiet >"$TMP/a.out" 2>"$TMP/a.err" &
pid=$!
k=0
while [ ! -f "$TMP/long/snapshot_0000.h5" ] && [ "$k" -lt 600 ] && kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    k=$((k + 1))
done
# frozen, the first run certainly holds its lock while the others try
kill -STOP "$pid" 2>/dev/null
check "first run started" [ -f "$TMP/long/snapshot_0000.h5" ]
before=$(cd "$TMP/long" && cksum ./*)
nb run "$TMP/long.cfg" --quiet --overwrite
check "concurrent run with --overwrite refused with exit 2 (got $RC)" [ "$RC" -eq 2 ]
check "... naming the lock, its holder's PID and host: $(cat "$TMP/err")" grep -q "another nbody process is running in this directory (lock held on $TMP/long/.nbody.lock by PID $pid on host $(hostname)); wait for it to end, or stop it with SIGTERM" "$TMP/err"
check "the lock file holds the PID and host" [ "$(cat "$TMP/long/.nbody.lock")" = "$pid $(hostname)" ]
mkdir "$TMP/stale" && echo "2147483646 elsewhere" >"$TMP/stale/.nbody.lock"
nb run "$TMP/long.cfg" --quiet --set "run.output_dir=\"$TMP/stale\"" --set integrator.t_end=0.01
check "a lock file left by a dead process is harmless (got $RC)" [ "$RC" -eq 0 ]
nb restart "$TMP/long" --quiet
check "concurrent restart refused with exit 2 (got $RC)" sh -c "[ $RC -eq 2 ] && grep -q 'lock held' '$TMP/err'"
check "... and neither touched the running one's files" [ "$before" = "$(cd "$TMP/long" && cksum ./*)" ]
kill -CONT "$pid" 2>/dev/null
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc_a=$?
check "the first run stops on SIGTERM with exit 3 (got $rc_a)" [ "$rc_a" -eq 3 ]
check "... and its snapshots read back" all_read_back "$TMP/long"
nb run "$TMP/long.cfg" --quiet --overwrite --set integrator.t_end=0.01
check "once it has stopped, --overwrite may replace it (exit $RC)" [ "$RC" -eq 0 ]

finish
