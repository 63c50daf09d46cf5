/* Writes HDF5 snapshots in the GADGET-compatible layout of docs/DESIGN.md atomically (temporary
 * file, fsync, rename); in the MPI build also collectively, each rank its own rows. */
/* sync_file_range (Linux) needs _GNU_SOURCE: configure defines it (AC_USE_SYSTEM_EXTENSIONS) */
#include "io/snapshot.h"
#include "io/snapshot_h5.h"

#include "core/comm.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Records the first failure (with HDF5's reason when detail is NULL); returns -1. */
int nb_snapshot_wfail(nb_snapshot_writer *w, const char *what, const char *detail)
{
    if (!w->failed) {
        w->failed = 1;
        snprintf(w->what, sizeof w->what, "%s", what);
        if (detail)
            snprintf(w->detail, sizeof w->detail, "%s", detail);
        else
            nb_snapshot_h5_detail(w->detail, sizeof w->detail);
    }
    return -1;
}

/* A collective write's ranks go on together or stop together: the first failure on any
 * rank stops all of them before the next collective call (the failing rank's message is
 * the one the caller reports). */
int nb_snapshot_wagree(nb_snapshot_writer *w, int rc)
{
    if (!w->collective)
        return rc;
    if (nb_comm_any(rc != 0)) {
        nb_snapshot_wfail(w, "another rank's part", "failed");
        return -1;
    }
    return 0;
}

/* A chunked dataset of n rows and cols columns with optional shuffle + gzip, and a
 * Fletcher32 checksum per chunk, computed last so it covers the bytes on disk. */
static hid_t new_dataset(nb_snapshot_writer *w, hid_t g, const char *name, hid_t ftype, size_t n, int cols,
                         int compression)
{
    int rank = cols > 1 ? 2 : 1;
    hsize_t dims[2] = {n, (hsize_t)cols};
    hsize_t chunk[2] = {n < NB_SNAPSHOT_CHUNK_ROWS ? n : NB_SNAPSHOT_CHUNK_ROWS, (hsize_t)cols};
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t d = -1;
    if (space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, rank, chunk) < 0 ||
        (compression > 0 && (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, compression) < 0)) ||
        H5Pset_fletcher32(dcpl) < 0 ||
        (d = H5Dcreate2(g, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0)
        nb_snapshot_wfail(w, name, NULL);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return d;
}

/* The store's rows [off, off + n) (one type's) as an n x cols dataset from cols SoA arrays,
 * interleaved one chunk of rows at a time (copied as bytes: the bits on disk are the
 * arrays' bits). A collective write writes the part of its rows [r0, r1) that is there. */
static int write_rows(nb_snapshot_writer *w, hid_t g, const nb_snapshot_field *f, const nb_particles *p,
                      size_t off, size_t n, int compression)
{
    const char *name = f->name;
    size_t cols = (size_t)f->cols, es = nb_snapshot_type_size(f->type);
    /* this rank's rows of the dataset: [r0, r1) of the store, less off, within [0, n) */
    size_t r0 = w->r0 > off ? w->r0 - off : 0, r1 = w->r1 > off ? w->r1 - off : 0;
    r0 = r0 < n ? r0 : n;
    r1 = r1 < n ? r1 : n;
    hid_t d = new_dataset(w, g, name, nb_snapshot_h5_ftype(f->type), n, f->cols, compression);
    if (d < 0)
        return -1;
    const unsigned char *col[3];
    for (int k = 0; k < f->cols; k++)
        col[k] = (const unsigned char *)nb_snapshot_field_column(p, f, k) + off * es;
    size_t rows = n < NB_SNAPSHOT_CHUNK_ROWS ? n : NB_SNAPSHOT_CHUNK_ROWS;
    unsigned char *buf = malloc(rows * cols * es);
    hid_t fspace = H5Dget_space(d);
    int rc = 0;
    if (!buf)
        rc = nb_snapshot_wfail(w, name, "out of memory");
    else if (fspace < 0)
        rc = nb_snapshot_wfail(w, name, NULL);
    /* a collective write makes every piece's H5Dwrite on every rank, with an empty
     * selection where the piece holds none of its rows, even after a local failure */
    int go = !nb_snapshot_wagree(w, rc);
    for (size_t s = 0; s < n && go && (!rc || w->collective); s += rows) {
        size_t cnt = n - s < rows ? n - s : rows;
        size_t lo = s > r0 ? s : r0, hi = s + cnt < r1 ? s + cnt : r1;
        if (hi < lo)
            hi = lo;
        for (size_t i = 0; i < hi - lo; i++)
            for (size_t k = 0; k < cols; k++)
                if (es == 8) /* a constant size: an inlined copy */
                    memcpy(buf + (i * cols + k) * 8, col[k] + (lo + i) * 8, 8);
                else
                    memcpy(buf + (i * cols + k) * es, col[k] + (lo + i) * es, es);
        hsize_t start[2] = {lo, 0}, count[2] = {hi - lo, cols}, one[2] = {1, cols};
        hid_t mspace = H5Screate_simple(2, hi > lo ? count : one, NULL);
        int sel;
        if (hi > lo)
            sel = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
        else
            sel = mspace < 0 || H5Sselect_none(mspace) < 0 ? -1 : H5Sselect_none(fspace);
        if ((H5Dwrite(d, nb_snapshot_h5_mtype(f->type), mspace, fspace, w->dxpl, buf) < 0 ||
             mspace < 0 || sel < 0) && !rc)
            rc = nb_snapshot_wfail(w, name, NULL);
        if (mspace >= 0)
            H5Sclose(mspace);
    }
    free(buf);
    if (fspace >= 0)
        H5Sclose(fspace);
    if (H5Dclose(d) < 0 && !rc)
        rc = nb_snapshot_wfail(w, name, NULL);
    return rc;
}

