/* Test helper: exits 0 when two snapshots hold bit-identical particles and integrator
 * state (with --particles: particles only), 1 (saying where) when they differ, 2 when one
 * cannot be read. */
#include <stdio.h>
#include <string.h>

#include "io/snapshot.h"

static int same(const char *what, const void *a, const void *b, size_t bytes)
{
    if (memcmp(a, b, bytes) == 0)
        return 1;
    fprintf(stderr, "snapdiff: %s differs\n", what);
    return 0;
}

int main(int argc, char **argv)
{
    int particles_only = argc == 4 && !strcmp(argv[1], "--particles");
    if (argc != 3 && !particles_only) {
        fprintf(stderr, "usage: snapdiff [--particles] A.h5 B.h5\n");
        return 2;
    }
    argv += particles_only;
    nb_particles p[2];
    nb_snapshot_meta m[2];
    for (int k = 0; k < 2; k++) {
        nb_error err;
        nb_error_clear(&err);
        if (nb_snapshot_read(argv[1 + k], &p[k], &m[k], &err)) {
            fprintf(stderr, "snapdiff: %s\n", err.msg);
            return 2;
        }
    }
    if (p[0].n != p[1].n) {
        fprintf(stderr, "snapdiff: N differs: %zu vs %zu\n", p[0].n, p[1].n);
        return 1;
    }
    size_t b = p[0].n * sizeof(double);
    int ok = same("x", p[0].x, p[1].x, b) & same("y", p[0].y, p[1].y, b) &
             same("z", p[0].z, p[1].z, b) & same("vx", p[0].vx, p[1].vx, b) &
             same("vy", p[0].vy, p[1].vy, b) & same("vz", p[0].vz, p[1].vz, b) &
             same("m", p[0].m, p[1].m, b) &
             same("id", p[0].id, p[1].id, p[0].n * sizeof(uint64_t));
    if (!particles_only)
        ok &= same("step", &m[0].step, &m[1].step, sizeof(long)) &
             same("time", &m[0].time, &m[1].time, sizeof(double)) &
             same("E0", &m[0].e0, &m[1].e0, sizeof(double));
    for (int k = 0; k < 2; k++) {
        nb_snapshot_meta_free(&m[k]);
        nb_particles_free(&p[k]);
    }
    return ok ? 0 : 1;
}
