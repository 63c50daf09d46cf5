/* Describes a snapshot: size, its /Integrator attributes and datasets (from the snapshot
 * tables, io/snapshot_fields.c), energies, and its parameters. */
#include "app/info.h"

#include <stdint.h>

#include "physics/diagnostics.h"
#include "io/snapshot.h"

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
    for (size_t k = 0; k < nb_snapshot_n_fields; k++) {
        const nb_snapshot_field *f = &nb_snapshot_fields[k];
        char name[96], shape[48];
        snprintf(name, sizeof name, "/%s/%s", f->group, f->name);
        if (f->cols > 1)
            snprintf(shape, sizeof shape, "(%zu, %d)", p.n, f->cols);
        else
            snprintf(shape, sizeof shape, "(%zu,)", p.n);
        fprintf(out, "  %-25s %-8s %-13s %s", name, nb_snapshot_type_name(f->type), shape,
                f->unit);
        if (f->type == NB_SNAP_I32 && p.n) { /* TimeBin: the range of bins in use */
            const int32_t *v = nb_snapshot_field_column(&p, f, 0);
            int32_t lo = v[0], hi = v[0];
            for (size_t i = 1; i < p.n; i++) {
                lo = v[i] < lo ? v[i] : lo;
                hi = v[i] > hi ? v[i] : hi;
            }
            fprintf(out, "  min %d max %d", (int)lo, (int)hi);
        }
        fputc('\n', out);
    }
    fprintf(out, "parameters:\n%s", m.parameters ? m.parameters : "(none)\n");
    nb_snapshot_meta_free(&m);
    nb_particles_free(&p);
    return NB_OK;
}
