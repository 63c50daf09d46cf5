#!/bin/sh
# Installs what nbody needs to build, test and plot on Debian/Ubuntu (uses sudo when not root),
# and what the comparison tools need (python3-scipy: knn_vs_scipy.py; python3-numba:
# numba_tutorial_bench.py, bench_pytreegrav.py) and the Python package's tests and
# read_energy (python3-pytest, python3-pandas).
#   tools/install-deps.sh [--mpi]   --mpi: also Open MPI and parallel HDF5 (./configure --with-mpi)
set -e
MPI_PKGS=""
[ "${1:-}" = "--mpi" ] && MPI_PKGS="libopenmpi-dev openmpi-bin libhdf5-openmpi-dev"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential autoconf automake libtool pkg-config \
    libconfig-dev libhdf5-dev zlib1g-dev check hdf5-tools \
    python3 python3-numpy python3-h5py python3-matplotlib python3-yt gnuplot-nox \
    python3-scipy python3-numba python3-pytest python3-pandas \
    clang libclang-rt-14-dev $MPI_PKGS >/dev/null
echo "install-deps: done"
