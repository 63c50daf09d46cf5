/* Individual time steps: power-of-two bins on an integer time line, kick-drift-kick over
 * the hierarchy (docs/timesteps.md). Forces come from the caller's callback, for the
 * active particles only. No I/O. */
#ifndef NB_TIMESTEP_H
#define NB_TIMESTEP_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/particles.h"

/* The deepest bin max_bins may name: one dt is 2^max_bins ticks of a uint64_t. */
#define NB_TIMESTEP_MAX_BINS 60

/* Fills p->ax, p->ay, p->az (and pot[i] when pot is not NULL: G sum -m_j / r_ij, the
 * particle's own mass excluded, as nb_kernel.evaluate; nb_force_evaluate with its nb_force
 * as ctx is one) of the nactive particles listed in
 * active (ascending indices) at the current positions of all p->n particles. Entries of
 * other particles must be left as they are or overwritten with their own current values.
 * A particle's result must not depend on which others are listed. Returns NB_OK or an
 * error through err. */
typedef int (*nb_accel_fn)(void *ctx, nb_particles *p, const uint32_t *active,
                           size_t nactive, double *pot, nb_error *err);

typedef struct nb_timestep_params {
    double dt;     /* the longest step, bin 0's; bin k's step is dt / 2^k */
    double eta;    /* accuracy (GADGET's ErrTolIntAccuracy); default 0.025 */
    double eps;    /* softening length: > 0 selects GADGET's criterion (below) */
    int max_bins;  /* deepest bin, 0 .. NB_TIMESTEP_MAX_BINS; default 30 */
    /* A particle of at least heavy_ratio times the mean mass (a black hole among stars)
     * steps with the deepest occupied bin whatever its own criterion says: the forces of
     * its fast neighbours nearly cancel in its own |a|, but its kicks must sample their
     * orbits as finely as theirs sample it. Default 10; <= 0: no such rule. */
    double heavy_ratio;
} nb_timestep_params;

/* The state of the hierarchy between two calls. The run stops, writes snapshots and
 * restarts only at synchronised times (multiples of dt), where the state that matters is
 * the particles and bin[]: a snapshot stores bin[] (one byte a particle) and a restart
 * hands it back to nb_timestep_begin to continue bit for bit. */
typedef struct nb_timestep {
    nb_timestep_params par;
    size_t n;
    uint8_t *bin;          /* the bin of each particle's next step */
    double *pot;           /* per-particle potential, when the criterion needs it */
    uint32_t *active;      /* scratch: the active list of the current tick */
    uint64_t tick;         /* ticks since the last synchronised time: 0 .. 2^max_bins */
    double heavy_mass;     /* heavy_ratio times the mean mass (set by nb_timestep_begin) */
    uint64_t evaluations;  /* particle force evaluations, cumulative (the caller may set it
                              on a restart) */
    uint64_t substeps;     /* ticks that had active particles, cumulative */
    uint64_t clipped;      /* steps for which a particle needed a bin deeper than
                              max_bins and was given max_bins, cumulative */
    size_t clip_index;     /* the last particle clipped, and the tick it was (since the */
    uint64_t clip_tick;    /* synchronised time its nb_timestep_advance began): for the log */
} nb_timestep;

/* Defaults: eta 0.025, max_bins 30, heavy_ratio 10 (dt and eps left as they are). */
void nb_timestep_params_defaults(nb_timestep_params *tp);

/* Allocates the state for n particles. dt > 0, eta > 0, eps >= 0 and max_bins in range,
 * else NB_ERR_INPUT naming the field. */
int nb_timestep_init(nb_timestep *ts, size_t n, const nb_timestep_params *tp,
                     nb_error *err);
void nb_timestep_free(nb_timestep *ts);

/* At a synchronised time, before the first nb_timestep_advance: computes every
 * particle's force through accel. bins NULL (a new run): bins from the criterion, and the
 * n evaluations are counted. bins given (a restart): those bins (each <= max_bins, else
 * NB_ERR_INPUT), nothing counted, as the run being continued had counted them. accel
 * NULL: p already holds the accelerations of all particles at these positions (a restart
 * keeping its snapshot's) and nothing is evaluated; bins must then be given (the
 * criterion's potential is not there), else NB_ERR_INPUT. */
int nb_timestep_begin(nb_timestep *ts, nb_particles *p, nb_accel_fn accel, void *ctx,
                      const uint8_t *bins, nb_error *err);

/* Advances every particle by one dt, from one synchronised time to the next. Expects the
 * accelerations (and pot, if the criterion uses it) of the last call or of
 * nb_timestep_begin; leaves positions, velocities and accelerations synchronised and
 * bin[] holding the bins of the next dt. */
int nb_timestep_advance(nb_timestep *ts, nb_particles *p, nb_accel_fn accel, void *ctx,
                        nb_error *err);

/* The bin particle i would need from its current acceleration (and potential): the
 * criterion alone, before max_bins, the heavy-particle rule and the synchronisation rule.
 * May exceed max_bins. */
int nb_timestep_bin_wanted(const nb_timestep *ts, const nb_particles *p, size_t i);

/* counts[k] = particles in bin k, k = 0 .. max_bins; *lo and *hi (when not NULL) the
 * shallowest and deepest occupied bins. */
void nb_timestep_histogram(const nb_timestep *ts, uint64_t *counts, int *lo, int *hi);

#endif
