/* Private to the snapshot module (snapshot_h5.c, snapshot_write*.c, snapshot_chunks.c,
 * snapshot_read*.c), the only files that include <hdf5.h>: the HDF5 helpers of the writer
 * and the reader. */
#ifndef NB_SNAPSHOT_H5_H
#define NB_SNAPSHOT_H5_H

#include <stddef.h>

#include "core/error.h"

#include <hdf5.h>

#include "io/snapshot.h"
#include "io/snapshot_chunks.h"

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

/* The stored (little-endian) and in-memory (native) HDF5 types of t; not for strings. */
hid_t nb_snapshot_h5_ftype(nb_snapshot_type t);
hid_t nb_snapshot_h5_mtype(nb_snapshot_type t);

/* ---- The writer (snapshot_write.c; attributes in snapshot_write_header.c; the chunk
 * pipeline in snapshot_chunks.c) ---- */

typedef struct nb_snapshot_writer {
    char what[128];    /* the object being written when it failed */
    char detail[512];  /* why */
    int failed;
    /* A collective write (MPI build, docs/mpi.md): every rank makes the same HDF5 calls in
     * the same order, with its own rows [r0, r1) of every dataset; dxpl asks for
     * collective transfers. Plain writes: rows [0, n), dxpl H5P_DEFAULT. */
    int collective;
    size_t r0, r1;
    hid_t dxpl;
    /* Direct: the chunks are encoded on `threads` threads and written with H5Dwrite_chunk
     * (snapshot_chunks.c); else (collective writes, and the tests' reference) H5Dwrite
     * with HDF5's own filters on one thread. The data read back are the same bits. */
    int direct;
    nb_snapshot_chunks chunks; /* threads and level set; freed by write_file */
} nb_snapshot_writer;

/* Records the first failure (with HDF5's reason when detail is NULL); returns -1. */
int nb_snapshot_wfail(nb_snapshot_writer *w, const char *what, const char *detail);
/* A collective write's ranks go on together or stop together (rc of a plain write). */
int nb_snapshot_wagree(nb_snapshot_writer *w, int rc);
/* Group name of file, or -1 (recorded); closing it keeps the first failure. */
hid_t nb_snapshot_wgroup(nb_snapshot_writer *w, hid_t file, const char *name);
int nb_snapshot_wgroup_close(nb_snapshot_writer *w, hid_t g, const char *name, int rc);
/* /Header for the per-type counts and masses (nb_snapshot_type_counts, _mass_table);
 * /Parameters and /Integrator from meta. 0 or -1 (recorded). */
int nb_snapshot_write_header(nb_snapshot_writer *w, hid_t file, const size_t count[NB_NTYPES],
                             const double mass_table[NB_NTYPES], const nb_snapshot_meta *meta);
int nb_snapshot_write_meta(nb_snapshot_writer *w, hid_t file, const nb_snapshot_meta *meta);

/* nb_snapshot_write with the chunk path chosen: direct = 0 writes through H5Dwrite, the
 * reference the tests compare the direct write with (the same data bits). */
int nb_snapshot_write_with(const char *path, const nb_particles *p, const nb_snapshot_meta *meta,
                           int compression, int threads, int direct, nb_error *err);

/* ---- The reader (snapshot_read.c, and its checked access in snapshot_read_h5.c) ---- */

/* the groups (Header, Parameters, Integrator, a few spare), and each type's group and one
 * dataset per field */
#define NB_SNAPSHOT_MAX_OPEN (8 + NB_NTYPES * (1 + NB_SNAPSHOT_MAX_FIELDS))
#define NB_SNAPSHOT_DAMAGED ": the file is damaged"

typedef struct nb_snapshot_reader {
    const char *path;
    nb_error *err;
    int failed;
    int code;             /* NB_ERR_INPUT, or NB_ERR_RUNTIME when memory ran out */
    hid_t open[NB_SNAPSHOT_MAX_OPEN]; /* groups and datasets, closed at the end */
    int n_open;
    long long file_size;
    nb_snapshot_ic_info *info; /* filled for initial conditions when not NULL */
} nb_snapshot_reader;

/* Records "FILE: OBJ: what" (the first failure only) as NB_ERR_INPUT; returns -1. */
__attribute__((format(printf, 3, 4)))
int nb_snapshot_rfail(nb_snapshot_reader *r, const char *obj, const char *fmt, ...);
/* A failed HDF5 call on obj: "how (HDF5's innermost reason)tail"; returns -1. */
int nb_snapshot_h5fail(nb_snapshot_reader *r, const char *obj, const char *how,
                       const char *tail);
/* id, closed when the read ends. */
hid_t nb_snapshot_keep(nb_snapshot_reader *r, hid_t id);

/* Group name of loc (obj in messages): its id, 0 if absent and optional, -1 on failure. */
hid_t nb_snapshot_open_group(nb_snapshot_reader *r, hid_t loc, const char *name,
                             const char *obj, int required, const char *expected);

/* n integers or doubles from attribute name of loc (a float may be stored as integers);
 * a fixed-length string, malloc'd. 1 read, 0 absent and optional, -1 on failure. */
int nb_snapshot_get_ints(nb_snapshot_reader *r, hid_t loc, const char *obj, const char *name,
                         hssize_t n, long long *out, int required);
int nb_snapshot_get_doubles(nb_snapshot_reader *r, hid_t loc, const char *obj,
                            const char *name, hssize_t n, double *out, int required);
int nb_snapshot_get_string(nb_snapshot_reader *r, hid_t loc, const char *obj,
                           const char *name, char **out, int required);

/* Field f's dataset in group g (/PartType<type>): n rows (NumPart_ThisFile[type]) of
 * f->cols columns of f's class, all stored in this file. Its id, 0 if absent and optional,
 * -1 on failure; *is_signed for integers. */
hid_t nb_snapshot_open_dataset(nb_snapshot_reader *r, hid_t g, int type,
                               const nb_snapshot_field *f, size_t n, int required,
                               int *is_signed);

#endif
