/* Energies and momenta, summed in index order so the bits never depend on threads. */
#include "physics/diagnostics.h"

#include <math.h>

#include "gravity/potential.h"

void nb_diagnostics_compute(const nb_particles *p, double G, double eps, int threads,
                            nb_diag *d)
{
    nb_diagnostics_with_potential(p, nb_potential_energy(p, G, eps, threads), d);
}

void nb_diagnostics_with_potential(const nb_particles *p, double W, nb_diag *d)
{
    double k = 0, px = 0, py = 0, pz = 0, lx = 0, ly = 0, lz = 0;
    for (size_t i = 0; i < p->n; i++) {
        double m = p->m[i], vx = p->vx[i], vy = p->vy[i], vz = p->vz[i];
        k += m * (vx * vx + vy * vy + vz * vz);
        px += m * vx;
        py += m * vy;
        pz += m * vz;
        lx += m * (p->y[i] * vz - p->z[i] * vy);
        ly += m * (p->z[i] * vx - p->x[i] * vz);
        lz += m * (p->x[i] * vy - p->y[i] * vx);
    }
    d->kinetic = 0.5 * k;
    d->potential = W;
    d->total = d->kinetic + d->potential;
    d->px = px; d->py = py; d->pz = pz;
    d->lx = lx; d->ly = ly; d->lz = lz;
    d->virial_ratio = d->potential != 0.0 ? 2.0 * d->kinetic / fabs(d->potential) : 0.0;
}

double nb_diagnostics_rel_error(double total, double e0)
{
    return e0 != 0.0 ? (total - e0) / fabs(e0) : total - e0;
}
