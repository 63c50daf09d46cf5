/* The pairwise sums every exact kernel shares: one target particle against all sources.
 * direct, parallel and the exact potential call these, so they agree to the bit. */
#ifndef NB_PAIRWISE_H
#define NB_PAIRWISE_H

#include <math.h>
#include <stddef.h>

/* Acceleration on a target at (xi,yi,zi) from sources [j0, j1), without G.
 * eps2 > 0: softened; the target's own entry contributes exactly zero since dx = 0.
 * eps2 == 0: pairs at zero distance (the target itself, coincident points) are skipped. */
static inline void nb_pair_accel_row(double xi, double yi, double zi,
                                     const double *restrict x, const double *restrict y,
                                     const double *restrict z, const double *restrict m,
                                     size_t j0, size_t j1, double eps2,
                                     double *sax, double *say, double *saz)
{
    double ax = 0.0, ay = 0.0, az = 0.0;
#pragma omp simd reduction(+ : ax, ay, az)
    for (size_t j = j0; j < j1; j++) {
        double dx = x[j] - xi, dy = y[j] - yi, dz = z[j] - zi;
        double r2 = dx * dx + dy * dy + dz * dz + eps2;
        double rinv = r2 > 0.0 ? 1.0 / sqrt(r2) : 0.0;
        double w = m[j] * rinv * rinv * rinv;
        ax += w * dx;
        ay += w * dy;
        az += w * dz;
    }
    *sax = ax;
    *say = ay;
    *saz = az;
}

/* sum_j -m_j / sqrt(r^2 + eps2) over sources [j0, j1), without G; zero-distance pairs
 * are skipped when eps2 == 0. The caller excludes the target itself. */
static inline double nb_pair_pot_row(double xi, double yi, double zi,
                                     const double *restrict x, const double *restrict y,
                                     const double *restrict z, const double *restrict m,
                                     size_t j0, size_t j1, double eps2)
{
    double phi = 0.0;
#pragma omp simd reduction(+ : phi)
    for (size_t j = j0; j < j1; j++) {
        double dx = x[j] - xi, dy = y[j] - yi, dz = z[j] - zi;
        double r2 = dx * dx + dy * dy + dz * dz + eps2;
        phi -= r2 > 0.0 ? m[j] / sqrt(r2) : 0.0;
    }
    return phi;
}

/* Acceleration (and, when pot != NULL, potential) of target i from all other particles. */
static inline void nb_pair_target(size_t i, size_t n, const double *restrict x,
                                  const double *restrict y, const double *restrict z,
                                  const double *restrict m, double G, double eps2,
                                  double *restrict ax, double *restrict ay,
                                  double *restrict az, double *restrict pot)
{
    double sx, sy, sz;
    nb_pair_accel_row(x[i], y[i], z[i], x, y, z, m, 0, n, eps2, &sx, &sy, &sz);
    ax[i] = G * sx;
    ay[i] = G * sy;
    az[i] = G * sz;
    if (pot) {
        double phi = nb_pair_pot_row(x[i], y[i], z[i], x, y, z, m, 0, i, eps2)
                   + nb_pair_pot_row(x[i], y[i], z[i], x, y, z, m, i + 1, n, eps2);
        pot[i] = G * phi;
    }
}

#endif
