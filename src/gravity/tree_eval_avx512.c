/* The tree's float cell and particle loops in AVX-512F intrinsics, sixteen lanes, chosen
 * at run time (tree_eval.c) on CPUs that have it; compiled for that target whatever the
 * build's -march, and to nothing off x86. */
#include "gravity/tree_eval.h"

#if NB_HAVE_X86
/* ---- the float loops again in AVX-512F, sixteen lanes ----
 * Measured on the Xeon (Sapphire Rapids) this was tuned on, where the float cell loop was 40%
 * of an evaluation at 1e6. vrsqrt14ps (2^-14) and one Newton step: other bits than the AVX2
 * loops (DESIGN.md: bits may differ between vector units), the same on every run. The
 * double loops (theta < 0.1, and the particles until a group accepts a node) stay AVX2. */
#define AVX512_FN __attribute__((target("avx512f,avx2,fma")))

/* v's sixteen float lanes added into eight double lanes. */
AVX512_FN static inline __m512d widen_add16(__m512d acc, __m512 v)
{
    __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
    __m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    return _mm512_add_pd(acc, _mm512_add_pd(lo, hi));
}

/* The eight lanes' sum in a fixed order. */
AVX512_FN static inline double hsum8(__m512d v)
{
    __m256d s = _mm256_add_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd(v, 1));
    return hsum4(s);
}

AVX512_FN static inline __m512 rsqrt16(__m512 r2)
{
    const __m512 half = _mm512_set1_ps(0.5f), three_half = _mm512_set1_ps(1.5f);
    __m512 y = _mm512_rsqrt14_ps(r2);
    return _mm512_mul_ps(
        y, _mm512_fnmadd_ps(_mm512_mul_ps(half, r2), _mm512_mul_ps(y, y), three_half));
}

/* One cell term for one target, in the AVX-512 loops: adds to ax .. ph. */
#define CELL16(xi, yi, zi, ax, ay, az, ph)                                                 \
    do {                                                                                  \
        __m512 dx = _mm512_sub_ps(xi, vcx), dy = _mm512_sub_ps(yi, vcy);                  \
        __m512 dz = _mm512_sub_ps(zi, vcz);                                               \
        __m512 r2 = _mm512_fmadd_ps(dx, dx, _mm512_fmadd_ps(dy, dy,                       \
                                                            _mm512_fmadd_ps(dz, dz, e2))); \
        __m512 g1 = rsqrt16(r2);                                                          \
        __m512 g2 = _mm512_mul_ps(g1, g1);                                                \
        __m512 nx = _mm512_mul_ps(dx, g1), ny = _mm512_mul_ps(dy, g1);                    \
        __m512 nz = _mm512_mul_ps(dz, g1);                                                \
        __m512 qx = _mm512_fmadd_ps(mxx, nx, _mm512_fmadd_ps(mxy, ny, _mm512_mul_ps(mxz, nz))); \
        __m512 qy = _mm512_fmadd_ps(mxy, nx, _mm512_fmadd_ps(myy, ny, _mm512_mul_ps(myz, nz))); \
        __m512 qz = _mm512_fmadd_ps(mxz, nx, _mm512_fmadd_ps(myz, ny, _mm512_mul_ps(mzz, nz))); \
        __m512 u = _mm512_fmadd_ps(nx, qx, _mm512_fmadd_ps(ny, qy, _mm512_fmsub_ps(        \
                                                                  nz, qz, _mm512_mul_ps(vtr, g2)))); \
        __m512 g4 = _mm512_mul_ps(g2, g2);                                                \
        __m512 w = _mm512_fmadd_ps(vm, g2, _mm512_mul_ps(_mm512_mul_ps(five_half, g4), u)); \
        ax = _mm512_fnmadd_ps(w, nx, _mm512_fmadd_ps(g4, qx, ax));                        \
        ay = _mm512_fnmadd_ps(w, ny, _mm512_fmadd_ps(g4, qy, ay));                        \
        az = _mm512_fnmadd_ps(w, nz, _mm512_fmadd_ps(g4, qz, az));                        \
        if (want_pot) {                                                                   \
            __m512 g3h = _mm512_mul_ps(_mm512_mul_ps(half, g1), g2);                      \
            ph = _mm512_fnmadd_ps(g3h, u, _mm512_fnmadd_ps(vm, g1, ph));                  \
        }                                                                                 \
    } while (0)

