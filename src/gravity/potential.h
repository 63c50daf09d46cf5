/* The exact softened potential energy of the whole system, which the diagnostics log
 * whatever force kernel drives the run. */
#ifndef NB_POTENTIAL_H
#define NB_POTENTIAL_H

#include "core/error.h"
#include "core/particles.h"
#include "gravity/pairwise.h"

/* What the exact sum is, for energy.csv's "# potential:" line: its only error on W is
 * rounding (check_potential: within 1e-13 of a long-double sum, ~1e-15 in practice). */
#define NB_POTENTIAL_EXACT_DESC "exact softened pairwise sum (relative error of W ~1e-15: rounding only)"

/* -G sum_{i<j} m_i m_j / sqrt(r_ij^2 + eps^2), zero-distance pairs skipped when eps = 0,
 * on `threads` OpenMP threads (0: the OpenMP default). The same bits for any thread count;
 * bits may differ between SIMD paths (as the force kernels' do). */
double nb_potential_energy(const nb_particles *p, double G, double eps, int threads);

/* The same on SIMD path s (AUTO: the best this CPU runs), for tests and benchmarks; a path
 * this CPU cannot run (nb_simd_available) must not be asked for. */
double nb_potential_energy_path(nb_simd s, const nb_particles *p, double G, double eps,
                                int threads);

/* The same in a distributed run (core/comm.h): each rank sums the tiles of its block of
 * particles, the per-particle sums are exchanged, and every rank adds them in the serial
 * order: *W has nb_potential_energy's bits for any rank count. Collective: every rank
 * calls it. Not distributed: nb_potential_energy. Returns NB_OK or NB_ERR_RUNTIME (out of
 * memory on any rank, a failed exchange), agreed by all ranks. */
int nb_potential_energy_ranks(const nb_particles *p, double G, double eps, int threads,
                              double *W, nb_error *err);

#endif
