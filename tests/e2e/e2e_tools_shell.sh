#!/bin/sh
# End to end: the shell tools, which need nothing optional. tools/bench.sh builds the
# standalone benchmark from libnbody's sources (src/core, src/gravity, src/physics) with
# plain gcc and runs it; tools/install-deps.sh asks apt-get (a stub here) for what the build,
# tests and tools need; tools/nbody-mpirun (with a stub mpirun) passes its arguments and
# status through and turns SIGTERM into SIGUSR1 for mpirun.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
TOOLS="$SRCDIR/tools"

# bench.sh: -O0 builds fastest; the lines have the bench's format
BUILD_DIR="$TMP/bench" CFLAGS="-O0" sh "$TOOLS/bench.sh" --kernel direct --kernel tree \
    --n 300 --threads 1 --repeats 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "bench.sh builds and runs the standalone bench (exit 0)" [ $rc -eq 0 ]
check "bench.sh: a direct line" grep -q '^kernel=direct n=300 threads=1 seconds=[0-9]' "$TMP/out"
check "bench.sh: a tree line with its error" \
    grep -q '^kernel=tree n=300 threads=1 seconds=[0-9].* median_rel_error=' "$TMP/out"
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/err" | head -20

# install-deps.sh with apt-get and sudo stubs that record what they are asked
mkdir -p "$TMP/stubs"
cat >"$TMP/stubs/apt-get" <<STUB
#!/bin/sh
echo "apt-get \$*" >>"$TMP/apt.log"
STUB
cat >"$TMP/stubs/sudo" <<'STUB'
#!/bin/sh
exec "$@"
STUB
chmod +x "$TMP/stubs/apt-get" "$TMP/stubs/sudo"
PATH="$TMP/stubs:$PATH" sh "$TOOLS/install-deps.sh" >"$TMP/out" 2>"$TMP/err"
check "install-deps.sh exits 0 and says done" sh -c "[ $? -eq 0 ] && grep -qx 'install-deps: done' '$TMP/out'"
check "install-deps.sh: apt-get update, then install" \
    sh -c "head -1 '$TMP/apt.log' | grep -q '^apt-get update' && sed -n 2p '$TMP/apt.log' | grep -q '^apt-get install '"
missing=""
for pkg in build-essential autoconf automake libtool pkg-config libconfig-dev libhdf5-dev check \
    python3-numpy python3-h5py python3-matplotlib python3-yt gnuplot-nox python3-scipy \
    python3-numba; do
    grep '^apt-get install' "$TMP/apt.log" | tr ' ' '\n' | grep -qx "$pkg" || missing="$missing $pkg"
done
check "install-deps.sh installs the build's, tests' and tools' packages (missing:${missing:- none})" \
    [ -z "$missing" ]
check "install-deps.sh: no MPI packages without --mpi" \
    sh -c "! grep -q openmpi '$TMP/apt.log'"
rm -f "$TMP/apt.log"
PATH="$TMP/stubs:$PATH" sh "$TOOLS/install-deps.sh" --mpi >"$TMP/out" 2>"$TMP/err"
check "install-deps.sh --mpi adds Open MPI and parallel HDF5" sh -c "[ $? -eq 0 ] &&
    grep '^apt-get install' '$TMP/apt.log' | grep -q 'libopenmpi-dev openmpi-bin libhdf5-openmpi-dev'"

# nbody-mpirun: usage, the stub's status passed through, SIGTERM -> SIGUSR1 -> exit 3
W="$TOOLS/nbody-mpirun"
sh "$W" >"$TMP/out" 2>&1
check "nbody-mpirun without arguments: usage, exit 2" sh -c "[ $? -eq 2 ] && grep -q '^usage: nbody-mpirun' '$TMP/out'"
sh "$W" --help >"$TMP/out" 2>&1
check "nbody-mpirun --help: usage, exit 0" sh -c "[ $? -eq 0 ] && grep -q '^usage: nbody-mpirun' '$TMP/out'"
cat >"$TMP/stubs/mpirun" <<STUB
#!/bin/sh
# records its arguments; exits with \$STUB_RC, or runs until SIGUSR1 and exits 3 as nbody
# does after a checkpoint
echo "\$*" >"$TMP/mpirun.args"
[ -n "\${STUB_RC:-}" ] && exit "\$STUB_RC"
trap 'echo USR1 >>"$TMP/mpirun.args"; exit 3' USR1
while :; do sleep 0.05; done
STUB
chmod +x "$TMP/stubs/mpirun"
STUB_RC=5 MPIRUN="$TMP/stubs/mpirun" sh "$W" -np 2 nbody run x.cfg >"$TMP/out" 2>&1
check "nbody-mpirun passes mpirun's status (5) and arguments" \
    sh -c "[ $? -eq 5 ] && grep -qx -- '-np 2 nbody run x.cfg' '$TMP/mpirun.args'"
rm -f "$TMP/mpirun.args"
MPIRUN="$TMP/stubs/mpirun" sh "$W" -np 3 nbody run y.cfg >"$TMP/out" 2>&1 &
pid=$!
i=0
while [ ! -s "$TMP/mpirun.args" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
if kill -0 $pid 2>/dev/null; then
    kill -KILL $pid
    fail "nbody-mpirun: SIGTERM ends the run within 10 s"
fi
wait $pid
rc=$?
check "nbody-mpirun: SIGTERM reaches mpirun as SIGUSR1, exit 3" \
    sh -c "[ $rc -eq 3 ] && grep -qx USR1 '$TMP/mpirun.args'"
finish
