/* OUTPUT_DIR/energy.csv, the energy-conservation log of docs/DESIGN.md: comment header, column
 * row, one row per diagnostics step; restarts drop rows past the restart step first. */
#ifndef NB_ENERGYLOG_H
#define NB_ENERGYLOG_H

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

/* Creates (truncating) path and writes the comment header and the column row. */
int nb_energylog_create(nb_energylog *log, const char *path, const nb_config *c, size_t n,
                        nb_error *err);

/* Reopens an existing log for a run restarted at (step, time): rows with a step above
 * keep_step are dropped (via a temporary file renamed into place), and a comment
 * "# restart: step S time T" is added. When copy_to is not NULL, the log as it was is
 * also copied there (a new file), so the dropped rows are kept. */
int nb_energylog_resume(nb_energylog *log, const char *path, long keep_step, long step,
                        double time, const char *copy_to, nb_error *err);

/* Appends one row and flushes it, so a crash never leaves half a row. */
int nb_energylog_append(nb_energylog *log, long step, double time, const nb_diag *d,
                        double e0, double wall_seconds, nb_error *err);

int nb_energylog_close(nb_energylog *log, nb_error *err);

#endif