/* Two targets per pass over the list (its loads shared, two independent chains), then the
 * odd one alone: each target's arithmetic is the same either way, so are its bits. About 5%
 * of an evaluation at 1e6 (2.16 against 2.30 s, three runs each: near the shared machine's
 * noise). */
__attribute__((target("avx512f,avx2,fma"), always_inline)) static inline void
cells_avx512_body(nb_tree_lists *l, nb_tree_group *g, const int want_pot)
{
    const size_t nc = l->nc; /* a multiple of 16: padded by nb_tree_pad_cells */
    const float *cx = l->cx, *cy = l->cy, *cz = l->cz, *cm = l->cm, *ctr = l->ctr;
    const float *qxx = l->qxx, *qyy = l->qyy, *qzz = l->qzz;
    const float *qxy = l->qxy, *qxz = l->qxz, *qyz = l->qyz;
    const __m512 e2 = _mm512_set1_ps(g->feps2), half = _mm512_set1_ps(0.5f);
    const __m512 five_half = _mm512_set1_ps(2.5f);
    size_t r = 0;
    for (; r + 2 <= g->cnt; r += 2) {
        const __m512 xa = _mm512_set1_ps(g->fx[r]), ya = _mm512_set1_ps(g->fy[r]);
        const __m512 za = _mm512_set1_ps(g->fz[r]);
        const __m512 xb = _mm512_set1_ps(g->fx[r + 1]), yb = _mm512_set1_ps(g->fy[r + 1]);
        const __m512 zb = _mm512_set1_ps(g->fz[r + 1]);
        __m512d sxa = _mm512_setzero_pd(), sya = sxa, sza = sxa, spa = sxa;
        __m512d sxb = sxa, syb = sxa, szb = sxa, spb = sxa;
        for (size_t k0 = 0; k0 < nc; k0 += CELL_RUN) {
            size_t k1 = nc - k0 < CELL_RUN ? nc : k0 + CELL_RUN;
            __m512 axa = _mm512_setzero_ps(), aya = axa, aza = axa, pha = axa;
            __m512 axb = axa, ayb = axa, azb = axa, phb = axa;
            for (size_t k = k0; k < k1; k += 16) {
                const __m512 vcx = _mm512_loadu_ps(cx + k), vcy = _mm512_loadu_ps(cy + k);
                const __m512 vcz = _mm512_loadu_ps(cz + k), vm = _mm512_loadu_ps(cm + k);
                const __m512 vtr = _mm512_loadu_ps(ctr + k);
                const __m512 mxx = _mm512_loadu_ps(qxx + k), myy = _mm512_loadu_ps(qyy + k);
                const __m512 mzz = _mm512_loadu_ps(qzz + k), mxy = _mm512_loadu_ps(qxy + k);
                const __m512 mxz = _mm512_loadu_ps(qxz + k), myz = _mm512_loadu_ps(qyz + k);
                CELL16(xa, ya, za, axa, aya, aza, pha);
                CELL16(xb, yb, zb, axb, ayb, azb, phb);
            }
            sxa = widen_add16(sxa, axa);
            sya = widen_add16(sya, aya);
            sza = widen_add16(sza, aza);
            spa = widen_add16(spa, pha);
            sxb = widen_add16(sxb, axb);
            syb = widen_add16(syb, ayb);
            szb = widen_add16(szb, azb);
            spb = widen_add16(spb, phb);
        }
        group_add_scaled(g, r, hsum8(sxa), hsum8(sya), hsum8(sza), hsum8(spa));
        group_add_scaled(g, r + 1, hsum8(sxb), hsum8(syb), hsum8(szb),
                         hsum8(spb));
    }
    for (; r < g->cnt; r++) {
        const __m512 xi = _mm512_set1_ps(g->fx[r]), yi = _mm512_set1_ps(g->fy[r]);
        const __m512 zi = _mm512_set1_ps(g->fz[r]);
        __m512d sx = _mm512_setzero_pd(), sy = sx, sz = sx, sp = sx;
        for (size_t k0 = 0; k0 < nc; k0 += CELL_RUN) {
            size_t k1 = nc - k0 < CELL_RUN ? nc : k0 + CELL_RUN;
            __m512 ax = _mm512_setzero_ps(), ay = ax, az = ax, ph = ax;
            for (size_t k = k0; k < k1; k += 16) {
                const __m512 vcx = _mm512_loadu_ps(cx + k), vcy = _mm512_loadu_ps(cy + k);
                const __m512 vcz = _mm512_loadu_ps(cz + k), vm = _mm512_loadu_ps(cm + k);
                const __m512 vtr = _mm512_loadu_ps(ctr + k);
                const __m512 mxx = _mm512_loadu_ps(qxx + k), myy = _mm512_loadu_ps(qyy + k);
                const __m512 mzz = _mm512_loadu_ps(qzz + k), mxy = _mm512_loadu_ps(qxy + k);
                const __m512 mxz = _mm512_loadu_ps(qxz + k), myz = _mm512_loadu_ps(qyz + k);
                CELL16(xi, yi, zi, ax, ay, az, ph);
            }
            sx = widen_add16(sx, ax);
            sy = widen_add16(sy, ay);
            sz = widen_add16(sz, az);
            sp = widen_add16(sp, ph);
        }
        group_add_scaled(g, r, hsum8(sx), hsum8(sy), hsum8(sz), hsum8(sp));
    }
}

