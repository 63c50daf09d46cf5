/* Private to the pairwise tile code: what pairwise.c (schedule, dispatch, portable path)
 * shares with the per-instruction-set files pairwise_avx512.c and pairwise_avx2.c. */
#ifndef NB_PAIRWISE_SIMD_H
#define NB_PAIRWISE_SIMD_H

#include <stddef.h>

#include "core/particles.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define NB_HAVE_X86 1
#else
#define NB_HAVE_X86 0
#endif

/* Given an estimate y of 1/sqrt(r2) with relative error d, h = 1 - r2 y^2 ~ -2d and
 *   1/sqrt(r2)   = y   (1-h)^(-1/2) = y   (1 + h/2 + 3h^2/8 + 5h^3/16 + 35h^4/128 + ...)
 *   1/r2^(3/2)   = y^3 (1-h)^(-3/2) = y^3 (1 + 3h/2 + 15h^2/8 + 35h^3/16 + ...)
 * Truncated after h^4 (AVX-512's 14-bit estimate) or h^5 (AVX2's 12-bit one), the series
 * error is far below double round-off, so the results stay within a few ulp of sqrt and
 * divide, at a fraction of their cost. The force needs only the second series. */
#define RS_C1 0.5
#define RS_C2 0.375
#define RS_C3 0.3125
#define RS_C4 0.2734375
#define R3_C1 1.5
#define R3_C2 1.875
#define R3_C3 2.1875
#define R3_C4 2.4609375
#define R3_C5 2.70703125

#if NB_HAVE_X86
/* The force tile on rows [i0, i1) and sources [j0, j1) (a diagonal tile when i0 == j0):
 * adds each pair once into both sides' sums, pot too when not NULL. Callers check
 * nb_simd_available first. */
void nb_pair_tile_avx512(nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                         double eps2, double *pot);
void nb_pair_tile_avx2(nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                       double eps2, double *pot);
/* The potential-only tile: adds -m_j / sqrt(r_ij^2 + eps2) into phi[i] and -m_i / ..
 * into phi[j] for each pair of the tile once (no G, no accelerations). */
void nb_pair_pot_tile_avx512(const nb_particles *p, size_t i0, size_t i1, size_t j0,
                             size_t j1, double eps2, double *phi);
void nb_pair_pot_tile_avx2(const nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                           double eps2, double *phi);
/* One target alone (pairwise_tile_body.h): the sums q's own pass over sources [js, j1)
 * adds, out[0..3] (out[3] = 0 without want_pot); and what the passes of targets
 * [r0, r1), in order, add into source q's sums acc[0..3]. */
void nb_pair_row_avx512(const nb_particles *p, size_t q, size_t js, size_t j1, double eps2,
                        double out[4], int want_pot);
void nb_pair_react_avx512(const nb_particles *p, size_t q, size_t r0, size_t r1, double eps2,
                          double acc[4], int want_pot);
void nb_pair_row_avx2(const nb_particles *p, size_t q, size_t js, size_t j1, double eps2,
                      double out[4], int want_pot);
void nb_pair_react_avx2(const nb_particles *p, size_t q, size_t r0, size_t r1, double eps2,
                        double acc[4], int want_pot);
#endif

#endif
