#!/bin/sh
# End to end, MPI build only (skipped otherwise): one run across 1, 2 and 3 ranks gives the
# same bits, the plain build's too, for every kernel (n = 1030: 4 tile blocks and 17+ tree
# groups, which 3 ranks cut through; the tree with its relative opening test too, which
# reads every group member's previous acceleration); restarts change the rank count bit for bit; a bad
# config is refused once by every rank; a failure on one rank (a full disk under rank 0)
# stops all with exit 1; a killed rank leaves none hanging; SIGTERM checkpoints.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
if [ -z "${MPIRUN:-}" ]; then
    echo "SKIP: not built with --with-mpi"
    exit 77
fi
SNAPDIFF=${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}
FSIZE=$(dirname "$NBODY")/tests/e2e/fsize_exec
# root in containers and CI; more ranks than cores on small machines
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
# ranks that wait give their core away: more ranks than cores must not spin
export OMPI_MCA_mpi_yield_when_idle=1
H5DIFF=$(command -v h5diff || true)
# mpirun -np P nbody ARGS..., with a time limit so a hung rank fails the test, not CI
# (300 s: the 1000-step restarts below took over 120 s on 2 shared cores at load 16)
mp() {
    np=$1; shift
    timeout 300 "$MPIRUN" -np "$np" "$NBODY" "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?
}

for kernel in direct parallel knn tree tree_relative; do
    opening=geometric
    [ "$kernel" != tree_relative ] || opening=relative
    cat >"$TMP/$kernel.cfg" <<CFG
run: { name = "m"; output_dir = "$TMP/$kernel-1"; seed = 3; };
initial_conditions: { type = "plummer"; n = 1030; };
gravity: { kernel = "${kernel%_relative}"; softening = 0.02; neighbours = 8; opening = "$opening";
           force_accuracy = 0.002; };
integrator: { dt = 2.0e-3; t_end = 0.1; };
output: { snapshot_every = 25; diagnostics_every = 5; compression = 1; };
CFG
    OMP_NUM_THREADS=2 mp 1 run "$TMP/$kernel.cfg" --quiet
    check "$kernel: -np 1 exits 0 ($RC)" [ "$RC" -eq 0 ]
    for np in 2 3; do
        OMP_NUM_THREADS=1 mp $np run "$TMP/$kernel.cfg" --quiet --set "run.output_dir=\"$TMP/$kernel-$np\""
        check "$kernel: -np $np exits 0 ($RC)" [ "$RC" -eq 0 ]
        check "$kernel: -np $np final snapshot = -np 1's, bit for bit" \
            "$SNAPDIFF" "$TMP/$kernel-1/snapshot_0002.h5" "$TMP/$kernel-$np/snapshot_0002.h5"
        check "$kernel: -np $np energy rows = -np 1's" \
            [ "$(rows "$TMP/$kernel-1/energy.csv")" = "$(rows "$TMP/$kernel-$np/energy.csv")" ]
    done
    # the plain program (this binary started without a launcher runs as the plain build)
    nb run "$TMP/$kernel.cfg" --quiet --set "run.output_dir=\"$TMP/$kernel-serial\""
    check "$kernel: serial run exits 0" [ "$RC" -eq 0 ]
    if [ -n "$H5DIFF" ]; then
        # every group but /Parameters (its text names the other output_dir) and
        # /Integrator (its run_id is each run's own: snapdiff below, which leaves it out)
        for obj in /Header /PartType1; do
            check "$kernel: h5diff finds no difference in $obj against the serial run" \
                "$H5DIFF" "$TMP/$kernel-serial/snapshot_0002.h5" "$TMP/$kernel-3/snapshot_0002.h5" $obj
        done
    fi
    check "$kernel: the serial run's snapshot, /Integrator included, bit for bit" \
        "$SNAPDIFF" "$TMP/$kernel-serial/snapshot_0002.h5" "$TMP/$kernel-3/snapshot_0002.h5"
done

