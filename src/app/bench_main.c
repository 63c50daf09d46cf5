/* A standalone `nbody bench` for machines without libconfig or HDF5: tools/bench.sh builds
 * it from this file and libnbody's sources with plain gcc. */
#include "app/bench.h"

int main(int argc, char **argv)
{
    return nb_bench_main(argc, argv);
}
