/* What a restart checks against the snapshot it continues, and how it takes over the output
 * directory's history (app/restart_run.c runs it; docs/DESIGN.md "Run directories"). */
#ifndef NB_RESTART_H
#define NB_RESTART_H

#include <stddef.h>

#include "core/error.h"
#include "io/config.h"
#include "io/energylog.h"
#include "io/snapshot.h"

/* 1 when key was given on purpose in the overrides (--set key=...). */
int nb_restart_overridden(const char *key, const char *const *ov, size_t n);

/* 1 when the overrides give new units: units.system or a scale (units.G alone is not). */
int nb_restart_new_units(const char *const *ov, size_t n);

/* The snapshot's parameter text (/Parameters) for a restart from it, malloc'd (NULL: out
 * of memory). With new_units (nb_restart_new_units) its units section is emptied: the
 * new units are the overrides alone, and G follows them unless units.G is set too, so the
 * new snapshots' G and unit attributes agree. */
char *nb_restart_parameters(const char *text, int new_units);

/* The configuration snapshot snap was written under (its /Parameters) into *was: NB_OK,
 * or an error (a snapshot of a version whose parameters no longer read). */
int nb_restart_written_under(const nb_snapshot_meta *m, const char *snap, nb_config *was,
                             nb_error *err);

/* 1 when c computes the forces as was does (the snapshot's parameters: nb_restart_written_
 * under): the same kernel, G, softening and kernel-owned keys. Only then may a restart keep
 * the snapshot's accelerations as its first force (a kernel whose forces read the previous
 * ones, kernels.h reads_accel); otherwise it evaluates them, the snapshot's as the previous
 * force. */
int nb_restart_same_forces(const nb_config *c, const nb_config *was);

/* Refuses a restart that would not continue the same run without being asked to: dt, G,
 * softening or the units differ from the snapshot's and are not in the overrides (a change
 * of units, given with --set units.*, brings its own G); and, into the snapshot's own
 * directory (same_dir), another snapshot base. from_snapshot: c was read from the
 * snapshot's /Parameters (no --config). */
int nb_restart_check(const nb_config *c, const nb_snapshot_meta *m, const char *snap,
                     int same_dir, int from_snapshot, const char *const *ov, size_t n_ov,
                     nb_error *err);

/* The output directory's side of a restart at (step, time) of n particles, under c, for
 * run run_id, once the directory is locked and checked: in the run's own directory (own),
 * its history after the snapshot (output_index) is set aside and energy.csv continued
 * (io/rundir.h, nb_superseded); otherwise a new energy.csv, after removing the run files
 * of another run with overwrite (all but keep, the snapshot restarted from when it lies
 * there). log is left open for appending. */
typedef struct nb_restart_dir {
    const nb_config *c;
    long step, output_index;
    double time;
    size_t n;
    const char *run_id;
    int own, overwrite;
    const char *keep;
} nb_restart_dir;

/* bins: timebins.csv's log to open too (adaptive time steps), or NULL. */
int nb_restart_open_dir(const nb_restart_dir *r, nb_energylog *log, nb_energylog *bins,
                        nb_error *err);

#endif
