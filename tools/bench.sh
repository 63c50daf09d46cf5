#!/bin/sh
# Builds the standalone benchmark (libnbody's sources + src/app/bench.c and bench_main.c,
# no autotools, libconfig or HDF5) with plain gcc and runs it: tools/bench.sh [options].
#   CC, CFLAGS    compiler and flags (default gcc, -O3 -march=native ...)
#   BUILD_DIR     where the binary goes (default ./build-bench)
# Example: tools/bench.sh --kernel direct --kernel parallel --n 4096 --n 16384 --threads 16
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-gcc}
CFLAGS=${CFLAGS:--O3 -march=native -fno-math-errno -fno-trapping-math}
BUILD_DIR=${BUILD_DIR:-build-bench}
mkdir -p "$BUILD_DIR"
# libnbody is the layers below io (docs/DESIGN.md): every C file of src/core, src/gravity and
# src/physics but the MPI communication layer (the serial one, comm_serial.c, is built);
# then the benchmark itself (src/app/bench.c, bench_main.c)
srcs=""
for f in "$top"/src/core/*.c "$top"/src/gravity/*.c "$top"/src/physics/*.c; do
    case $f in */comm_mpi.c) continue ;; esac
    srcs="$srcs $f"
done
# shellcheck disable=SC2086
$CC -std=c11 -Wall -Wextra $CFLAGS -fopenmp -I"$top/src" -D_GNU_SOURCE -DNB_VERSION='"bench"' \
    -o "$BUILD_DIR/nbody-bench" $srcs "$top/src/app/bench.c" "$top/src/app/bench_main.c" -lm
exec "$BUILD_DIR/nbody-bench" "$@"
