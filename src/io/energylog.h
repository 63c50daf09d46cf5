/* OUTPUT_DIR/energy.csv, the energy-conservation log of docs/DESIGN.md: comment header, column
 * row, one row per diagnostics step; restarts drop rows past the restart step first. The
 * same code keeps timebins.csv (adaptive time steps: particles per bin at each row). */
#ifndef NB_ENERGYLOG_H
#define NB_ENERGYLOG_H

#include <stdint.h>
#include <stdio.h>

#include "io/config.h"
#include "physics/diagnostics.h"
#include "core/error.h"

/* The column row ("step,time,...,wall_seconds", from energylog.c's table) into buf,
 * truncated to size; returns the number of columns. */
size_t nb_energylog_columns(char *buf, size_t size);

typedef struct nb_energylog {
    FILE *f;
    char path[NB_PATH_MAX + 32];
} nb_energylog;

/* Creates (truncating) path and writes the comment header (with "# run_id: RUN_ID") and
 * the column row. */
int nb_energylog_create(nb_energylog *log, const char *path, const nb_config *c, size_t n,
                        const char *run_id, nb_error *err);

/* The run id the log at path states ("# run_id:"), or for a log older than run ids the one
 * derived from its step-0 row's total energy (nb_energylog_legacy_id). Returns 1 with id
 * set, 0 when it states none and has no step-0 row, -1 with err set when it cannot be read. */
int nb_energylog_run_id(const char *path, char *id, size_t size, nb_error *err);

/* The run id of a history older than run ids: "e0-" and the 16 hex digits of E0's bits
 * (the total energy at step 0, the same in every snapshot and the step-0 row of a run). */
void nb_energylog_legacy_id(double e0, char *id, size_t size);

/* A restart at (step, time), continuing the log's rows up to keep_step, under c. */
typedef struct nb_energylog_restart {
    long keep_step, step;
    double time;
    const nb_config *c;
    size_t n;
    const char *run_id; /* stated in the header when the log (older than run ids) has none */
    const char *columns; /* the column row, when the log lacks one; NULL: energy.csv's */
} nb_energylog_restart;

/* Writes PATH.tmp, the log continued by a restart, for the caller to rename into place
 * (io/rundir.h orders that with the snapshots it sets aside): rows with a step above
 * keep_step and the "# restart:" blocks of restarts at or after step dropped (they belong
 * to the history set aside), then the restart's block: "# restart: step S time T" and a
 * "# restart KEY: VALUE" line for each header value (kernel, dt, units, ...) the restart
 * changes. A column row that the current one extends (a log older than a column, a
 * timebins.csv with fewer bins) is replaced by the current one. When copy_to is not NULL
 * the log as it was is copied there (a new file). */
int nb_energylog_prepare_resume(const char *path, const nb_energylog_restart *r,
                                const char *copy_to, nb_error *err);

/* timebins.csv: the same header as energy.csv's and the column row
 * "step,time,bin0,...,binK", K = c->max_bins, into log. */
int nb_timebins_create(nb_energylog *log, const char *path, const nb_config *c, size_t n,
                       const char *run_id, nb_error *err);

/* timebins.csv's column row for max_bins into buf (truncated to size). */
void nb_timebins_columns(int max_bins, char *buf, size_t size);

/* One timebins.csv row: step, time and counts[0 .. nbins-1], flushed. */
int nb_timebins_append(nb_energylog *log, long step, double time, const uint64_t *counts,
                       int nbins, nb_error *err);

/* Opens the log at path for appending rows. */
int nb_energylog_open(nb_energylog *log, const char *path, nb_error *err);

/* Appends one row and flushes it, so a crash never leaves half a row. force_evaluations:
 * the particle force evaluations so far (exact up to 2^53). */
int nb_energylog_append(nb_energylog *log, long step, double time, const nb_diag *d,
                        double e0, double wall_seconds, uint64_t force_evaluations,
                        nb_error *err);

int nb_energylog_close(nb_energylog *log, nb_error *err);

#endif
