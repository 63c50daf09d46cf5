/* A run's output directory: checking it before anything is written, creating and locking
 * it, and finding, removing or setting aside the files a run leaves there (energy.csv,
 * timebins.csv, BASE_NNNN.h5 snapshots and their temporaries, BASE being
 * output.snapshot_base). */
#ifndef NB_RUNDIR_H
#define NB_RUNDIR_H

#include <stddef.h>

#include "core/error.h"

/* Checks that dir can be a run's output directory without writing anything: an existing
 * directory we may write into, or a missing one whose nearest existing ancestor is a
 * writable directory (nb_rundir_lock creates the missing ones). key names the setting for
 * messages ("CONFIG: run.output_dir"). *missing: how many directories are to be created
 * (0: dir exists). */
int nb_rundir_check(const char *dir, const char *key, int *missing, nb_error *err);

/* Undoes what nb_rundir_lock created in a directory that was missing (missing from
 * nb_rundir_check): the lock file, dir and its parents that were created with it, each
 * only if empty. */
void nb_rundir_uncreate(const char *dir, int missing);

/* Refuses (NB_ERR_INPUT, naming the holder as nb_rundir_lock does) a directory whose
 * lock another process holds; takes nothing. For messages: that a run is still going
 * there is what to tell first, not what files it holds. */
int nb_rundir_busy(const char *dir, nb_error *err);

/* Creates dir (and its missing parents) if missing and takes an exclusive lock on dir/.nbody.lock for the life of
 * the run (two runs never write into one directory at once); *lock_fd receives it. The
 * lock file then holds "PID HOST", written to a new file renamed over the name (never into
 * the file there, which may be a hard link to another); a held lock is refused with a
 * message naming them. */
int nb_rundir_lock(const char *dir, const char *key, int *lock_fd, nb_error *err);

/* A new run id: 32 hex digits from /dev/urandom (else the clock and the PID). A run's
 * identity: written by `run` into every snapshot (/Integrator run_id) and the header of
 * energy.csv ("# run_id:"), kept by restarts. Histories older than run ids have the one
 * nb_energylog_legacy_id derives from E0. */
void nb_rundir_new_id(char *id, size_t size);

/* Whether dir is run run_id's own directory, for a restart of it: the run id that
 * dir/energy.csv states (or derives, nb_energylog_run_id) decides, not where the snapshot
 * lies; when dir has no energy.csv, or one that says nothing of its run (older than run
 * ids and without a step-0 row), snap_in_dir decides (the rule before run ids). *own: the
 * answer; id: the run id found ("" when none). */
int nb_rundir_owner(const char *dir, const char *run_id, int snap_in_dir, int *own, char *id,
                    size_t size, nb_error *err);

/* How many of a run's files dir holds (0 when dir is missing), or -1 with err set: the
 * energy log, snapshots named with base (the run's own output.snapshot_base) and their
 * temporaries, and nbody snapshots under any other base. */
int nb_rundir_count(const char *dir, const char *base, nb_error *err);

/* Removes those files from dir (for --overwrite), except the one named keep (NULL: none;
 * the snapshot a restart starts from, when it lies there). */
int nb_rundir_clear(const char *dir, const char *base, const char *keep, nb_error *err);

/* 1 when paths a and b name the same existing directory. */
int nb_rundir_same(const char *a, const char *b);

/* The snapshots of dir named with base and numbered above index, newest last, as a
 * malloc'd list of names (*count of them; NULL when none). */
int nb_rundir_later_snapshots(const char *dir, const char *base, long index, char ***names,
                              size_t *count, nb_error *err);

void nb_rundir_free_names(char **names, size_t count);

/* A restart from snapshot K of a run that went further: its snapshots after K belong to a
 * history the restart replaces. They go, with a copy of the energy log, into
 * DIR/superseded_after_K/ (a numbered variant if that exists), so the directory tells one
 * consistent history and nothing is lost. The order, so that a process killed at any
 * point leaves the old history whole or the new one (docs/DESIGN.md, "Run directories"):
 *   1. nb_rundir_superseded_find creates the staging directory DIR/.nbody.superseded;
 *      the caller copies energy.csv into it and writes the continued log to
 *      energy.csv.tmp (nb_energylog_prepare_resume), and the same for timebins.csv when
 *      there is one. Nothing of the history has changed.
 *   2. nb_rundir_commit writes the journal DIR/.nbody.journal (the final directory's name
 *      and the snapshots to move) to a temporary, fsyncs it and renames it into place:
 *      the commit point. Before it, the old history is whole (and step 1's files are
 *      dropped by nb_rundir_recover); after it, the new one is decided.
 *   3. The staging directory is renamed to superseded_after_K, the later snapshots are
 *      moved into it, timebins.csv.tmp and then energy.csv.tmp are renamed over their
 *      logs, the journal removed.
 * nb_rundir_recover, called under the lock by every run and restart before it looks at the
 * directory, carries out step 3 of a journal left by a killed process. */
typedef struct nb_superseded {
    char **names;     /* the later snapshots (free with nb_rundir_free_names) */
    size_t count;
    char dir[4400];   /* where they go, superseded_after_K[.V] */
    char stage[4400]; /* where the copy of energy.csv is written first */
} nb_superseded;

/* Lists dir's snapshots named with base and numbered above index and, when there are any,
 * chooses the directory for them and creates the staging directory (step 1). */
int nb_rundir_superseded_find(const char *dir, const char *base, long index, nb_superseded *sup,
                              nb_error *err);

/* Steps 2 and 3; with no later snapshots (sup->count 0), only the log's rename. */
int nb_rundir_commit(const char *dir, const nb_superseded *sup, nb_error *err);

/* Finishes a set-aside whose journal a killed process left in dir, or removes the staging
 * directory and energy.csv.tmp of one that had not committed. Under the lock only. */
int nb_rundir_recover(const char *dir, nb_error *err);

#endif