/* The store's rows [off, off + n) of a one-column field as a dataset of n rows. */
static int write_column(nb_snapshot_writer *w, hid_t g, const nb_snapshot_field *f, const nb_particles *p,
                        size_t off, size_t n, int compression)
{
    const char *name = f->name;
    hid_t mtype = nb_snapshot_h5_mtype(f->type);
    const char *data = (const char *)nb_snapshot_field_column(p, f, 0) +
                       off * nb_snapshot_type_size(f->type);
    hid_t d = new_dataset(w, g, name, nb_snapshot_h5_ftype(f->type), n, 1, compression);
    if (d < 0)
        return -1;
    int rc = 0;
    if (!w->collective) {
        if (H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
            rc = nb_snapshot_wfail(w, name, NULL);
    } else {
        /* this rank's rows [r0, r1) of the store that are in [off, off + n) (maybe none) */
        size_t r0 = w->r0 > off ? w->r0 - off : 0, r1 = w->r1 > off ? w->r1 - off : 0;
        r0 = r0 < n ? r0 : n;
        r1 = r1 < n ? r1 : n;
        hsize_t start = r0, count = r1 > r0 ? r1 - r0 : 0, one = 1;
        hid_t fspace = H5Dget_space(d), mspace = H5Screate_simple(1, count ? &count : &one, NULL);
        int sel = -1;
        if (fspace >= 0 && mspace >= 0 && count)
            sel = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL);
        else if (fspace >= 0 && mspace >= 0)
            sel = H5Sselect_none(fspace) < 0 || H5Sselect_none(mspace) < 0 ? -1 : 0;
        const char *rows = data + r0 * H5Tget_size(mtype);
        if (H5Dwrite(d, mtype, mspace, fspace, w->dxpl, rows) < 0 || sel < 0)
            rc = nb_snapshot_wfail(w, name, NULL);
        if (mspace >= 0)
            H5Sclose(mspace);
        if (fspace >= 0)
            H5Sclose(fspace);
    }
    if (H5Dclose(d) < 0 && !rc)
        rc = nb_snapshot_wfail(w, name, NULL);
    return rc;
}

/* Sets the disk writing what the file holds so far (Linux), so that the fsync before the
 * rename waits for little more than the last dataset: the writeback overlaps the encoding
 * of the next ones (docs/performance.md, "Snapshots"). Elsewhere, or without a descriptor
 * from HDF5, nothing: the fsync does it all. */
