/* One interface for both integrators of the run loop: the fixed-step leapfrog
 * (physics/integrator.h) and individual time steps (physics/timestep.h), each going from
 * one synchronised time to the next (one dt) and counting particle force evaluations. */
#ifndef NB_STEPPER_H
#define NB_STEPPER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/particles.h"
#include "gravity/force.h"
#include "io/config.h"
#include "io/energylog.h"
#include "physics/timestep.h"

typedef struct nb_stepper {
    int adaptive;          /* integrator.timestep = "adaptive" */
    double dt;
    nb_force *force;       /* the run's force driver (not owned) */
    nb_timestep ts;        /* adaptive mode's hierarchy */
    uint64_t evaluations;  /* fixed mode: particle force evaluations, cumulative */
    int reads_accel;       /* the kernel's forces depend on the previous ones (kernels.h) */
} nb_stepper;

/* Binds the run's force driver f for c's integrator and n particles. */
int nb_stepper_init(nb_stepper *st, const nb_config *c, nb_force *f, size_t n, nb_error *err);
void nb_stepper_free(nb_stepper *st);

/* The first force, at a synchronised time. A new run (restart NB_STEPPER_NEW): bins from the criterion
 * (adaptive), the n evaluations counted. A restart: evaluations continues the snapshot's
 * count; with a kernel that reads the previous accelerations (a tree's relative opening
 * test) and the forces the snapshot was written with (NB_STEPPER_RESTART_SAME_FORCES,
 * app/restart.h nb_restart_same_forces), the snapshot's accelerations in p are kept as the first force (the same bits as
 * the run that wrote them, which evaluated them from its previous step's), unless bins must
 * come from the criterion; and bins (adaptive; NULL when the snapshot was written in fixed mode: from the
 * criterion) are the snapshot's /PartType1/TimeBin, each 0 .. max_bins, else
 * NB_ERR_INPUT naming what (the snapshot). Leaves p->bin holding the bins. */
enum { NB_STEPPER_NEW, NB_STEPPER_RESTART, NB_STEPPER_RESTART_SAME_FORCES };
int nb_stepper_begin(nb_stepper *st, nb_particles *p, int restart, const int32_t *bins,
                     uint64_t evaluations, const char *what, nb_error *err);

/* Advances every particle by one dt; p->bin holds the bins of the next dt. */
int nb_stepper_advance(nb_stepper *st, nb_particles *p, nb_error *err);

/* Particle force evaluations so far, cumulative over restarts. */
uint64_t nb_stepper_evaluations(const nb_stepper *st);

/* The shallowest and deepest occupied bins (0 and 0 in fixed mode). */
void nb_stepper_bin_range(const nb_stepper *st, int *lo, int *hi);

/* Adaptive mode: creates c->output_dir/timebins.csv into log (fixed mode: nothing). */
int nb_stepper_create_bins(const nb_stepper *st, nb_energylog *log, const nb_config *c,
                           size_t n, const char *run_id, nb_error *err);

/* Adaptive mode: appends the particles per bin, bin0 .. binK, at (step, time) to log, a
 * row beside each energy.csv row (fixed mode: nothing). */
int nb_stepper_log_bins(const nb_stepper *st, nb_energylog *log, long step, double time,
                        nb_error *err);

/* Steps clipped at max_bins (timestep.h's clipped; 0 in fixed mode). */
uint64_t nb_stepper_clipped(const nb_stepper *st);

/* At the end of a run (stopped or not): when steps were clipped at max_bins, one line on
 * out saying how many, the last particle (its id in p), and the fix. */
void nb_stepper_report(const nb_stepper *st, const nb_particles *p, FILE *out);

#endif
