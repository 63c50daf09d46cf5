/* Private to the tree's inner loops: what the portable loops (tree_eval.c) and the
 * per-instruction-set files (tree_eval_avx2.c, tree_eval_avx512.c) share. */
#ifndef NB_TREE_EVAL_H
#define NB_TREE_EVAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "gravity/tree.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define NB_HAVE_X86 1
#else
#define NB_HAVE_X86 0
#endif

/* Cells are summed in float over runs of this many (per lane: CELL_RUN / 8 terms), then
 * the run's sum is added in double, so rounding does not grow with the list's length. */
#define CELL_RUN 128

/* One particle-list pair in double, as parts_body: the near pairs of the float loops.
 * Without the group's points in the list (self0 = SIZE_MAX: a list flushed before the walk
 * appends them) no entry is the target: self0 + r would wrap to entry r - 1. */
static inline void pair_double(const nb_tree_lists *l, nb_tree_group *g, size_t r, size_t k,
                               double eps2)
{
    double dx = l->px[k] - g->x[r], dy = l->py[k] - g->y[r], dz = l->pz[k] - g->z[r];
    double r2 = dx * dx + dy * dy + dz * dz + eps2;
    if (!(r2 > 0.0) || (l->self0 != SIZE_MAX && k == l->self0 + r))
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

/* The double cells (small theta), R = target - centre, the expansion as in tree.c; and the
 * double particles. One body each, vectorised by the compiler: compiled for the build's
 * target in tree_eval.c and for AVX2+FMA in tree_eval_avx2.c. */
static inline __attribute__((always_inline)) void
nb_tree_dcells_body(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    const size_t nc = l->nc;
    const double *restrict cx = l->dcx, *restrict cy = l->dcy, *restrict cz = l->dcz;
    const double *restrict cm = l->dcm, *restrict ctr = l->dctr;
    const double *restrict qxx = l->dqxx, *restrict qyy = l->dqyy, *restrict qzz = l->dqzz;
    const double *restrict qxy = l->dqxy, *restrict qxz = l->dqxz, *restrict qyz = l->dqyz;
    for (size_t r = 0; r < g->cnt; r++) {
        const double xi = g->x[r], yi = g->y[r], zi = g->z[r];
        double ax = 0.0, ay = 0.0, az = 0.0, ph = 0.0;
#pragma omp simd reduction(+ : ax, ay, az, ph)
        for (size_t k = 0; k < nc; k++) {
            /* R = target - centre; the expansion is in tree.c's header comment */
            double dx = xi - cx[k], dy = yi - cy[k], dz = zi - cz[k];
            double r2 = dx * dx + dy * dy + dz * dz + eps2;
            double g1 = 1.0 / sqrt(r2), g2 = g1 * g1;
            double g3 = g1 * g2, g5 = g3 * g2, g7 = g5 * g2;
            double qx = qxx[k] * dx + qxy[k] * dy + qxz[k] * dz;
            double qy = qxy[k] * dx + qyy[k] * dy + qyz[k] * dz;
            double qz = qxz[k] * dx + qyz[k] * dy + qzz[k] * dz;
            double rqr = dx * qx + dy * qy + dz * qz;
            double et = eps2 * ctr[k];
            double w = cm[k] * g3 + 2.5 * g7 * (rqr - et);
            ax += g5 * qx - w * dx;
            ay += g5 * qy - w * dy;
            az += g5 * qz - w * dz;
            ph += 0.5 * g5 * (et - rqr) - cm[k] * g1;
        }
        g->sx[r] += ax;
        g->sy[r] += ay;
        g->sz[r] += az;
        g->sp[r] += ph;
    }
}

static inline __attribute__((always_inline)) void
nb_tree_parts_body(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    const size_t np = l->np;
    const double *restrict px = l->px, *restrict py = l->py, *restrict pz = l->pz;
    const double *restrict pm = l->pm;
    for (size_t r = 0; r < g->cnt; r++) {
        const double xi = g->x[r], yi = g->y[r], zi = g->z[r];
        double ax = 0.0, ay = 0.0, az = 0.0, ph = 0.0;
#pragma omp simd reduction(+ : ax, ay, az, ph)
        for (size_t k = 0; k < np; k++) {
            double dx = px[k] - xi, dy = py[k] - yi, dz = pz[k] - zi;
            double r2 = dx * dx + dy * dy + dz * dz + eps2;
            double g1 = r2 > 0.0 ? 1.0 / sqrt(r2) : 0.0;
            double mg1 = pm[k] * g1, w = mg1 * g1 * g1;
            ax += w * dx;
            ay += w * dy;
            az += w * dz;
            ph -= mg1;
        }
        g->sx[r] += ax;
        g->sy[r] += ay;
        g->sz[r] += az;
        g->sp[r] += ph;
    }
}

#if NB_HAVE_X86
/* The loops compiled for AVX2+FMA (tree_eval_avx2.c), whatever the build's -march: the
 * float cells and particles from tree_simd_body.h, eight lanes; the double ones above. */
void nb_tree_cells_avx2(nb_tree_lists *l, nb_tree_group *g);
void nb_tree_fparts_avx2(nb_tree_lists *l, nb_tree_group *g, double eps2);
void nb_tree_dcells_avx2(nb_tree_lists *l, nb_tree_group *g, double eps2);
void nb_tree_parts_avx2(nb_tree_lists *l, nb_tree_group *g, double eps2);
/* The float loops from tree_simd_body.h in AVX-512F (tree_eval_avx512.c): sixteen lanes. */
void nb_tree_cells_avx512(nb_tree_lists *l, nb_tree_group *g);
void nb_tree_fparts_avx512(nb_tree_lists *l, nb_tree_group *g, double eps2);
#endif

#endif
