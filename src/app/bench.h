/* `nbody bench`: times registered force kernels on the seed's gaussian set-up. Needs only
 * libnbody (no libconfig, no HDF5), so a standalone binary can run it anywhere. */
#ifndef NB_BENCH_H
#define NB_BENCH_H

/* argv[0] is the command name ("bench"); the options follow:
 *   [--kernel NAME]... [--n N]... [--threads T]... [--repeats R] [--neighbours K]
 * Prints one line per (kernel, n, threads) case on stdout:
 *   kernel=NAME n=N threads=T seconds=S interactions_per_second=R
 * with S the best of at least R timed evaluations (more when they take under half a
 * second in all) after one warm-up, and R = N*(N-1)/S.
 * Returns 0, 2 on a usage error (one line on stderr) or 1 if a kernel fails. */
int nb_bench_main(int argc, char **argv);

#endif
