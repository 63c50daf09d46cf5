/* The tree kernel's inner loops, the hot spot of every tree evaluation: a group's targets
 * against its cell and particle lists, as portable omp simd loops (sqrt and divide), and the
 * choice at run time of the AVX2+FMA (tree_eval_avx2.c) or AVX-512F (tree_eval_avx512.c)
 * ones, whatever the build's -march. */
#include "gravity/tree_eval.h"

#include <math.h>
#include <stdint.h>

/* One cell's softened monopole + quadrupole on one target, in float; the expansion is in
 * tree.c's header comment, rewritten with the unit-ish vector n = R g1 so that no power of
 * g1 above the fourth appears (g7 would overflow float for close cells):
 *   a = g4 Q n - n (M g2 + 5/2 g4 u),  phi = -g3 u / 2 - M g1,  u = n.Q.n - eps^2 tr g2.
 * The lists' ctr holds eps^2 tr (scaled). */
#define CELL_TERM(dx, dy, dz, g1, k)                                                     \
    float g2 = g1 * g1, nx = dx * g1, ny = dy * g1, nz = dz * g1;                        \
    float qx = qxx[k] * nx + qxy[k] * ny + qxz[k] * nz;                                  \
    float qy = qxy[k] * nx + qyy[k] * ny + qyz[k] * nz;                                  \
    float qz = qxz[k] * nx + qyz[k] * ny + qzz[k] * nz;                                  \
    float u = nx * qx + ny * qy + nz * qz - ctr[k] * g2, g4 = g2 * g2;                   \
    float w = cm[k] * g2 + 2.5f * g4 * u;                                                \
    ax += g4 * qx - w * nx;                                                              \
    ay += g4 * qy - w * ny;                                                              \
    az += g4 * qz - w * nz;                                                              \
    ph -= 0.5f * g1 * g2 * u + cm[k] * g1

static void cells_generic(nb_tree_lists *l, nb_tree_group *g)
{
    const size_t nc = l->nc;
    const float *restrict cx = l->cx, *restrict cy = l->cy, *restrict cz = l->cz;
    const float *restrict cm = l->cm, *restrict ctr = l->ctr;
    const float *restrict qxx = l->qxx, *restrict qyy = l->qyy, *restrict qzz = l->qzz;
    const float *restrict qxy = l->qxy, *restrict qxz = l->qxz, *restrict qyz = l->qyz;
    const float e2 = g->feps2;
    for (size_t r = 0; r < g->cnt; r++) {
        const float xi = g->fx[r], yi = g->fy[r], zi = g->fz[r];
        double sx = 0.0, sy = 0.0, sz = 0.0, sp = 0.0;
        for (size_t k0 = 0; k0 < nc; k0 += CELL_RUN) {
            size_t k1 = nc - k0 < CELL_RUN ? nc : k0 + CELL_RUN;
            float ax = 0.0f, ay = 0.0f, az = 0.0f, ph = 0.0f;
#pragma omp simd reduction(+ : ax, ay, az, ph)
            for (size_t k = k0; k < k1; k++) {
                float dx = xi - cx[k], dy = yi - cy[k], dz = zi - cz[k];
                float g1 = 1.0f / sqrtf(dx * dx + dy * dy + dz * dz + e2);
                CELL_TERM(dx, dy, dz, g1, k);
            }
            sx += ax;
            sy += ay;
            sz += az;
            sp += ph;
        }
        group_add_scaled(g, r, sx, sy, sz, sp);
    }
}

/* Particles in float, the cells' frame (theta >= NB_TREE_FLOAT_THETA): point masses,
 * g1 = 1 / sqrt(R^2 + eps^2). Float coordinates relative to the group's centre are good to
 * 2^-25 of the group's size, so pairs closer than nb_tree_group.fnear (1/64 of the group's
 * size) are left out of the float sum and summed again in double from the list's double
 * copy (px ..): every pair's separation is good to about 4e-6, coincident points included.
 * A target meets itself (self0) at distance 0, so always in the double pass, which skips it. */