static void start_writeback(hid_t d)
{
#ifdef SYNC_FILE_RANGE_WRITE
    hid_t f = H5Iget_file_id(d), fapl = f >= 0 ? H5Fget_access_plist(f) : -1;
    void *h = NULL;
    /* only the POSIX driver's handle is a descriptor (MPI-IO's is an MPI_File) */
    if (fapl >= 0 && H5Pget_driver(fapl) == H5FD_SEC2 &&
        H5Fget_vfd_handle(f, H5P_DEFAULT, &h) >= 0 && h)
        (void)sync_file_range(*(int *)h, 0, 0, SYNC_FILE_RANGE_WRITE);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (f >= 0)
        H5Fclose(f);
#else
    (void)d;
#endif
}

/* The store's rows [off, off + n) of field f through the chunk pipeline: every chunk
 * encoded on the writer's threads, then written as it is (snapshot_chunks.c). */
static int write_direct(nb_snapshot_writer *w, hid_t g, const nb_snapshot_field *f,
                        const nb_particles *p, size_t off, size_t n, int compression)
{
    size_t es = nb_snapshot_type_size(f->type);
    hid_t d = new_dataset(w, g, f->name, nb_snapshot_h5_ftype(f->type), n, f->cols, compression);
    if (d < 0)
        return -1;
    const unsigned char *col[3];
    for (int k = 0; k < f->cols; k++)
        col[k] = (const unsigned char *)nb_snapshot_field_column(p, f, k) + off * es;
    char why[512];
    size_t rows = n < NB_SNAPSHOT_CHUNK_ROWS ? n : NB_SNAPSHOT_CHUNK_ROWS;
    int rc = nb_snapshot_chunks_write(&w->chunks, d, col, f->cols, es, n, rows, why, sizeof why);
    if (rc)
        nb_snapshot_wfail(w, f->name, why);
    else
        start_writeback(d);
    if (H5Dclose(d) < 0 && !rc)
        rc = nb_snapshot_wfail(w, f->name, NULL);
    return rc;
}

static int write_field(nb_snapshot_writer *w, hid_t g, const nb_snapshot_field *f, const nb_particles *p,
                       size_t off, size_t n, int compression)
{
    /* the chunks hold the file's bytes: the memory's must be the same (little-endian) */
    if (w->direct && !w->collective &&
        H5Tequal(nb_snapshot_h5_mtype(f->type), nb_snapshot_h5_ftype(f->type)) > 0)
        return write_direct(w, g, f, p, off, n, compression);
    if (f->cols > 1)
        return write_rows(w, g, f, p, off, n, compression);
    return write_column(w, g, f, p, off, n, compression);
}

/* For each type present, in ascending order, its group with every row of
 * nb_snapshot_fields, in order, holding that type's rows of the store. */
static int write_particles(nb_snapshot_writer *w, hid_t file, const nb_particles *p,
                           const size_t count[NB_NTYPES], int compression)
{
    int rc = 0;
    size_t off = 0;
    for (int t = 0; t < NB_NTYPES && !rc; off += count[t], t++) {
        if (!count[t])
            continue;
        char group[16];
        nb_snapshot_group(t, group, sizeof group);
        hid_t g = nb_snapshot_wgroup(w, file, group);
        if (g < 0)
            return -1;
        for (size_t k = 0; k < nb_snapshot_n_fields && !rc; k++)
            rc = nb_snapshot_wagree(w, write_field(w, g, &nb_snapshot_fields[k], p, off, count[t],
                                       compression));
        rc = nb_snapshot_wgroup_close(w, g, group, rc);
    }
    return rc;
}

static int write_file(nb_snapshot_writer *w, const char *tmp, const nb_particles *p,
                      const nb_snapshot_meta *meta, int compression)
{
    hid_t fapl = nb_snapshot_fapl(1);
#ifdef H5_HAVE_PARALLEL
    /* MPI-IO on every rank; HDF5's MPI-IO driver closes files "semi" (no open objects
     * may remain), which the writer guarantees anyway */
    if (fapl >= 0 && w->collective &&
        (H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL) < 0 ||
         H5Pset_fclose_degree(fapl, H5F_CLOSE_SEMI) < 0)) {
        H5Pclose(fapl);
        fapl = -1;
    }
