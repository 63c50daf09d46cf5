/* The exact pairwise sum for distributed runs: each target's force summed alone over all
 * n sources in index order, so a target's bits never depend on which rank (or thread)
 * computes it. Twice the pair evaluations of the symmetric tiles (pairwise.c), which a
 * split of the targets among ranks cannot reproduce; docs/mpi.md measures the difference. */
#include "gravity/pairwise_onesided.h"

#include <math.h>

#include "core/threads.h"

/* One target: the sources run 0 .. n-1 whatever i is, so the vector lanes and the order of
 * their final reduction are the same for every target and every range. The target itself
 * is masked out (with eps2 > 0 its pair would add 0 to the force but -m/eps to pot). */
static void target(const nb_particles *p, size_t i, double G, double eps2, double *pot)
{
    const double *restrict x = p->x, *restrict y = p->y, *restrict z = p->z,
                 *restrict m = p->m;
    size_t n = p->n;
    double xi = x[i], yi = y[i], zi = z[i];
    double ax = 0.0, ay = 0.0, az = 0.0, phi = 0.0;
#pragma omp simd reduction(+ : ax, ay, az, phi)
    for (size_t j = 0; j < n; j++) {
        double dx = x[j] - xi, dy = y[j] - yi, dz = z[j] - zi;
        double r2 = dx * dx + dy * dy + dz * dz + eps2;
        double ri = (r2 > 0.0 && j != i) ? 1.0 / sqrt(r2) : 0.0;
        double w = m[j] * (ri * ri * ri);
        ax += w * dx;
        ay += w * dy;
        az += w * dz;
        phi -= m[j] * ri;
    }
    p->ax[i] = G * ax;
    p->ay[i] = G * ay;
    p->az[i] = G * az;
    if (pot)
        pot[i] = G * phi;
}

void nb_pair_accel_range(nb_particles *p, size_t i0, size_t i1, double G, double eps2,
                         double *pot, int threads)
{
    /* targets are independent: any schedule gives the same bits */
#pragma omp parallel for schedule(static) num_threads(nb_threads(threads))
    for (size_t i = i0; i < i1; i++)
        target(p, i, G, eps2, pot);
}