static void fparts_generic(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    const size_t n = l->np;
    const float *restrict px = l->fpx, *restrict py = l->fpy, *restrict pz = l->fpz;
    const float *restrict pm = l->fpm;
    const float e2 = g->feps2, near2 = g->fnear2;
    unsigned char near[NB_TREE_LIST_CAP];
    for (size_t r = 0; r < g->cnt; r++) {
        const float xi = g->fx[r], yi = g->fy[r], zi = g->fz[r];
        double sx = 0.0, sy = 0.0, sz = 0.0, sp = 0.0;
        int any = 0;
#pragma omp simd reduction(| : any)
        for (size_t k = 0; k < n; k++) {
            float dx = px[k] - xi, dy = py[k] - yi, dz = pz[k] - zi;
            near[k] = dx * dx + dy * dy + dz * dz < near2;
            any |= near[k];
        }
        for (size_t k0 = 0; k0 < n; k0 += CELL_RUN) {
            size_t k1 = n - k0 < CELL_RUN ? n : k0 + CELL_RUN;
            float ax = 0.0f, ay = 0.0f, az = 0.0f, ph = 0.0f;
#pragma omp simd reduction(+ : ax, ay, az, ph)
            for (size_t k = k0; k < k1; k++) {
                float dx = px[k] - xi, dy = py[k] - yi, dz = pz[k] - zi;
                float r2 = dx * dx + dy * dy + dz * dz + e2;
                float g1 = near[k] ? 0.0f : 1.0f / sqrtf(near[k] ? 1.0f : r2);
                float mg1 = pm[k] * g1, w = mg1 * g1 * g1;
                ax += w * dx;
                ay += w * dy;
                az += w * dz;
                ph -= mg1;
            }
            sx += ax;
            sy += ay;
            sz += az;
            sp += ph;
        }
        group_add_scaled(g, r, sx, sy, sz, sp);
        if (any)
            for (size_t k = 0; k < n; k++)
                if (near[k])
                    pair_double(l, g, r, k, eps2);
    }
}

/* The double loops (small theta; particles until a group accepts a node): tree_eval.h's
 * bodies, compiled for the build's target. */
static void dcells_generic(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    nb_tree_dcells_body(l, g, eps2);
}

static void parts_generic(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    nb_tree_parts_body(l, g, eps2);
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

/* AVX-512 CPUs run the AVX2 loops but for the float ones. */
#if NB_HAVE_X86
static int use_avx2(nb_simd s)
{
    return s == NB_SIMD_AVX2 || s == NB_SIMD_AVX512;
}
#else
#define use_avx2(s) ((void)(s), 0)
#endif

void nb_tree_pad_cells(nb_tree_lists *l)
{
    /* massless copies of the last cell: at its distance from every target (nonzero), so
     * they add exact zeros */
    while (!l->dbl && l->nc % NB_TREE_CELL_LANES) {
        size_t k = l->nc++;
        l->cx[k] = l->cx[k - 1];
        l->cy[k] = l->cy[k - 1];
        l->cz[k] = l->cz[k - 1];
        l->cm[k] = l->qxx[k] = l->qyy[k] = l->qzz[k] = 0.0f;
        l->qxy[k] = l->qxz[k] = l->qyz[k] = l->ctr[k] = 0.0f;
    }
}

void nb_tree_sum_cells(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    if (l->dbl) {
#if NB_HAVE_X86
        if (use_avx2(s))
            nb_tree_dcells_avx2(l, g, eps2);
        else
#endif
            dcells_generic(l, g, eps2);
        return;
    }
#if NB_HAVE_X86
    if (s == NB_SIMD_AVX512) {
        nb_tree_cells_avx512(l, g);
        return;
    }
    if (use_avx2(s)) {
        nb_tree_cells_avx2(l, g);
        return;
    }
#endif
    cells_generic(l, g);
}

void nb_tree_eval_cells(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    nb_tree_pad_cells(l);
    nb_tree_sum_cells(s, l, g, eps2);
    l->nc = 0;
}

void nb_tree_eval_parts(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    if (l->pfloat) {
#if NB_HAVE_X86
        if (use_avx2(s)) {
            /* massless copies of the last particle; a near copy is redone in double, where
             * its zero mass adds exact zeros too */
            while (l->np % NB_TREE_CELL_LANES) {
                size_t k = l->np++;
                l->fpx[k] = l->fpx[k - 1];
                l->fpy[k] = l->fpy[k - 1];
                l->fpz[k] = l->fpz[k - 1];
                l->px[k] = l->px[k - 1];
                l->py[k] = l->py[k - 1];
                l->pz[k] = l->pz[k - 1];
                l->fpm[k] = 0.0f;
                l->pm[k] = 0.0;
            }
            if (s == NB_SIMD_AVX512)
                nb_tree_fparts_avx512(l, g, eps2);
            else
                nb_tree_fparts_avx2(l, g, eps2);
            l->np = 0;
            l->self0 = SIZE_MAX;
            return;
        }
#endif
        fparts_generic(l, g, eps2);
        l->np = 0;
        l->self0 = SIZE_MAX;
        return;
    }
#if NB_HAVE_X86
    if (use_avx2(s)) {
        nb_tree_parts_avx2(l, g, eps2);
        l->np = 0;
        return;
    }
#endif
    parts_generic(l, g, eps2);
    l->np = 0;
}
