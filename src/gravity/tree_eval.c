/* The tree kernel's inner loops, the hot spot of every tree evaluation: a group's targets
 * against its cell and particle lists, as omp simd loops compiled twice (default target and
 * AVX2+FMA, whatever the build's -march), and the float ones also in AVX2 and AVX-512F
 * intrinsics (tree_eval_avx512.c), chosen at run time. */
#include "gravity/tree_eval.h"

#include <math.h>
#include <stdint.h>

/* ---- the loops: double sqrt and divide for particles, vectorised by the compiler ---- */

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

/* The double cells (small theta): R = target - centre, the expansion as in tree.c. */
static inline __attribute__((always_inline)) void dcells_body(nb_tree_lists *l, nb_tree_group *g,
                                                            double eps2)
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

static void dcells_generic(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    dcells_body(l, g, eps2);
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

/* The double loops differ from the generic ones only in the instruction set the compiler
 * may use (the 1/sqrt of pairwise.c's AVX2 tiles, a float estimate and a series, lost to
 * vsqrtpd + vdivpd on an AMD EPYC; they now serve only theta < 0.1 and groups that accept
 * no node). The float loops, cells and particles, use intrinsics: eight lanes, vrsqrtps and
 * one Newton step (relative error about 1e-7, the same bits on every run of one CPU), which
 * beats vsqrtps + vdivps. On the Xeon this was last tuned on, the double particle loop had
 * been 41% of an evaluation at 1e6 and its float replacement is 11%. */
#if NB_HAVE_X86
#include <immintrin.h>

/* v's eight float lanes added into four double lanes. */
__attribute__((target("avx2,fma"))) static inline __m256d widen_add(__m256d acc, __m256 v)
{
    __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
    __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
    return _mm256_add_pd(acc, _mm256_add_pd(lo, hi));
}

/* The body of cells_avx2 for want_pot 0 or 1 (a constant: the potential's four operations
 * in about forty are left out of force-only evaluations). */
__attribute__((target("avx2,fma"), always_inline)) static inline void
cells_avx2_body(nb_tree_lists *l, nb_tree_group *g, const int want_pot)
{
    const size_t nc = l->nc; /* a multiple of 8: padded by nb_tree_eval_cells */
    const float *cx = l->cx, *cy = l->cy, *cz = l->cz, *cm = l->cm, *ctr = l->ctr;
    const float *qxx = l->qxx, *qyy = l->qyy, *qzz = l->qzz;
    const float *qxy = l->qxy, *qxz = l->qxz, *qyz = l->qyz;
    const __m256 e2 = _mm256_set1_ps(g->feps2), half = _mm256_set1_ps(0.5f);
    const __m256 three_half = _mm256_set1_ps(1.5f), five_half = _mm256_set1_ps(2.5f);
    for (size_t r = 0; r < g->cnt; r++) {
        const __m256 xi = _mm256_set1_ps(g->fx[r]), yi = _mm256_set1_ps(g->fy[r]);
        const __m256 zi = _mm256_set1_ps(g->fz[r]);
        __m256d sx = _mm256_setzero_pd(), sy = sx, sz = sx, sp = sx;
        for (size_t k0 = 0; k0 < nc; k0 += CELL_RUN) {
            size_t k1 = nc - k0 < CELL_RUN ? nc : k0 + CELL_RUN;
            __m256 ax = _mm256_setzero_ps(), ay = ax, az = ax, ph = ax;
            for (size_t k = k0; k < k1; k += 8) {
                __m256 dx = _mm256_sub_ps(xi, _mm256_loadu_ps(cx + k));
                __m256 dy = _mm256_sub_ps(yi, _mm256_loadu_ps(cy + k));
                __m256 dz = _mm256_sub_ps(zi, _mm256_loadu_ps(cz + k));
                __m256 r2 = _mm256_fmadd_ps(dx, dx, _mm256_fmadd_ps(dy, dy,
                                                                    _mm256_fmadd_ps(dz, dz, e2)));
                __m256 y = _mm256_rsqrt_ps(r2);
                /* one Newton step: y (3/2 - r2 y^2 / 2) */
                __m256 g1 = _mm256_mul_ps(
                    y, _mm256_fnmadd_ps(_mm256_mul_ps(half, r2), _mm256_mul_ps(y, y), three_half));
                __m256 g2 = _mm256_mul_ps(g1, g1);
                __m256 nx = _mm256_mul_ps(dx, g1), ny = _mm256_mul_ps(dy, g1);
                __m256 nz = _mm256_mul_ps(dz, g1);
                __m256 mxy = _mm256_loadu_ps(qxy + k), mxz = _mm256_loadu_ps(qxz + k);
                __m256 myz = _mm256_loadu_ps(qyz + k);
                __m256 qx = _mm256_fmadd_ps(_mm256_loadu_ps(qxx + k), nx,
                                            _mm256_fmadd_ps(mxy, ny, _mm256_mul_ps(mxz, nz)));
                __m256 qy = _mm256_fmadd_ps(mxy, nx, _mm256_fmadd_ps(_mm256_loadu_ps(qyy + k), ny,
                                                                     _mm256_mul_ps(myz, nz)));
                __m256 qz = _mm256_fmadd_ps(mxz, nx, _mm256_fmadd_ps(myz, ny,
                                                                     _mm256_mul_ps(_mm256_loadu_ps(qzz + k), nz)));
                __m256 u = _mm256_fmadd_ps(nx, qx, _mm256_fmadd_ps(ny, qy, _mm256_fmsub_ps(
                                                                          nz, qz, _mm256_mul_ps(_mm256_loadu_ps(ctr + k), g2))));
                __m256 g4 = _mm256_mul_ps(g2, g2), m = _mm256_loadu_ps(cm + k);
                __m256 w = _mm256_fmadd_ps(m, g2, _mm256_mul_ps(_mm256_mul_ps(five_half, g4), u));
                ax = _mm256_fnmadd_ps(w, nx, _mm256_fmadd_ps(g4, qx, ax));
                ay = _mm256_fnmadd_ps(w, ny, _mm256_fmadd_ps(g4, qy, ay));
                az = _mm256_fnmadd_ps(w, nz, _mm256_fmadd_ps(g4, qz, az));
                if (want_pot) {
                    __m256 g3h = _mm256_mul_ps(_mm256_mul_ps(half, g1), g2);
                    ph = _mm256_fnmadd_ps(g3h, u, _mm256_fnmadd_ps(m, g1, ph));
                }
            }
            sx = widen_add(sx, ax);
            sy = widen_add(sy, ay);
            sz = widen_add(sz, az);
            sp = widen_add(sp, ph);
        }
        group_add_scaled(g, r, hsum4(sx), hsum4(sy), hsum4(sz), hsum4(sp));
    }
}

/* fparts_generic in AVX2 intrinsics: vrsqrtps and one Newton step, as the cells; near
 * pairs (rare: a nearest neighbour at 1/64 of the group's size) are noted and redone in
 * double after the target's float sum. */
__attribute__((target("avx2,fma"))) static void cells_avx2(nb_tree_lists *l, nb_tree_group *g)
{
    if (g->want_pot)
        cells_avx2_body(l, g, 1);
    else
        cells_avx2_body(l, g, 0);
}

__attribute__((target("avx2,fma"), always_inline)) static inline void
fparts_avx2_body(nb_tree_lists *l, nb_tree_group *g, double eps2, const int want_pot)
{
    const size_t n = l->np; /* a multiple of 8: padded by nb_tree_eval_parts */
    const float *px = l->fpx, *py = l->fpy, *pz = l->fpz, *pm = l->fpm;
    const __m256 e2 = _mm256_set1_ps(g->feps2), half = _mm256_set1_ps(0.5f);
    const __m256 three_half = _mm256_set1_ps(1.5f), near2 = _mm256_set1_ps(g->fnear2);
    uint32_t near[NB_TREE_LIST_CAP + NB_TREE_CELL_LANES];
    for (size_t r = 0; r < g->cnt; r++) {
        const __m256 xi = _mm256_set1_ps(g->fx[r]), yi = _mm256_set1_ps(g->fy[r]);
        const __m256 zi = _mm256_set1_ps(g->fz[r]);
        __m256d sx = _mm256_setzero_pd(), sy = sx, sz = sx, sp = sx;
        size_t nnear = 0;
        for (size_t k0 = 0; k0 < n; k0 += CELL_RUN) {
            size_t k1 = n - k0 < CELL_RUN ? n : k0 + CELL_RUN;
            __m256 ax = _mm256_setzero_ps(), ay = ax, az = ax, ph = ax;
            for (size_t k = k0; k < k1; k += 8) {
                __m256 dx = _mm256_sub_ps(_mm256_loadu_ps(px + k), xi);
                __m256 dy = _mm256_sub_ps(_mm256_loadu_ps(py + k), yi);
                __m256 dz = _mm256_sub_ps(_mm256_loadu_ps(pz + k), zi);
                __m256 d2 = _mm256_fmadd_ps(dx, dx, _mm256_fmadd_ps(dy, dy, _mm256_mul_ps(dz, dz)));
                __m256 isnear = _mm256_cmp_ps(d2, near2, _CMP_LT_OQ);
                int mask = _mm256_movemask_ps(isnear);
                if (__builtin_expect(mask != 0, 0))
                    for (int j = 0; j < 8; j++)
                        if (mask >> j & 1)
                            near[nnear++] = (uint32_t)(k + (size_t)j);
                __m256 r2 = _mm256_add_ps(d2, e2);
                __m256 y = _mm256_rsqrt_ps(r2);
                __m256 g1 = _mm256_mul_ps(
                    y, _mm256_fnmadd_ps(_mm256_mul_ps(half, r2), _mm256_mul_ps(y, y), three_half));
                g1 = _mm256_andnot_ps(isnear, g1); /* also clears r2 = 0's inf and NaN */
                __m256 mg1 = _mm256_mul_ps(_mm256_loadu_ps(pm + k), g1);
                __m256 w = _mm256_mul_ps(mg1, _mm256_mul_ps(g1, g1));
                ax = _mm256_fmadd_ps(w, dx, ax);
                ay = _mm256_fmadd_ps(w, dy, ay);
                az = _mm256_fmadd_ps(w, dz, az);
                if (want_pot)
                    ph = _mm256_sub_ps(ph, mg1);
            }
            sx = widen_add(sx, ax);
            sy = widen_add(sy, ay);
            sz = widen_add(sz, az);
            sp = widen_add(sp, ph);
        }
        group_add_scaled(g, r, hsum4(sx), hsum4(sy), hsum4(sz), hsum4(sp));
        for (size_t j = 0; j < nnear; j++)
            pair_double(l, g, r, near[j], eps2);
    }
}

__attribute__((target("avx2,fma"))) static void fparts_avx2(nb_tree_lists *l, nb_tree_group *g,
                                                            double eps2)
{
    if (g->want_pot)
        fparts_avx2_body(l, g, eps2, 1);
    else
        fparts_avx2_body(l, g, eps2, 0);
}

__attribute__((target("avx2,fma"))) static void dcells_avx2(nb_tree_lists *l, nb_tree_group *g,
                                                            double eps2)
{
    dcells_body(l, g, eps2);
}

__attribute__((target("avx2,fma"))) static void parts_avx2(nb_tree_lists *l, nb_tree_group *g,
                                                           double eps2)
{
    parts_body(l, g, eps2);
}
#endif

/* AVX-512 CPUs run the AVX2 loops but for the float ones (above). */
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
            dcells_avx2(l, g, eps2);
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
        cells_avx2(l, g);
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
                fparts_avx2(l, g, eps2);
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
        parts_avx2(l, g, eps2);
        l->np = 0;
        return;
    }
#endif
    parts_generic(l, g, eps2);
    l->np = 0;
}