#endif
    if (nb_snapshot_wagree(w, fapl < 0 ? -1 : 0)) {
        if (fapl >= 0)
            H5Pclose(fapl);
        return nb_snapshot_wfail(w, "file access properties", NULL);
    }
    /* EXCL: never through a link or onto a file someone put there since we unlinked it */
    hid_t file = H5Fcreate(tmp, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    if (file < 0)
        nb_snapshot_wfail(w, "creating the file", NULL);
    H5Pclose(fapl);
    if (nb_snapshot_wagree(w, file < 0 ? -1 : 0)) {
        if (file >= 0)
            H5Fclose(file);
        return -1;
    }
    size_t count[NB_NTYPES];
    double mass_table[NB_NTYPES];
    nb_snapshot_type_counts(p, count); /* in order: check_writable */
    nb_snapshot_mass_table(p, count, mass_table);
    int rc = nb_snapshot_wagree(w, nb_snapshot_write_header(w, file, count, mass_table, meta));
    if (!rc)
        rc = write_particles(w, file, p, count, compression);
    if (!rc)
        rc = nb_snapshot_wagree(w, nb_snapshot_write_meta(w, file, meta));
    /* Closing flushes the caches: a full disk often shows up only here. */
    if (H5Fclose(file) < 0 && !rc)
        rc = nb_snapshot_wfail(w, "closing the file", NULL);
    nb_snapshot_chunks_free(&w->chunks);
    return rc;
}

/* What the reader would reject, refused up front rather than written unreadable. */
static int check_writable(const char *path, const nb_particles *p, const nb_snapshot_meta *meta,
                          int compression, nb_error *err)
{
    if (compression < 0 || compression > 9)
        return nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: compression %d, "
                       "expected a gzip level from 0 to 9", path, compression);
    if (compression > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
        return nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: this HDF5 library has "
                       "no gzip filter; set output.compression = 0", path);
    size_t count[NB_NTYPES];
    if (p->n == 0)
        return nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: no particles", path);
    if (nb_snapshot_type_counts(p, count))
        return nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: the particles are not "
                       "in ascending type order (0 to %d), as each type's group holds a "
                       "range of them", path, NB_NTYPES - 1);
    for (int t = 0; t < NB_NTYPES; t++)
        if (count[t] > INT32_MAX)
            return nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: %zu particles of "
                           "type %d, expected at most %d (GADGET's int32 NumPart_ThisFile)",
                           path, count[t], t, INT32_MAX);
    size_t bad = nb_particles_find_nonfinite(p);
    if (bad < p->n)
        return nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: particle %zu has a "
                       "non-finite position, velocity, acceleration or mass", path, bad);
    for (size_t i = 0; i < p->n; i++)
        if (!(p->m[i] > 0))
            return nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: particle %zu has "
                           "mass %g, expected a positive mass", path, i, p->m[i]);
    if (!meta)
        return nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: no metadata", path);
    return NB_OK;
}

/* Makes the complete temporary file durable, then puts it in place. */
static int sync_and_rename(const char *tmp, const char *path, nb_error *err)
{
    int fd = open(tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fsync(fd) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: syncing %s: %s", path,
                       tmp, strerror(e));
    }
    close(fd);
    if (rename(tmp, path) < 0)
        return nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: renaming %s into "
                       "place: %s", path, tmp, strerror(errno));
    /* Persist the rename too. Best effort: the file is complete and in place either way,
     * and some file systems refuse fsync on a directory. */
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return NB_OK;
}

int nb_snapshot_write(const char *path, const nb_particles *p, const nb_snapshot_meta *meta,
                      int compression, int threads, nb_error *err)
{
    return nb_snapshot_write_with(path, p, meta, compression, threads, 1, err);
}

