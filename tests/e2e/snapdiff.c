/* Test helper: exits 0 when two snapshots hold bit-identical particles and integrator
 * state (with --particles: particles only), 1 (saying where) when they differ, 2 when one
 * cannot be read. What it compares is the snapshot tables (io/snapshot_fields.c): every
 * dataset of every type's group, the particles' types, and every /Integrator attribute but
 * those naming the run (run_id); --particles, the types and the datasets initial
 * conditions read, each file read as initial conditions (so either may be any GADGET-style
 * file). */
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
        /* --particles: as initial conditions read them, so that either may be any
         * GADGET-style file (a user's initial conditions, gas included) */
        memset(&m[k], 0, sizeof m[k]);
        nb_snapshot_ic_info info;
        if (particles_only ? nb_snapshot_read_ic(argv[1 + k], 1, &p[k], &info, &err)
                           : nb_snapshot_read(argv[1 + k], &p[k], &m[k], &err)) {
            fprintf(stderr, "snapdiff: %s\n", err.msg);
            return 2;
        }
    }
    if (p[0].n != p[1].n) {
        fprintf(stderr, "snapdiff: N differs: %zu vs %zu\n", p[0].n, p[1].n);
        return 1;
    }
    int ok = 1;
    for (size_t k = 0; k < nb_snapshot_n_fields; k++) {
        const nb_snapshot_field *f = &nb_snapshot_fields[k];
        if (particles_only && f->ic == NB_SNAP_IGNORED)
            continue;
        for (int c = 0; c < f->cols; c++) {
            char what[128];
            snprintf(what, sizeof what, "%s column %d", f->name, c);
            ok &= same(what, nb_snapshot_field_column(&p[0], f, c),
                       nb_snapshot_field_column(&p[1], f, c),
                       p[0].n * nb_snapshot_type_size(f->type));
        }
    }
    /* the type is the group a particle is in (PartTypeT), not a dataset */
    ok &= same("the particle types (PartTypeT groups)", p[0].type, p[1].type, p[0].n);
    for (size_t k = 0; k < nb_snapshot_n_attrs && !particles_only; k++) {
        const nb_snapshot_attr *a = &nb_snapshot_attrs[k];
        /* a run and its reference run of the same input differ there by design (a
         * restart keeps its own: e2e_history checks that) */
        if (a->identity)
            continue;
        char what[128], va[128], vb[128];
        /* strings as text (what follows the terminator is not data), numbers as bits */
        snprintf(what, sizeof what, "/Integrator %s (%s vs %s)", a->name,
                 nb_snapshot_attr_format(&m[0], a, va, sizeof va),
                 nb_snapshot_attr_format(&m[1], a, vb, sizeof vb));
        if (a->type == NB_SNAP_STRING)
            ok &= same(what, va, vb, strlen(va) + 1);
        else
            ok &= same(what, nb_snapshot_attr_value(&m[0], a), nb_snapshot_attr_value(&m[1], a),
                       a->size);
    }
    for (int k = 0; k < 2; k++) {
        nb_snapshot_meta_free(&m[k]);
        nb_particles_free(&p[k]);
    }
    return ok ? 0 : 1;
}
