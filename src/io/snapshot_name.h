/* Snapshot file names: OUTPUT_DIR/BASE_NNNN.h5, BASE being output.snapshot_base (default
 * "snapshot", like GADGET's SnapshotFileBase) and NNNN the output index, at least four
 * digits. Building, parsing and the rules for BASE, without HDF5: the parameter-file
 * check and the run-directory code use them too. */
#ifndef NB_SNAPSHOT_NAME_H
#define NB_SNAPSHOT_NAME_H

#include <stddef.h>

#define NB_SNAPSHOT_BASE_DEFAULT "snapshot"
#define NB_SNAPSHOT_BASE_MAX 64 /* characters */
/* what a valid base is, for messages */
#define NB_SNAPSHOT_BASE_EXPECT \
    "1 to 64 characters from A-Z a-z 0-9 _ . -, not starting with '.' or '-' " \
    "(the snapshots are BASE_NNNN.h5)"

/* 0 when base is a valid snapshot base; else -1 with what is wrong in why (e.g. "contains
 * '/' (character 3)"), without echoing the value, which may hold control characters. */
int nb_snapshot_base_check(const char *base, char *why, size_t size);

/* The path of snapshot number index in dir: "dir/BASE_NNNN.h5". */
void nb_snapshot_path(char *buf, size_t size, const char *dir, const char *base, long index);

/* A file name split into base and index: "galaxy_0004.h5" -> "galaxy", 4. */
typedef struct nb_snapshot_name {
    char base[NB_SNAPSHOT_BASE_MAX + 1];
    unsigned long long index;
    int tmp; /* the writer's temporary, BASE_NNNN.h5.tmp */
} nb_snapshot_name;

/* 1 when name is BASE "_" 1-18 digits ".h5" (or that plus ".tmp") with a valid BASE, split
 * into *out; else 0. A base may hold '_' and digits itself: the index is what follows the
 * last '_'. */
int nb_snapshot_name_parse(const char *name, nb_snapshot_name *out);

/* 1 when name is exactly a snapshot of this base, BASE_NNNN.h5 (not a temporary), with NNNN
 * in *index. */
int nb_snapshot_index(const char *name, const char *base, unsigned long long *index);

#endif