int nb_snapshot_write_with(const char *path, const nb_particles *p, const nb_snapshot_meta *meta,
                           int compression, int threads, int direct, nb_error *err)
{
    nb_snapshot_quiet q;
    nb_snapshot_quiet_begin(&q);
    int rc = check_writable(path, p, meta, compression, err);
    size_t len = strlen(path);
    char *tmp = rc ? NULL : malloc(len + 5);
    if (!rc && !tmp)
        rc = nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: out of memory", path);
    if (rc) {
        nb_snapshot_quiet_end(&q);
        return rc;
    }
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", 5);
    /* A stale temporary from a crash must not block the run, and a planted one (a link to
     * another run's file) must not be written through: remove whatever has the name (a
     * link itself, not its target), then create a new file, never following a link. */
    if (unlink(tmp) != 0 && errno != ENOENT) {
        rc = nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: cannot remove the stale "
                     "%s: %s", path, tmp, strerror(errno));
        free(tmp);
        nb_snapshot_quiet_end(&q);
        return rc;
    }
    /* Create it ourselves first: HDF5's own message for a missing or read-only directory
     * hides the errno. HDF5 then creates it again, exclusively. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0)
        close(fd);
    if (fd < 0 || unlink(tmp) != 0) {
        rc = nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: cannot create %s: %s",
                     path, tmp, strerror(errno));
        free(tmp);
        nb_snapshot_quiet_end(&q);
        return rc;
    }
    nb_snapshot_writer w;
    memset(&w, 0, sizeof w);
    w.r1 = p->n;
    w.dxpl = H5P_DEFAULT;
    w.direct = direct;
    w.chunks.threads = threads;
    w.chunks.level = compression;
    if (write_file(&w, tmp, p, meta, compression))
        rc = nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: %s: %s", path, w.what,
                     w.detail);
    nb_snapshot_quiet_end(&q);
    if (!rc)
        rc = sync_and_rename(tmp, path, err);
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}

int nb_snapshot_write_rows(const char *path, const nb_particles *p, size_t r0, size_t r1,
                           const nb_snapshot_meta *meta, int compression, int threads,
                           nb_error *err)
{
    /* By default rank 0 writes every row (every rank holds them all) with the serial
     * writer: every failure is then rank 0's alone, and agreed on afterwards. The
     * collective write (NBODY_COLLECTIVE_IO=1) spreads the rows, but parallel HDF5 1.10's
     * filtered collective write can hang the other ranks when one rank's write fails (a
     * full disk under one process): docs/mpi.md. */
    const char *coll = getenv("NBODY_COLLECTIVE_IO");
    if (!coll || strcmp(coll, "1") != 0)
        return nb_comm_agree(nb_comm_root() ? nb_snapshot_write(path, p, meta, compression, threads, err)
                                            : NB_OK, err);
#ifndef H5_HAVE_PARALLEL
    (void)r0;
    (void)r1;
    return nb_comm_agree(nb_comm_root() ? nb_snapshot_write(path, p, meta, compression, threads, err)
                                        : NB_OK, err);
#else
    nb_snapshot_quiet q;
    nb_snapshot_quiet_begin(&q);
    size_t len = strlen(path);
    char *tmp = malloc(len + 5);
    int rc = tmp ? NB_OK
                 : nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: out of memory", path);
    if (tmp) {
        memcpy(tmp, path, len);
        memcpy(tmp + len, ".tmp", 5);
    }
    /* rank 0 checks and clears the temporary name exactly as the serial writer does */
    if (!rc && nb_comm_root()) {
        rc = check_writable(path, p, meta, compression, err);
        if (!rc && unlink(tmp) != 0 && errno != ENOENT)
            rc = nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: cannot remove the "
                         "stale %s: %s", path, tmp, strerror(errno));
        int fd = rc ? -1 : open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0)
            close(fd);
        if (!rc && (fd < 0 || unlink(tmp) != 0))
            rc = nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: cannot create %s: %s",
                         path, tmp, strerror(errno));
    }
    if ((rc = nb_comm_agree(rc, err))) {
        free(tmp);
        nb_snapshot_quiet_end(&q);
        return rc;
    }
    nb_snapshot_writer w;
    memset(&w, 0, sizeof w);
    w.collective = 1;
    w.r0 = r0;
    w.r1 = r1;
    w.dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (w.dxpl < 0 || H5Pset_dxpl_mpio(w.dxpl, H5FD_MPIO_COLLECTIVE) < 0)
        nb_snapshot_wfail(&w, "transfer properties", NULL);
    if (write_file(&w, tmp, p, meta, compression) || w.failed)
        rc = nb_fail(err, NB_ERR_RUNTIME, "cannot write snapshot %s: %s: %s", path, w.what,
                     w.detail);
    if (w.dxpl >= 0)
        H5Pclose(w.dxpl);
    nb_snapshot_quiet_end(&q);
    /* the failing rank's message; then rank 0 makes the complete file durable and renames */
    rc = nb_comm_agree(rc, err);
    if (!rc && nb_comm_root())
        rc = sync_and_rename(tmp, path, err);
    rc = nb_comm_agree(rc, err);
    if (rc && nb_comm_root())
        unlink(tmp);
    free(tmp);
    return rc;
#endif
}
