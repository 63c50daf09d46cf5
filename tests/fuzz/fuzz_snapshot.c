/* libFuzzer harness for the snapshot readers (src/snapshot_read.c): the input bytes are
 * written to a scratch file and read with nb_snapshot_read and nb_snapshot_read_particles.
 * Whatever the bytes, each must return NB_OK with finite particles and positive masses, or
 * NB_ERR_INPUT (NB_ERR_RUNTIME: out of memory) with one line starting with the file name.
 *
 * Files in the old HDF5 format (superblock 0 or 1, h5py's default) are skipped: their
 * metadata has no checksums and HDF5 1.10 decodes it unchecked, so damaged ones crash it
 * in its own code (H5HG_read, attribute-name decoding), which no check in nbody can
 * prevent; nb_snapshot_read refuses them, and only initial conditions may use them. The
 * format nbody writes, superblock 2 with checksummed metadata, goes through both readers. */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/snapshot.h"

static char path[4096];

static void cleanup(void)
{
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/fuzz_snapshot.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("fuzz_snapshot: mkstemp");
        exit(1);
    }
    close(fd);
    atexit(cleanup);
    return 0;
}

static void bad(const char *what, const char *msg)
{
    fprintf(stderr, "fuzz_snapshot: %s: %s\n", what, msg);
    abort();
}

static void check(int rc, const nb_error *err, const nb_particles *p)
{
    if (rc == NB_OK) {
        if (p->n < 1)
            bad("read back no particles", "");
        for (size_t i = 0; i < p->n; i++)
            if (!isfinite(p->x[i]) || !isfinite(p->y[i]) || !isfinite(p->z[i]) ||
                !isfinite(p->vx[i]) || !isfinite(p->vy[i]) || !isfinite(p->vz[i]) ||
                !(p->m[i] > 0) || !isfinite(p->m[i]))
                bad("accepted a non-finite particle or a mass <= 0", "");
        return;
    }
    if (rc != NB_ERR_INPUT && rc != NB_ERR_RUNTIME)
        bad("unexpected status", err->msg);
    if (err->code != rc || strncmp(err->msg, path, strlen(path)) != 0 || strchr(err->msg, '\n'))
        bad("the error is not one line starting with the file name", err->msg);
}

/* The version of the first superblock HDF5 would find (at 0, 512, 1024, ...), -1 if none. */
static int superblock_version(const uint8_t *d, size_t n)
{
    for (size_t at = 0; at + 9 <= n; at = at ? 2 * at : 512)
        if (!memcmp(d + at, "\211HDF\r\n\032\n", 8))
            return d[at + 8];
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int version = superblock_version(data, size);
    if (version == 0 || version == 1)
        return 0;
    int fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) != 0)
        bad("cannot write the scratch file", path);
    nb_particles p;
    nb_snapshot_meta m;
    nb_error err;
    nb_error_clear(&err);
    int rc = nb_snapshot_read(path, &p, &m, &err);
    check(rc, &err, &p);
    if (rc == NB_OK) {
        if (!(m.dt > 0) || !isfinite(m.time) || m.step < 0 || !m.kernel[0])
            bad("accepted bad integrator state", "");
        nb_snapshot_meta_free(&m);
        nb_particles_free(&p);
    }
    nb_error_clear(&err);
    rc = nb_snapshot_read_particles(path, &p, &err);
    check(rc, &err, &p);
    if (rc == NB_OK)
        nb_particles_free(&p);
    return 0;
}
