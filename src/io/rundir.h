/* A run's output directory: checking it before anything is written, creating and locking
 * it, and finding, removing or setting aside the files a run leaves there (energy.csv,
 * BASE_NNNN.h5 snapshots and their temporaries, BASE being output.snapshot_base). */
#ifndef NB_RUNDIR_H
#define NB_RUNDIR_H

#include <stddef.h>

#include "core/error.h"

/* Checks that dir can be a run's output directory without writing anything: an existing
 * directory we may write into, or a missing one whose parent exists and is writable.
 * key names the setting for messages ("CONFIG: run.output_dir"). *exists: dir exists. */
int nb_rundir_check(const char *dir, const char *key, int *exists, nb_error *err);

/* Creates dir if missing and takes an exclusive lock on dir/.nbody.lock for the life of
 * the run (two runs never write into one directory at once); *lock_fd receives it. The
 * file then holds "PID HOST"; a held lock is refused with a message naming them. */
int nb_rundir_lock(const char *dir, const char *key, int *lock_fd, nb_error *err);

/* How many of a run's files dir holds (0 when dir is missing), or -1 with err set: the
 * energy log, snapshots named with base (the run's own output.snapshot_base) and their
 * temporaries, and nbody snapshots under any other base. */
int nb_rundir_count(const char *dir, const char *base, nb_error *err);

/* Removes those files from dir (for --overwrite). */
int nb_rundir_clear(const char *dir, const char *base, nb_error *err);

/* 1 when paths a and b name the same existing directory. */
int nb_rundir_same(const char *a, const char *b);

/* The snapshots of dir named with base and numbered above index, newest last, as a
 * malloc'd list of names (*count of them; NULL when none). */
int nb_rundir_later_snapshots(const char *dir, const char *base, long index, char ***names,
                              size_t *count, nb_error *err);

/* Moves the named files of dir into the directory to (which exists), e.g. a run's later
 * history, set aside by a restart from an earlier snapshot. */
int nb_rundir_move(const char *dir, const char *to, char *const *names, size_t count,
                   nb_error *err);

void nb_rundir_free_names(char **names, size_t count);

/* A restart from snapshot K of a run that went further: its snapshots after K belong to a
 * history the restart replaces. They go, with a copy of the energy log, into
 * DIR/superseded_after_K/ (a numbered variant if that exists), so the directory tells one
 * consistent history and nothing is lost. */
typedef struct nb_superseded {
    char **names;    /* the later snapshots (free with nb_rundir_free_names) */
    size_t count;
    char dir[4400];  /* where they go; created by nb_rundir_superseded_find */
} nb_superseded;

/* Lists dir's snapshots named with base and numbered above index and, when there are any,
 * creates the directory for them. */
int nb_rundir_superseded_find(const char *dir, const char *base, long index, nb_superseded *sup,
                              nb_error *err);

#endif