# the collective parallel-HDF5 write (NBODY_COLLECTIVE_IO=1): the same files
for np in 2 3; do
    NBODY_COLLECTIVE_IO=1 OMP_NUM_THREADS=1 mp $np run "$TMP/knn.cfg" --quiet --set "run.output_dir=\"$TMP/coll-$np\""
    check "collective write on $np ranks exits 0 ($RC)" [ "$RC" -eq 0 ]
    check "... the same snapshot as one rank's, bit for bit" \
        "$SNAPDIFF" "$TMP/knn-1/snapshot_0002.h5" "$TMP/coll-$np/snapshot_0002.h5"
    if [ -n "$H5DIFF" ]; then
        for obj in /Header /PartType1; do # /Integrator: snapdiff above (run_id aside)
            check "... h5diff finds no difference in $obj against the serial run" \
                "$H5DIFF" "$TMP/knn-serial/snapshot_0002.h5" "$TMP/coll-$np/snapshot_0002.h5" $obj
        done
    fi
done
mp 3 run "$TMP/knn.cfg" --quiet --set "run.output_dir=\"$TMP/coll-big\"" --set initial_conditions.n=33001 \
    --set integrator.t_end=0.002 --set 'output.potential="exact"'
NBODY_COLLECTIVE_IO=1 mp 3 run "$TMP/knn.cfg" --quiet --set "run.output_dir=\"$TMP/coll-big2\"" \
    --set initial_conditions.n=33001 --set integrator.t_end=0.002 --set 'output.potential="exact"'
check "collective write of 33001 rows (2 pieces of the writer's 32768) on 3 ranks: the same file" \
    "$SNAPDIFF" "$TMP/coll-big/snapshot_0001.h5" "$TMP/coll-big2/snapshot_0001.h5"

# restart with another rank count: 2 ranks to t = 0.06, then 3 ranks to t_end
mp 2 run "$TMP/direct.cfg" --quiet --set "run.output_dir=\"$TMP/rs\"" --set integrator.t_end=0.06
mp 3 restart "$TMP/rs" --quiet --set integrator.t_end=0.1
check "restart on 3 ranks of a 2-rank run exits 0 ($RC)" [ "$RC" -eq 0 ]
# (the 2-rank run's end at step 30 is a regular snapshot, 0002, and stays: the continued
# run's final one is 0003, its output_index one on, docs/DESIGN.md "Run directories")
check "... final snapshot = the uninterrupted 1-rank run's (particles)" \
    "$SNAPDIFF" --particles "$TMP/direct-1/snapshot_0002.h5" "$TMP/rs/snapshot_0003.h5"
check "... energy rows too" [ "$(rows "$TMP/direct-1/energy.csv")" = "$(rows "$TMP/rs/energy.csv")" ]

# a bad config: every rank refuses, one message, exit 2, nothing written
sed 's/n = 1030/n = -4/' "$TMP/direct.cfg" >"$TMP/bad.cfg"
mp 3 run "$TMP/bad.cfg" --quiet --set "run.output_dir=\"$TMP/bad\""
check "bad config on 3 ranks: exit 2 ($RC)" [ "$RC" -eq 2 ]
check "... one message: $(grep '^nbody:' "$TMP/err" | head -3)" [ "$(grep -c '^nbody:' "$TMP/err")" -eq 1 ]
check "... nothing written" [ ! -e "$TMP/bad" ]
# every rank holds all particles: N that one rank's memory holds but three on this node
# do not is refused up front (each needs 88 bytes a particle: half the memory per rank)
mem=$(awk '/^MemTotal:/ { printf "%d", $2 * 1024 / 176 }' /proc/meminfo)
mp 3 run "$TMP/direct.cfg" --quiet --set "run.output_dir=\"$TMP/mem\"" --set initial_conditions.n=$mem
check "N = $mem on 3 ranks of one node: exit 2 ($RC)" [ "$RC" -eq 2 ]
check "... saying why: $(grep '^nbody:' "$TMP/err")" grep -q 'every rank on this node' "$TMP/err"
check "... nothing written" [ ! -e "$TMP/mem" ]
# a bad snapshot: the same
echo "not HDF5" >"$TMP/junk.h5"
mp 3 restart "$TMP/junk.h5" --quiet
check "bad snapshot on 3 ranks: exit 2 ($RC)" [ "$RC" -eq 2 ]
check "... one message" [ "$(grep -c '^nbody:' "$TMP/err")" -eq 1 ]