AVX512_FN void nb_tree_cells_avx512(nb_tree_lists *l, nb_tree_group *g)
{
    if (g->want_pot)
        cells_avx512_body(l, g, 1);
    else
        cells_avx512_body(l, g, 0);
}

__attribute__((target("avx512f,avx2,fma"), always_inline)) static inline void
fparts_avx512_body(nb_tree_lists *l, nb_tree_group *g, double eps2, const int want_pot)
{
    const size_t n = l->np; /* a multiple of 16: padded by nb_tree_eval_parts */
    const float *px = l->fpx, *py = l->fpy, *pz = l->fpz, *pm = l->fpm;
    const __m512 e2 = _mm512_set1_ps(g->feps2), near2 = _mm512_set1_ps(g->fnear2);
    uint32_t near[NB_TREE_LIST_CAP + NB_TREE_CELL_LANES];
    for (size_t r = 0; r < g->cnt; r++) {
        const __m512 xi = _mm512_set1_ps(g->fx[r]), yi = _mm512_set1_ps(g->fy[r]);
        const __m512 zi = _mm512_set1_ps(g->fz[r]);
        __m512d sx = _mm512_setzero_pd(), sy = sx, sz = sx, sp = sx;
        size_t nnear = 0;
        for (size_t k0 = 0; k0 < n; k0 += CELL_RUN) {
            size_t k1 = n - k0 < CELL_RUN ? n : k0 + CELL_RUN;
            __m512 ax = _mm512_setzero_ps(), ay = ax, az = ax, ph = ax;
            for (size_t k = k0; k < k1; k += 16) {
                __m512 dx = _mm512_sub_ps(_mm512_loadu_ps(px + k), xi);
                __m512 dy = _mm512_sub_ps(_mm512_loadu_ps(py + k), yi);
                __m512 dz = _mm512_sub_ps(_mm512_loadu_ps(pz + k), zi);
                __m512 d2 = _mm512_fmadd_ps(dx, dx, _mm512_fmadd_ps(dy, dy, _mm512_mul_ps(dz, dz)));
                __mmask16 isnear = _mm512_cmp_ps_mask(d2, near2, _CMP_LT_OQ);
                if (__builtin_expect(isnear != 0, 0))
                    for (int j = 0; j < 16; j++)
                        if (isnear >> j & 1)
                            near[nnear++] = (uint32_t)(k + (size_t)j);
                /* near lanes (r2 = 0 among them: inf and NaN) zeroed */
                __m512 g1 = _mm512_maskz_mov_ps((__mmask16)~isnear, rsqrt16(_mm512_add_ps(d2, e2)));
                __m512 mg1 = _mm512_mul_ps(_mm512_loadu_ps(pm + k), g1);
                __m512 w = _mm512_mul_ps(mg1, _mm512_mul_ps(g1, g1));
                ax = _mm512_fmadd_ps(w, dx, ax);
                ay = _mm512_fmadd_ps(w, dy, ay);
                az = _mm512_fmadd_ps(w, dz, az);
                if (want_pot)
                    ph = _mm512_sub_ps(ph, mg1);
            }
            sx = widen_add16(sx, ax);
            sy = widen_add16(sy, ay);
            sz = widen_add16(sz, az);
            sp = widen_add16(sp, ph);
        }
        group_add_scaled(g, r, hsum8(sx), hsum8(sy), hsum8(sz), hsum8(sp));
        for (size_t j = 0; j < nnear; j++)
            pair_double(l, g, r, near[j], eps2);
    }
}

AVX512_FN void nb_tree_fparts_avx512(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    if (g->want_pot)
        fparts_avx512_body(l, g, eps2, 1);
    else
        fparts_avx512_body(l, g, eps2, 0);
}
#endif
