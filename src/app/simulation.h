/* The run loop: initial conditions or a restart snapshot in, leapfrog steps, energy log
 * and snapshot schedule, checkpoints on SIGINT/SIGTERM and the wall-clock limit. */
#ifndef NB_SIMULATION_H
#define NB_SIMULATION_H

#include <stddef.h>

#include "io/config.h"
#include "core/error.h"

typedef struct nb_run_options {
    int overwrite; /* replace an earlier run's files in the output directory */
    int quiet;     /* no progress output */
} nb_run_options;

/* A new run from c. Returns NB_OK, NB_STOPPED (checkpoint written), or an error code
 * with err filled; input errors (NB_ERR_INPUT) are found before anything is written. */
int nb_simulation_run(const nb_config *c, const nb_run_options *o, nb_error *err);

/* Continues a run from target: a snapshot file, or a run directory (its newest snapshot
 * that reads back whole). The configuration is the snapshot's own, or config_path when
 * given, with overrides applied; a change of dt, G or softening must be explicit in the
 * overrides. Output goes to the snapshot's directory unless run.output_dir is overridden;
 * out_dir receives the directory used. */
int nb_simulation_restart(const char *target, const char *config_path,
                          const char *const *overrides, size_t n_overrides,
                          const nb_run_options *o, char *out_dir, size_t out_size,
                          nb_error *err);

#endif