# Ranks given different things (mpirun's MPMD form A : B, per-rank -wdir): refused at
# start-up, exit 2, one message naming the ranks and what differs, nothing written. Before,
# run : info and run : restart hung, different seeds exited 0 with snapshots of no run.
# disagree NAME FRAGMENT MPIRUN-ARGS...
disagree() {
    d_name=$1 d_frag=$2; shift 2
    timeout 30 "$MPIRUN" "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?
    check "$d_name: exit 2, not a hang ($RC)" [ "$RC" -eq 2 ]
    check "... one message: $(grep '^nbody:' "$TMP/err")" [ "$(grep -c '^nbody:' "$TMP/err")" -eq 1 ]
    check "... naming what differs" grep -qF -- "$d_frag" "$TMP/err"
    check "... nothing written" [ ! -e "$TMP/ag/out" ]
}
mkdir -p "$TMP/ag/a" "$TMP/ag/b"
sed -e "s|output_dir = \"[^\"]*\"|output_dir = \"$TMP/ag/out\"|" -e 's/n = 1030/n = 64/' \
    "$TMP/direct.cfg" >"$TMP/ag/a/c.cfg"
A="-np 1 $NBODY run $TMP/ag/a/c.cfg --quiet"
disagree "run : info" "rank 1 differs from rank 0 (argument 1 is 'info' on rank 1, 'run' on rank 0)" \
    $A : -np 1 "$NBODY" info "$TMP/rs/snapshot_0001.h5"
disagree "run : restart" "MPI ranks disagree on the command line" $A : -np 2 "$NBODY" restart "$TMP/rs"
disagree "seed 1 : seed 2" "ranks 1, 2 differ from rank 0 (argument 5 is 'run.seed=2'" \
    $A --set run.seed=1 : -np 2 "$NBODY" run "$TMP/ag/a/c.cfg" --quiet --set run.seed=2
# the same command line, another file behind it (each rank's own working directory)
sed 's/seed = 3/seed = 4/' "$TMP/ag/a/c.cfg" >"$TMP/ag/b/c.cfg"
disagree "configurations" "rank 1 differs from rank 0 (run.seed = 4 on rank 1, run.seed = 3 on rank 0)" \
    -np 1 -wdir "$TMP/ag/a" "$NBODY" run c.cfg --quiet : -np 1 -wdir "$TMP/ag/b" "$NBODY" run c.cfg --quiet
for d in a b; do
    sed 's/type = "plummer"; n = 64;/type = "file"; file = "ic.h5";/' "$TMP/ag/a/c.cfg" >"$TMP/ag/$d/f.cfg"
done
cp "$TMP/rs/snapshot_0000.h5" "$TMP/ag/a/ic.h5"
cp "$TMP/rs/snapshot_0001.h5" "$TMP/ag/b/ic.h5"
disagree "initial particles" "rank 2 differs from rank 0 (positions, velocities differ)" \
    -np 2 -wdir "$TMP/ag/a" "$NBODY" run f.cfg --quiet : -np 1 -wdir "$TMP/ag/b" "$NBODY" run f.cfg --quiet
mkdir "$TMP/ag/a/rs" "$TMP/ag/b/rs"
cp "$TMP/rs/snapshot_0001.h5" "$TMP/ag/a/rs/"
cp "$TMP/rs/snapshot_0002.h5" "$TMP/ag/b/rs/snapshot_0001.h5"
R="restart rs --quiet --set integrator.t_end=0.2"
disagree "restart snapshots" "MPI ranks disagree on the initial particles and state: rank 1" \
    -np 1 -wdir "$TMP/ag/a" "$NBODY" $R : -np 1 -wdir "$TMP/ag/b" "$NBODY" $R
check "... the run directories untouched" \
    [ "$(ls -A "$TMP/ag/a/rs")$(ls -A "$TMP/ag/b/rs")" = snapshot_0001.h5snapshot_0001.h5 ]

