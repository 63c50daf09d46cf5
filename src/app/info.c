/* Describes a snapshot: size, time, integrator state, energies, and its parameters. */
#include "app/info.h"

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
    fprintf(out,
            "file:             %s\n"
            "n:                %zu\n"
            "total_mass:       %.17g\n"
            "time:             %.17g\n"
            "step:             %ld\n"
            "output_index:     %ld\n"
            "dt:               %.17g\n"
            "kernel:           %s\n"
            "softening:        %.17g\n"
            "G:                %.17g\n"
            "written_by:       nbody %s\n"
            "kinetic:          %.17g\n"
            "potential:        %.17g\n"
            "total:            %.17g\n"
            "E0:               %.17g\n"
            "rel_energy_error: %.6e\n"
            "virial_ratio:     %.6f\n"
            "momentum:         %.6e %.6e %.6e\n"
            "angular_momentum: %.6e %.6e %.6e\n"
            "parameters:\n%s",
            path, p.n, mass, m.time, m.step, m.output_index, m.dt, m.kernel, m.softening, m.G,
            m.version, d.kinetic, d.potential, d.total, m.e0,
            nb_diagnostics_rel_error(d.total, m.e0), d.virial_ratio, d.px, d.py, d.pz, d.lx,
            d.ly, d.lz, m.parameters ? m.parameters : "(none)\n");
    nb_snapshot_meta_free(&m);
    nb_particles_free(&p);
    return NB_OK;
}
