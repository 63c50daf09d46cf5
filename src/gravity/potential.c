/* The exact potential energy on the force kernels' tile schedule: potential-only tiles
 * (each pair once, both sides' sums) run as OpenMP tasks with block dependencies
 * (nb_pair_pot_range), so each particle's sum phi_i has one fixed order; then a
 * fixed-order tree sum of m_i phi_i. A distributed run shares the tiles out by blocks. Blocked like the force tiles, so the pair rate holds up at large N. */
#include "gravity/potential.h"

#include <math.h>
#include <stdlib.h>

#include "core/comm.h"
#include "core/threads.h"

/* sum m_i phi_i over [i0, i1): runs of 64 in index order, halves added pairwise, a fixed
 * order for a given n whose round-off grows with log N rather than N. */
static double weighted_sum(const double *m, const double *phi, size_t i0, size_t i1)
{
    if (i1 - i0 <= 64) {
        double s = 0.0;
        for (size_t i = i0; i < i1; i++)
            s += m[i] * phi[i];
        return s;
    }
    size_t mid = i0 + (i1 - i0) / 2;
    return weighted_sum(m, phi, i0, mid) + weighted_sum(m, phi, mid, i1);
}

/* Without room for the N sums (hardly possible: the particles take 10 N doubles), the
 * pairs one by one: still exact and thread-independent, slower, other last bits. */
static double pot_unblocked(const nb_particles *p, double eps2)
{
    double w = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        double row = 0.0;
        for (size_t j = i + 1; j < p->n; j++) {
            double dx = p->x[j] - p->x[i], dy = p->y[j] - p->y[i], dz = p->z[j] - p->z[i];
            double r2 = dx * dx + dy * dy + dz * dz + eps2;
            if (r2 > 0.0)
                row -= p->m[j] / sqrt(r2);
        }
        w += p->m[i] * row;
    }
    return w;
}

double nb_potential_energy_path(nb_simd s, const nb_particles *p, double G, double eps,
                                int threads)
{
    size_t n = p->n;
    double eps2 = eps * eps;
    if (n < 2)
        return 0.0;
    if (s == NB_SIMD_AUTO)
        s = nb_simd_best();
    double *phi = nb_alloc_doubles(n);
    if (!phi)
        return G * pot_unblocked(p, eps2);
    nb_pair_pot_range(s, p, 0, n, eps2, phi, nb_threads(threads));
    /* each pair sits in both sides' sums: W = G/2 sum_i m_i phi_i */
    double w = weighted_sum(p->m, phi, 0, n);
    free(phi);
    return 0.5 * G * w;
}

double nb_potential_energy(const nb_particles *p, double G, double eps, int threads)
{
    return nb_potential_energy_path(NB_SIMD_AUTO, p, G, eps, threads);
}

int nb_potential_energy_ranks(const nb_particles *p, double G, double eps, int threads,
                              double *W, nb_error *err)
{
    size_t n = p->n, i0, i1;
    if (!nb_comm_active() || nb_comm_size() == 1 || n < 2) {
        *W = nb_potential_energy(p, G, eps, threads);
        return NB_OK;
    }
    double *phi = nb_alloc_doubles(n);
    int rc = phi ? NB_OK
                 : nb_fail(err, NB_ERR_RUNTIME, "out of memory for %zu potential sums", n);
    /* agreed before the exchange, so no rank waits in it for one that cannot join */
    if ((rc = nb_comm_agree(rc, err))) {
        free(phi);
        return rc;
    }
    nb_comm_block(n, &i0, &i1);
    nb_pair_pot_range(NB_SIMD_AUTO, p, i0, i1, eps * eps, phi, nb_threads(threads));
    rc = nb_comm_agree(nb_comm_allgather(phi, n, i0, i1, err), err);
    if (rc == NB_OK)
        *W = 0.5 * G * weighted_sum(p->m, phi, 0, n);
    free(phi);
    return rc;
}