# a failure on rank 0 only (a directory where its temporary snapshot goes, planted before
# a restart): every rank stops with exit 1, the earlier snapshots intact
cat >"$TMP/fs.cfg" <<CFG
run: { name = "fs"; output_dir = "$TMP/fs"; seed = 5; };
initial_conditions: { type = "gaussian"; n = 2000; };
gravity: { kernel = "direct"; softening = 0.05; };
integrator: { dt = 0.001; t_end = 0.01; };
output: { snapshot_every = 10; diagnostics_every = 1; compression = 1; };
CFG
mp 2 run "$TMP/fs.cfg" --quiet
mkdir -p "$TMP/fs/snapshot_0002.h5.tmp/blocked"
mp 3 restart "$TMP/fs" --quiet --set integrator.t_end=0.03
check "a failure on rank 0 of 3: exit 1, no rank left hanging ($RC)" [ "$RC" -eq 1 ]
check "... one message: $(grep '^nbody:' "$TMP/err")" \
    [ "$(grep -c '^nbody: cannot write snapshot' "$TMP/err")" -eq 1 ]
check "... the earlier snapshots intact" "$SNAPDIFF" "$TMP/fs/snapshot_0001.h5" "$TMP/fs/snapshot_0001.h5"
check "... no later one" [ ! -e "$TMP/fs/snapshot_0002.h5" ]
# a full disk under rank 0 only (a file-size limit): the same, whichever write hits it
limit=$(($(wc -c <"$TMP/fs/snapshot_0001.h5") / 3))
timeout 120 "$MPIRUN" -np 1 "$FSIZE" "$limit" "$NBODY" run "$TMP/fs.cfg" --quiet \
    --set "run.output_dir=\"$TMP/full\"" : -np 2 "$NBODY" run "$TMP/fs.cfg" --quiet \
    --set "run.output_dir=\"$TMP/full\"" >"$TMP/out" 2>"$TMP/err"
