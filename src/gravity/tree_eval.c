/* The tree kernel's inner loops, the hot spot of every tree evaluation: a group's targets
 * against its cell and particle lists, as omp simd loops compiled twice (default target and
 * AVX2+FMA, whatever the build's -march) and chosen at run time. */
#include "gravity/tree.h"

#include <math.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define NB_HAVE_X86 1
#else
#define NB_HAVE_X86 0
#endif

/* ---- the loops: sqrt and divide, vectorised by the compiler ---- */

/* Inlined into a default-target and an AVX2+FMA copy below. */
static inline __attribute__((always_inline)) void cells_body(nb_tree_lists *l, nb_tree_group *g,
                                                            double eps2)
{
    const size_t nc = l->nc;
    const double *restrict cx = l->cx, *restrict cy = l->cy, *restrict cz = l->cz;
    const double *restrict cm = l->cm, *restrict ctr = l->ctr;
    const double *restrict qxx = l->qxx, *restrict qyy = l->qyy, *restrict qzz = l->qzz;
    const double *restrict qxy = l->qxy, *restrict qxz = l->qxz, *restrict qyz = l->qyz;
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

static inline __attribute__((always_inline)) void parts_body(nb_tree_lists *l, nb_tree_group *g,
                                                            double eps2)
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

static void cells_generic(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    cells_body(l, g, eps2);
}

static void parts_generic(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    parts_body(l, g, eps2);
}

void nb_tree_eval_self(nb_tree_group *g, double eps2)
{
    const size_t cnt = g->cnt;
    const double *restrict x = g->x, *restrict y = g->y, *restrict z = g->z;
    const double *restrict m = g->m;
    for (size_t r = 0; r < cnt; r++) {
        const double xi = x[r], yi = y[r], zi = z[r];
        double ax = 0.0, ay = 0.0, az = 0.0, ph = 0.0;
#pragma omp simd reduction(+ : ax, ay, az, ph)
        for (size_t k = 0; k < cnt; k++) {
            double dx = x[k] - xi, dy = y[k] - yi, dz = z[k] - zi;
            double r2 = dx * dx + dy * dy + dz * dz + eps2;
            double g1 = (r2 > 0.0 && k != r) ? 1.0 / sqrt(r2) : 0.0;
            double mg1 = m[k] * g1, w = mg1 * g1 * g1;
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

/* ---- the same loops compiled for AVX2+FMA, whatever the build's -march ---- */

/* The 1/sqrt of the AVX2 pair loops in pairwise.c (float estimate and a series) was tried
 * here and lost: on the AMD EPYC this was tuned on, vsqrtpd + vdivpd on four lanes beat
 * its twenty-odd extra instructions by about 20% (bench on 1e5 Plummer points). So the
 * vector paths differ only in the instruction set the compiler may use. */
#if NB_HAVE_X86
__attribute__((target("avx2,fma"))) static void cells_avx2(nb_tree_lists *l, nb_tree_group *g,
                                                           double eps2)
{
    cells_body(l, g, eps2);
}

__attribute__((target("avx2,fma"))) static void parts_avx2(nb_tree_lists *l, nb_tree_group *g,
                                                           double eps2)
{
    parts_body(l, g, eps2);
}
#endif

/* AVX-512 CPUs run the AVX2 loops: the lists are short enough that wider vectors would
 * mostly pad. */
#if NB_HAVE_X86
static int use_avx2(nb_simd s)
{
    return s == NB_SIMD_AVX2 || s == NB_SIMD_AVX512;
}
#else
#define use_avx2(s) ((void)(s), 0)
#endif

void nb_tree_eval_cells(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2)
{
#if NB_HAVE_X86
    if (use_avx2(s)) {
        cells_avx2(l, g, eps2);
        l->nc = 0;
        return;
    }
#endif
    cells_generic(l, g, eps2);
    l->nc = 0;
}

void nb_tree_eval_parts(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2)
{
#if NB_HAVE_X86
    if (use_avx2(s)) {
        parts_avx2(l, g, eps2);
        l->np = 0;
        return;
    }
#endif
    parts_generic(l, g, eps2);
    l->np = 0;
}
