/* What a new run (simulation.c) and a restart (restart_run.c) share: the run's state, its
 * output schedule, the set-up and loop after the particles are known, and the clean-up.
 * Internal to app/ (not installed, not part of the C API). */
#ifndef NB_SIMULATION_RUN_H
#define NB_SIMULATION_RUN_H

#include "app/progress.h"
#include "app/simulation.h"
#include "app/stepper.h"
#include "core/comm.h"
#include "core/error.h"
#include "core/particles.h"
#include "gravity/force.h"
#include "io/config.h"
#include "io/energylog.h"
#include "io/snapshot.h"

/* In a distributed run (core/comm.h) every rank holds all particles and runs this same
 * loop; rank 0 alone owns the run directory (lock, energy log, snapshots) and its status
 * goes to every rank, so all ranks stop together. */
#define ROOT_ONLY(expr) nb_comm_agree(nb_comm_root() ? (expr) : NB_OK, err)

typedef struct nb_sim {
    nb_config c;
    nb_particles p;
    nb_force force;
    nb_stepper st;          /* the integrator, fixed or adaptive, over force */
    nb_energylog log;
    nb_energylog bins;      /* timebins.csv (adaptive time steps) */
    long step, end_step, next_output;
    long step_origin;   /* time = time_origin + (step - step_origin) * dt: no accumulated */
    double time_origin; /* rounding, and the same bits after a restart */
    double time, e0, last_rel_error, wall0;
    double last_save;       /* wall clock of the last snapshot (run.checkpoint_every_seconds) */
    int lock_fd;
    nb_progress progress;
    int restart;            /* continuing from meta rather than starting at step 0 */
    int same_forces;        /* a restart under the snapshot's forces (restart.h) */
    nb_snapshot_meta meta;  /* the restart snapshot's */
    nb_force pot_force;     /* the kernel energy.csv takes its potential from, if not exact */
    double *scratch[4];     /* its accelerations (x, y, z) and potentials */
    char snap_dir[NB_PATH_MAX + 64]; /* the restart snapshot's directory */
    char snap[NB_PATH_MAX + 64];     /* and the snapshot */
    char run_id[40];        /* the run's identity (io/rundir.h), in every snapshot */
    int own;                /* a restart into its run's own directory (check_dir_contents) */
    int snaps;              /* snapshots this process wrote, their bytes and wall seconds */
    double snap_bytes, snap_seconds; /* (rank 0: the end-of-run line) */
} nb_sim;

/* 1 if step, on the time line time = time_origin + (step - step_origin) * dt, is on c's
 * regular snapshot schedule (simulation.c says which steps those are), else 0 */
int nb_sim_on_schedule(const nb_config *c, long step, long step_origin, double time_origin,
                       double dt);

/* The set-up a new run and a restart share once s holds the configuration and the
 * particles, then the loop; returns the run's status (nb_simulation_run's) */
int nb_sim_start(nb_sim *s, const nb_run_options *o, nb_error *err);

/* Frees what s holds and closes its files and lock (s itself is the caller's) */
void nb_sim_free(nb_sim *s);

#endif
