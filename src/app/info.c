/* Describes a snapshot: size, its /Integrator attributes, energies, each particle type's
 * datasets (from the snapshot tables, io/snapshot_fields.c), counts and masses, and its
 * parameters. */
#include "app/info.h"

#include <stdint.h>

#include "physics/diagnostics.h"
#include "io/snapshot.h"

/* One line per dataset of type t's group (rows [off, off + n) of p). */
static void print_datasets(FILE *out, const nb_particles *p, int t, size_t off, size_t n)
{
    for (size_t k = 0; k < nb_snapshot_n_fields; k++) {
        const nb_snapshot_field *f = &nb_snapshot_fields[k];
        char name[96], shape[48];
        snprintf(name, sizeof name, "/PartType%d/%s", t, f->name);
        if (f->cols > 1)
            snprintf(shape, sizeof shape, "(%zu, %d)", n, f->cols);
        else
            snprintf(shape, sizeof shape, "(%zu,)", n);
        fprintf(out, "  %-25s %-8s %-13s %s", name, nb_snapshot_type_name(f->type), shape,
                f->unit);
        if (f->type == NB_SNAP_I32) { /* TimeBin: the range of bins in use */
            const int32_t *v = (const int32_t *)nb_snapshot_field_column(p, f, 0) + off;
            int32_t lo = v[0], hi = v[0];
            for (size_t i = 1; i < n; i++) {
                lo = v[i] < lo ? v[i] : lo;
                hi = v[i] > hi ? v[i] : hi;
            }
            fprintf(out, "  min %d max %d", (int)lo, (int)hi);
        }
        fputc('\n', out);
    }
}

int nb_info_print(const char *path, FILE *out, nb_error *err)
{
    nb_particles p;
    nb_snapshot_meta m;
    int rc = nb_snapshot_read(path, &p, &m, err);
    if (rc)
        return rc;
    nb_diag d;
    nb_diagnostics_compute(&p, m.G, m.softening, 0, &d);
    double mass = 0;
    for (size_t i = 0; i < p.n; i++)
        mass += p.m[i];
    fprintf(out, "file:             %s\nn:                %zu\ntotal_mass:       %.17g\n", path,
            p.n, mass);
    for (size_t k = 0; k < nb_snapshot_n_attrs; k++) {
        char label[64], value[128];
        snprintf(label, sizeof label, "%s:", nb_snapshot_attrs[k].name);
        fprintf(out, "%-17s %s\n", label, /* a space after the longest label too */
                nb_snapshot_attr_format(&m, &nb_snapshot_attrs[k], value, sizeof value));
    }
    fprintf(out,
            "kinetic:          %.17g\n"
            "potential:        %.17g\n"
            "total:            %.17g\n"
            "rel_energy_error: %.6e\n"
            "virial_ratio:     %.6f\n"
            "momentum:         %.6e %.6e %.6e\n"
            "angular_momentum: %.6e %.6e %.6e\n"
            "datasets:\n",
            d.kinetic, d.potential, d.total, nb_diagnostics_rel_error(d.total, m.e0),
            d.virial_ratio, d.px, d.py, d.pz, d.lx, d.ly, d.lz);
    size_t count[NB_NTYPES], off = 0;
    double mass_table[NB_NTYPES];
    nb_snapshot_type_counts(&p, count); /* the reader keeps them in order */
    nb_snapshot_mass_table(&p, count, mass_table);
    for (int t = 0; t < NB_NTYPES; off += count[t], t++)
        if (count[t])
            print_datasets(out, &p, t, off, count[t]);
    fprintf(out, "types:\n");
    off = 0;
    for (int t = 0; t < NB_NTYPES; off += count[t], t++) {
        if (!count[t])
            continue;
        double lo = p.m[off], hi = p.m[off], sum = 0;
        for (size_t i = off; i < off + count[t]; i++) {
            lo = p.m[i] < lo ? p.m[i] : lo;
            hi = p.m[i] > hi ? p.m[i] : hi;
            sum += p.m[i];
        }
        char group[16];
        fprintf(out, "  %-10s n %-10zu total_mass %-24.17g", nb_snapshot_group(t, group,
                sizeof group), count[t], sum);
        if (mass_table[t] > 0)
            fprintf(out, " mass %.17g (MassTable[%d])\n", mass_table[t], t);
        else
            fprintf(out, " masses %.17g to %.17g\n", lo, hi);
    }
    fprintf(out, "parameters:\n%s", m.parameters ? m.parameters : "(none)\n");
    nb_snapshot_meta_free(&m);
    nb_particles_free(&p);
    return NB_OK;
}
