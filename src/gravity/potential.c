/* The exact potential energy on the force kernels' tile schedule: potential-only tiles
 * (each pair once, both sides' sums) run as OpenMP tasks with block dependencies, as in
 * parallel.c, so each particle's sum phi_i has one fixed order; then a fixed-order tree
 * sum of m_i phi_i. Blocked like the force tiles, so the pair rate holds up at large N. */
#include "gravity/potential.h"

#include <math.h>
#include <stdlib.h>

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
    nb_pair_plan pl = nb_pair_plan_make(n);
    size_t rounds = nb_pair_rounds(&pl);
    /* at most nb/2 tiles run at once: more threads would only wait (same bits anyway) */
    int nt = nb_threads(threads);
    if ((size_t)nt > pl.nb / 2)
        nt = (int)(pl.nb / 2);
    if (nt <= 1) {
        for (size_t r = 0; r < rounds; r++)
            for (size_t t = 0; t < nb_pair_round_tiles(&pl, r); t++)
                nb_pair_pot_tile(s, &pl, r, t, p, eps2, phi);
    } else {
#pragma omp parallel num_threads(nt)
#pragma omp single
        for (size_t r = 0; r < rounds; r++) {
            for (size_t t = 0; t < nb_pair_round_tiles(&pl, r); t++) {
                size_t bi, bj;
                nb_pair_tile_blocks(&pl, r, t, &bi, &bj);
                size_t i0 = nb_pair_block_start(&pl, bi), j0 = nb_pair_block_start(&pl, bj);
                (void)i0; /* read only by the depend clause: unused without OpenMP */
                (void)j0;
                /* a block's first sum stands for the whole block */
#pragma omp task default(shared) firstprivate(r, t) depend(inout : phi[i0], phi[j0])
                nb_pair_pot_tile(s, &pl, r, t, p, eps2, phi);
            }
        }
    }
    /* each pair sits in both sides' sums: W = G/2 sum_i m_i phi_i */
    double w = weighted_sum(p->m, phi, 0, n);
    free(phi);
    return 0.5 * G * w;
}

double nb_potential_energy(const nb_particles *p, double G, double eps, int threads)
{
    return nb_potential_energy_path(NB_SIMD_AUTO, p, G, eps, threads);
}
