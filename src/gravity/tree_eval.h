/* Private to the tree's inner loops (tree_eval.c, tree_eval_avx512.c): what both the
 * AVX2 and the AVX-512 loops use. */
#ifndef NB_TREE_EVAL_H
#define NB_TREE_EVAL_H

#include <math.h>
#include <stddef.h>

#include "gravity/tree.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define NB_HAVE_X86 1
#else
#define NB_HAVE_X86 0
#endif

/* Cells are summed in float over runs of this many (per lane: CELL_RUN / 8 terms), then
 * the run's sum is added in double, so rounding does not grow with the list's length. */
#define CELL_RUN 128

/* One particle-list pair in double, as parts_body: the near pairs of the float loops. */
static inline void pair_double(const nb_tree_lists *l, nb_tree_group *g, size_t r, size_t k,
                         double eps2)
{
    double dx = l->px[k] - g->x[r], dy = l->py[k] - g->y[r], dz = l->pz[k] - g->z[r];
    double r2 = dx * dx + dy * dy + dz * dz + eps2;
    if (!(r2 > 0.0) || k == l->self0 + r)
        return; /* coincident points (eps = 0), or the target itself */
    double g1 = 1.0 / sqrt(r2), mg1 = l->pm[k] * g1, w = mg1 * g1 * g1;
    g->sx[r] += w * dx;
    g->sy[r] += w * dy;
    g->sz[r] += w * dz;
    g->sp[r] -= mg1;
}

/* A target's float sums, added in double, into its group sums: scaled back to the
 * system's units (nb_tree_group's ascale, pscale). */
static inline void group_add_scaled(nb_tree_group *g, size_t r, double sx, double sy,
                                    double sz, double sp)
{
    g->sx[r] += g->ascale * sx;
    g->sy[r] += g->ascale * sy;
    g->sz[r] += g->ascale * sz;
    g->sp[r] += g->pscale * sp;
}

#if NB_HAVE_X86
#include <immintrin.h>

/* The four lanes' sum in a fixed order. */
__attribute__((target("avx2,fma"))) static inline double hsum4(__m256d v)
{
    __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
    __m128d s = _mm_add_pd(lo, hi);
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

/* The float cell and particle loops in AVX-512F (tree_eval_avx512.c): sixteen lanes. */
void nb_tree_cells_avx512(nb_tree_lists *l, nb_tree_group *g);
void nb_tree_fparts_avx512(nb_tree_lists *l, nb_tree_group *g, double eps2);
#endif

#endif
