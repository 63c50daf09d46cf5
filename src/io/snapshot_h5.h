/* Private to the snapshot module (snapshot_h5.c, snapshot_write.c, snapshot_read.c), the
 * only files that include <hdf5.h>: the HDF5 helpers both the writer and the reader need. */
#ifndef NB_SNAPSHOT_H5_H
#define NB_SNAPSHOT_H5_H

#include <stddef.h>

#include <hdf5.h>

/* Rows per chunk: 32768 x 3 doubles is 768 KiB, inside HDF5's default 1 MiB chunk cache. */
#define NB_SNAPSHOT_CHUNK_ROWS 32768

/* HDF5 prints its error stack to stderr by default; every public call silences it for
 * its duration and restores the caller's setting afterwards. */
typedef struct nb_snapshot_quiet {
    H5E_auto2_t func;
    void *data;
} nb_snapshot_quiet;

void nb_snapshot_quiet_begin(nb_snapshot_quiet *q);
void nb_snapshot_quiet_end(const nb_snapshot_quiet *q);

/* The innermost message on HDF5's error stack (where the failure started, e.g. "data
 * error detected by Fletcher32 checksum"), for our one-line errors. Call it right after
 * the failing HDF5 call: the next API call clears the stack. */
const char *nb_snapshot_h5_detail(char *buf, size_t size);

/* Whether chunked dataset d's chunk is larger than its data needs: more bytes than the
 * whole dataset and than HDF5's 1 MiB chunk cache. HDF5 allocates a whole chunk to read
 * any of it, and a few kilobytes of gzip on disk can declare a chunk of gigabytes. 0 when
 * it fits (or d is not chunked); else 1 with why ("is stored in chunks of ..."), or -1
 * when d cannot be inspected. */
int nb_snapshot_h5_chunk_too_big(hid_t d, char *why, size_t size);

/* File access: H5Fclose really closes the file; for writing, the HDF5 1.10 file format,
 * whose metadata (superblock, object headers, chunk indexes) all carry checksums, so a
 * damaged file fails cleanly instead of misleading HDF5 (readable by HDF5 >= 1.10).
 * -1 on failure. */
hid_t nb_snapshot_fapl(int for_write);

#endif
