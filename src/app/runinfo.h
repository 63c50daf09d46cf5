/* What a run tells its user on stderr besides the progress line: a start-up summary, a
 * warning when the step is far too large for the initial state (and at the end when the
 * energy error shows it), the time spent writing snapshots, and the command that
 * continues a stopped run. */
#ifndef NB_RUNINFO_H
#define NB_RUNINFO_H

#include <stddef.h>
#include <stdio.h>

#include "core/particles.h"
#include "io/config.h"

/* The warning's threshold: dt (adaptive: the deepest bin's step, dt / 2^max_bins) above
 * this fraction of the shortest dynamical time sqrt(eps / |a|) of the particles. GADGET's
 * step criterion sqrt(2 eta eps / |a|) gives 0.22 of it at its default eta = 0.025; half
 * is that criterion at eta = 0.125. The shipped configs are at 0.003 .. 0.12. */
#define NB_RUNINFO_SAFE_FRACTION 0.5
/* The energy error above which the end of a run says the step was too large. */
#define NB_RUNINFO_ENERGY_WARN 1e-2

/* The start-up block: N, kernel, threads, ranks, steps and t_end, a memory estimate and
 * the output directory. from: the restart snapshot, NULL for a new run. */
void nb_runinfo_summary(const nb_config *c, size_t n, long step, long end_step,
                        const char *from, FILE *out);

/* The shortest dynamical time min_i sqrt(eps / |a_i|) of p's accelerations; infinite
 * when eps = 0 or no particle is accelerated. */
double nb_runinfo_shortest_time(const nb_particles *p, double eps);

/* One warning line on out when c's step exceeds NB_RUNINFO_SAFE_FRACTION of p's shortest
 * dynamical time (p holding the accelerations at the start); nothing with eps = 0 (no
 * length to measure the time by). Returns 1 when it warned. */
int nb_runinfo_check_step(const nb_config *c, const nb_particles *p, FILE *out);

/* One warning line on out when |rel_error| > NB_RUNINFO_ENERGY_WARN (NaN: nothing),
 * naming the fix. Returns 1 when it warned. */
int nb_runinfo_check_energy(const nb_config *c, double rel_error, FILE *out);

/* The end-of-run line on the snapshots this process wrote: how many, their size, the
 * seconds spent writing them (share of the run's wall time) and the rate; nothing when
 * there were none. */
void nb_runinfo_snapshots(int count, double bytes, double seconds, double wall, FILE *out);

/* The command that continues the run in dir: "nbody restart DIR", the directory quoted
 * for the shell when it needs it, under nbody-mpirun with the same ranks in an MPI run. */
void nb_runinfo_continue_command(char *buf, size_t size, const char *dir);

#endif
