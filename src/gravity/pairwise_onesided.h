/* The one-sided exact pair sum over a range of targets (distributed runs, docs/mpi.md). */
#ifndef NB_PAIRWISE_ONESIDED_H
#define NB_PAIRWISE_ONESIDED_H

#include <stddef.h>

#include "core/particles.h"

/* p->ax[i].. = G sum_{j != i} m_j (x_j - x_i) / (r_ij^2 + eps2)^{3/2} and, when pot is not
 * NULL, pot[i] = -G sum_{j != i} m_j / sqrt(r_ij^2 + eps2), for i0 <= i < i1 only, on
 * `threads` OpenMP threads (1: the calling thread). Zero-distance pairs are skipped. The
 * bits of a target depend only on the particle data, never on the range or thread count. */
void nb_pair_accel_range(nb_particles *p, size_t i0, size_t i1, double G, double eps2,
                         double *pot, int threads);

#endif