RC=$?
check "disk full on rank 0 of 3: exit 1, no rank left hanging ($RC)" [ "$RC" -eq 1 ]
check "... one message: $(grep '^nbody:' "$TMP/err")" [ "$(grep -c '^nbody:' "$TMP/err")" -eq 1 ]
check "... every snapshot there reads back" sh -c "for f in '$TMP'/full/snapshot_*.h5; do
    [ -e \"\$f\" ] || continue; '$SNAPDIFF' \"\$f\" \"\$f\" || exit 1; done"

# a rank killed outright: mpirun stops the others (no hang), earlier snapshots intact
sed -e 's/t_end = 0.01/t_end = 100.0/' -e 's/snapshot_every = 10/snapshot_every = 5/' -e 's/n = 2000/n = 1000/' \
    "$TMP/fs.cfg" >"$TMP/long.cfg"
# mpirun in the background, its ranks its children; a watchdog kills it if it hangs
bg_mpirun() {
    bg_launch "$MPIRUN" "$@"
}
bg_launch() {
    launcher=$1; shift
    OMP_NUM_THREADS=1 MPIRUN="$MPIRUN" "$launcher" "$@" >"$TMP/out" 2>"$TMP/err" &
    mpid=$!
    (sleep 120; kill -KILL $mpid) 2>/dev/null &
    dog=$!
}
bg_wait() {
    wait $mpid
    RC=$?
    kill $dog 2>/dev/null
}
bg_mpirun -np 3 "$NBODY" run "$TMP/long.cfg" --quiet --set "run.output_dir=\"$TMP/kill\""
i=0
while [ ! -e "$TMP/kill/snapshot_0002.h5" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
victim=$(pgrep -P $mpid | tail -1)
[ -n "$victim" ] && kill -KILL "$victim"
bg_wait
check "a killed rank: mpirun exits non-zero without hanging ($RC)" [ "$RC" -ne 0 ] && [ "$RC" -ne 137 ]
# (ranks that mpirun has signalled may take a moment to be gone)
i=0
while [ -n "$(pgrep -f "$TMP/long.cfg")" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "... no rank left" [ -z "$(pgrep -f "$TMP/long.cfg")" ]
check "... the earlier snapshots read back" "$SNAPDIFF" "$TMP/kill/snapshot_0001.h5" "$TMP/kill/snapshot_0001.h5"

# A stop: every rank stops at the same step after a checkpoint, exit 3, and the run
# restarts bit for bit. Three ways in: SIGUSR1 to mpirun (which Open MPI forwards to the
# ranks), SIGTERM to tools/nbody-mpirun (which turns it into that), and SIGTERM to the
# ranks themselves (what scancel/srun do). (SIGTERM to mpirun itself aborts the job with
# Open MPI's status 1: docs/mpi.md.)
WRAP="$SRCDIR/tools/nbody-mpirun"
for target in mpirun wrapper ranks; do
    if [ $target = wrapper ]; then
        bg_launch "$WRAP" -np 2 "$NBODY" run "$TMP/long.cfg" --quiet \
            --set "run.output_dir=\"$TMP/term-$target\""
    else
        bg_mpirun -np 2 "$NBODY" run "$TMP/long.cfg" --quiet --set "run.output_dir=\"$TMP/term-$target\""
    fi
    i=0
    while [ ! -e "$TMP/term-$target/snapshot_0001.h5" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    case $target in
    mpirun) kill -USR1 $mpid ;;
    wrapper) kill -TERM $mpid ;;
    ranks) pkill -TERM -P $mpid ;;
    esac
    bg_wait
    check "stop via $target: exit 3 ($RC)" [ "$RC" -eq 3 ]
    check "... a checkpoint: $(cat "$TMP/err" | grep '^nbody:')" grep -q 'wrote a restart snapshot' "$TMP/err"
    last=$(ls "$TMP/term-$target" | grep '^snapshot_.*\.h5$' | tail -1)
    # continue on 3 ranks to a fixed end and compare with an uninterrupted run
    mp 3 restart "$TMP/term-$target/$last" --quiet --set integrator.t_end=1.0 \
        --set "run.output_dir=\"$TMP/term-$target-cont\""
    check "... restart from the checkpoint on 3 ranks exits 0 ($RC)" [ "$RC" -eq 0 ]
done
mp 1 run "$TMP/long.cfg" --quiet --set integrator.t_end=1.0 --set "run.output_dir=\"$TMP/term-ref\""
ref=$(ls "$TMP/term-ref" | grep '^snapshot_.*\.h5$' | tail -1)
for target in mpirun wrapper ranks; do
    got=$(ls "$TMP/term-$target-cont" | grep '^snapshot_.*\.h5$' | tail -1)
    check "stop via $target, restarted: the final snapshot bit for bit" \
        "$SNAPDIFF" --particles "$TMP/term-ref/$ref" "$TMP/term-$target-cont/$got"
done

# adaptive time steps (docs/timesteps.md): the ranks share each sub-step's active list
# through the force driver; the same bits, rows and time-bin rows on 1, 2 and 3 ranks, and
# a restart on 3 ranks of a 1-rank run's middle snapshot continues bit for bit
for kernel in parallel tree; do
    for np in 1 2 3; do
        mp "$np" run "$SRCDIR/configs/hernquist.cfg" --quiet --set initial_conditions.n=501 \
            --set gravity.softening=0.001 --set integrator.dt=0.0625 --set integrator.t_end=0.5 \
            --set output.snapshot_every=2 --set output.diagnostics_every=1 \
            --set 'integrator.timestep="adaptive"' --set gravity.threads=1 \
            --set "gravity.kernel=\"$kernel\"" --set "run.output_dir=\"$TMP/ad-$kernel-$np\""
        check "adaptive $kernel on $np ranks exits 0" [ "$RC" -eq 0 ]
    done
    check "adaptive $kernel: several bins" sh -c "'$NBODY' info '$TMP/ad-$kernel-1/snapshot_0004.h5' | grep -q 'TimeBin .* max [3-9]'"
    grep -v '^#' "$TMP/ad-$kernel-1/timebins.csv" >"$TMP/ad-bins-1"
    for np in 2 3; do
        check "adaptive $kernel: $np ranks give 1 rank's final snapshot bit for bit" \
            "$SNAPDIFF" "$TMP/ad-$kernel-1/snapshot_0004.h5" "$TMP/ad-$kernel-$np/snapshot_0004.h5"
        check "adaptive $kernel: $np ranks give 1 rank's energy rows" \
            [ "$(rows "$TMP/ad-$kernel-1/energy.csv")" = "$(rows "$TMP/ad-$kernel-$np/energy.csv")" ]
        grep -v '^#' "$TMP/ad-$kernel-$np/timebins.csv" >"$TMP/ad-bins-$np"
        check "adaptive $kernel: $np ranks give 1 rank's time-bin rows" \
            cmp -s "$TMP/ad-bins-1" "$TMP/ad-bins-$np"
    done
done
# the plain program (this binary without a launcher) too
nb run "$SRCDIR/configs/hernquist.cfg" --quiet --set initial_conditions.n=501 \
    --set gravity.softening=0.001 --set integrator.dt=0.0625 --set integrator.t_end=0.5 \
    --set output.snapshot_every=2 --set output.diagnostics_every=1 \
    --set 'integrator.timestep="adaptive"' --set gravity.threads=1 \
    --set 'gravity.kernel="tree"' --set "run.output_dir=\"$TMP/ad-tree-serial\""
check "adaptive tree: the plain program gives 1 rank's final snapshot bit for bit" \
    "$SNAPDIFF" "$TMP/ad-tree-1/snapshot_0004.h5" "$TMP/ad-tree-serial/snapshot_0004.h5"
mp 3 restart "$TMP/ad-tree-1/snapshot_0002.h5" --quiet --set "run.output_dir=\"$TMP/ad-re3\""
check "adaptive: restart on 3 ranks of a 1-rank snapshot exits 0" [ "$RC" -eq 0 ]
check "adaptive: ... and continues bit for bit" \
    "$SNAPDIFF" "$TMP/ad-tree-1/snapshot_0004.h5" "$TMP/ad-re3/snapshot_0004.h5"

# run.checkpoint_every_seconds (issue 23): rank 0's clock decides for all ranks; with a
# tiny interval a checkpoint after every step, each replacing the last, the same bits as
# the 1-rank run without them; killed (-9, mpirun's whole job) after the 5th and restarted
# on 3 ranks to the same final snapshot
set -- --quiet --set integrator.t_end=0.02 --set output.snapshot_every=0 \
    --set initial_conditions.n=256 --set gravity.threads=1
mp 1 run "$SRCDIR/configs/quickstart.cfg" "$@" --set "run.output_dir=\"$TMP/ck-ref\""
mp 2 run "$SRCDIR/configs/quickstart.cfg" "$@" --set run.checkpoint_every_seconds=1e-9 \
    --set "run.output_dir=\"$TMP/ck-2\""
check "checkpoints every step on 2 ranks: exit 0 ($RC)" [ "$RC" -eq 0 ]
check "... the 1-rank run's final snapshot without them" \
    "$SNAPDIFF" "$TMP/ck-ref/snapshot_0001.h5" "$TMP/ck-2/snapshot_0001.h5"
faulty rename ck-kill/snapshot_0001.h5 6 kill timeout 300 "$MPIRUN" -np 2 "$NBODY" run \
    "$SRCDIR/configs/quickstart.cfg" "$@" --set run.checkpoint_every_seconds=1e-9 \
    --set "run.output_dir=\"$TMP/ck-kill\""
check "killed -9 after the 5th checkpoint: it is step 5" \
    sh -c "'$NBODY' info '$TMP/ck-kill/snapshot_0001.h5' | grep -q '^step: *5\$'"
mp 3 restart "$TMP/ck-kill" --quiet
check "... restarted on 3 ranks: exit 0 ($RC), the final snapshot bit for bit" \
    "$SNAPDIFF" "$TMP/ck-ref/snapshot_0001.h5" "$TMP/ck-kill/snapshot_0001.h5"
finish
