/* The leapfrog: half kick, full drift, force evaluation, half kick. */
#include "physics/integrator.h"

void nb_integrator_kick(nb_particles *p, double h)
{
    size_t n = p->n;
    double *restrict vx = p->vx, *restrict vy = p->vy, *restrict vz = p->vz;
    const double *restrict ax = p->ax, *restrict ay = p->ay, *restrict az = p->az;
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
        vx[i] += h * ax[i];
        vy[i] += h * ay[i];
        vz[i] += h * az[i];
    }
}

void nb_integrator_drift(nb_particles *p, double h)
{
    size_t n = p->n;
    double *restrict x = p->x, *restrict y = p->y, *restrict z = p->z;
    const double *restrict vx = p->vx, *restrict vy = p->vy, *restrict vz = p->vz;
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
        x[i] += h * vx[i];
        y[i] += h * vy[i];
        z[i] += h * vz[i];
    }
}

int nb_integrator_step(nb_particles *p, nb_force *f, double dt, double *pot, nb_error *err)
{
    nb_integrator_kick(p, 0.5 * dt);
    nb_integrator_drift(p, dt);
    int rc = nb_force_compute(f, p, pot, err);
    if (rc)
        return rc;
    nb_integrator_kick(p, 0.5 * dt);
    return NB_OK;
}
