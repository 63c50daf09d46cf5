/* The grouped k-nearest search's leaf scan in AVX-512F (chosen at run time by
 * nb_kdtree_scan_for on CPUs that have it, whatever the build's -march): eight points a
 * vector, the ones within the bound packed with a register compress and stored whole (a
 * compress straight to memory is microcoded and slow on AMD Zen 4). Nothing off x86. */
#include "gravity/kdtree.h"
#include "gravity/kdtree_scan.h"

#if NB_KDTREE_SCAN_X86
#include <immintrin.h>

/* the slack covers one whole 8-lane store past the last appended entry */
_Static_assert(NB_KDTREE_SCAN_SLACK >= 8, "room for a full store");

__attribute__((target("avx512f"))) size_t
nb_kdtree_scan_avx512(const double *x, const double *y, const double *z, size_t p0, size_t p1,
                      double qx, double qy, double qz, double w, double *d2o, uint32_t *po)
{
    const __m512d vx = _mm512_set1_pd(qx), vy = _mm512_set1_pd(qy), vz = _mm512_set1_pd(qz);
    const __m512d vw = _mm512_set1_pd(w);
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    size_t n = 0;
    for (size_t b = p0; b < p1; b += 8) {
        __m512d dx = _mm512_sub_pd(_mm512_loadu_pd(x + b), vx);
        __m512d dy = _mm512_sub_pd(_mm512_loadu_pd(y + b), vy);
        __m512d dz = _mm512_sub_pd(_mm512_loadu_pd(z + b), vz);
        /* separate multiplies and adds, in the portable path's order: never fused */
        __m512d d2 = _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy)),
                                   _mm512_mul_pd(dz, dz));
        unsigned m = _mm512_cmp_pd_mask(d2, vw, _CMP_LE_OQ);
        if (p1 - b < 8)
            m &= (1u << (p1 - b)) - 1u;
        _mm512_storeu_pd(d2o + n, _mm512_maskz_compress_pd((__mmask8)m, d2));
        __m512i pos = _mm512_add_epi32(_mm512_set1_epi32((int)b), iota);
        __m512i pk = _mm512_maskz_compress_epi32((__mmask16)m, pos);
        _mm256_storeu_si256((__m256i *)(po + n), _mm512_castsi512_si256(pk));
        n += (size_t)__builtin_popcount(m);
    }
    return n;
}
/* Inserts (c, ic, pc) into the sorted list held in d0, d1 (d2 of entries 0-7, 8-15), ix
 * and ps, branch-free and all in mask registers: the lanes whose key exceeds c's are
 * lanes r .. 15 (the list is sorted, and entries past the k-th are never below it), c
 * goes to lane r and they move up one lane. When c's rank r is k or more only lanes past
 * the k-th change, which nothing reads: no test is needed. */
#define AVX512_INLINE static inline __attribute__((target("avx512f"), always_inline))
AVX512_INLINE void insert16(__m512d *d0, __m512d *d1, __m512i *ix, __m512i *ps, double c,
                            uint32_t ic, uint32_t pc)
{
    const __m512d vc = _mm512_set1_pd(c);
    const __m512i vic = _mm512_set1_epi32((int)ic);
    __mmask16 gt = _mm512_kunpackb(_mm512_cmp_pd_mask(*d1, vc, _CMP_GT_OQ),
                                   _mm512_cmp_pd_mask(*d0, vc, _CMP_GT_OQ));
    __mmask16 eq = _mm512_kunpackb(_mm512_cmp_pd_mask(*d1, vc, _CMP_EQ_OQ),
                                   _mm512_cmp_pd_mask(*d0, vc, _CMP_EQ_OQ));
    gt = _mm512_kor(gt, _mm512_kand(eq, _mm512_cmpgt_epu32_mask(*ix, vic)));
    __mmask16 up = _mm512_kand(_kshiftli_mask16(gt, 1), gt);
    __mmask16 at = _mm512_kandn(up, gt);
    const __m512i down1 = _mm512_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
    const __m512i lo1 = _mm512_setr_epi64(0, 0, 1, 2, 3, 4, 5, 6);
    const __m512i hi1 = _mm512_setr_epi64(7, 8, 9, 10, 11, 12, 13, 14);
    __m512d s0 = _mm512_permutexvar_pd(lo1, *d0);
    __m512d s1 = _mm512_permutex2var_pd(*d0, hi1, *d1);
    __mmask8 up0 = (__mmask8)up, at0 = (__mmask8)at;
    __mmask8 up1 = (__mmask8)_kshiftri_mask16(up, 8);
    __mmask8 at1 = (__mmask8)_kshiftri_mask16(at, 8);
    *d0 = _mm512_mask_mov_pd(_mm512_mask_mov_pd(*d0, up0, s0), at0, vc);
    *d1 = _mm512_mask_mov_pd(_mm512_mask_mov_pd(*d1, up1, s1), at1, vc);
    *ix = _mm512_mask_mov_epi32(_mm512_mask_mov_epi32(*ix, up, _mm512_permutexvar_epi32(down1, *ix)),
                                at, vic);
    *ps = _mm512_mask_mov_epi32(_mm512_mask_mov_epi32(*ps, up, _mm512_permutexvar_epi32(down1, *ps)),
                                at, _mm512_set1_epi32((int)pc));
}

/* Squared distances of points b .. b+7 from (vx, vy, vz), as the portable path has them. */
AVX512_INLINE __m512d dist8(const double *x, const double *y, const double *z, size_t b,
                            __m512d vx, __m512d vy, __m512d vz)
{
    __m512d dx = _mm512_sub_pd(_mm512_loadu_pd(x + b), vx);
    __m512d dy = _mm512_sub_pd(_mm512_loadu_pd(y + b), vy);
    __m512d dz = _mm512_sub_pd(_mm512_loadu_pd(z + b), vz);
    /* separate multiplies and adds, in the portable path's order: never fused */
    return _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy)),
                         _mm512_mul_pd(dz, dz));
}

/* An empty list filled at once from the (at most 16) points p0 .. p1-1 but self: each
 * point's rank is the count of keys below its own (independent compares, where inserting
 * them one by one would be a chain), and the first k ranks are written in place. */
AVX512_INLINE void fill16(const double *x, const double *y, const double *z,
                          const uint32_t *index, size_t p0, size_t p1, __m512d vx,
                          __m512d vy, __m512d vz, size_t self, size_t k, nb_kdtree_list16 *l)
{
    __m512d e0 = dist8(x, y, z, p0, vx, vy, vz), e1 = dist8(x, y, z, p0 + 8, vx, vy, vz);
    __m512i ie = _mm512_loadu_si512(index + p0);
    unsigned valid = (unsigned)((1ull << (p1 - p0)) - 1u);
    if (self - p0 < 16)
        valid &= ~(1u << (self - p0));
    double ed[16];
    uint32_t ei[16];
    _mm512_storeu_pd(ed, e0);
    _mm512_storeu_pd(ed + 8, e1);
    _mm512_storeu_si512(ei, ie);
    for (unsigned m = valid; m; m &= m - 1) {
        int i = __builtin_ctz(m);
        const __m512d vc = _mm512_set1_pd(ed[i]);
        __mmask16 lt = _mm512_kunpackb(_mm512_cmp_pd_mask(e1, vc, _CMP_LT_OQ),
                                       _mm512_cmp_pd_mask(e0, vc, _CMP_LT_OQ));
        __mmask16 eq = _mm512_kunpackb(_mm512_cmp_pd_mask(e1, vc, _CMP_EQ_OQ),
                                       _mm512_cmp_pd_mask(e0, vc, _CMP_EQ_OQ));
        eq = _mm512_kand(eq, _mm512_cmplt_epu32_mask(ie, _mm512_set1_epi32((int)ei[i])));
        unsigned r = (unsigned)__builtin_popcount((unsigned)_mm512_kor(lt, eq) & valid);
        if (r < k) {
            l->d2[r] = ed[i];
            l->index[r] = ei[i];
            l->pos[r] = (uint32_t)(p0 + (size_t)i);
        }
    }
}

__attribute__((target("avx512f"))) void
nb_kdtree_scan16_avx512(const double *x, const double *y, const double *z,
                        const uint32_t *index, size_t p0, size_t p1, double qx, double qy,
                        double qz, size_t self, size_t k, nb_kdtree_list16 *l)
{
    const __m512d vx = _mm512_set1_pd(qx), vy = _mm512_set1_pd(qy), vz = _mm512_set1_pd(qz);
    if (l->n == 0 && p1 - p0 <= 16) {
        fill16(x, y, z, index, p0, p1, vx, vy, vz, self, k, l);
        unsigned held = _mm512_cmpneq_epi32_mask(_mm512_loadu_si512(l->index),
                                                 _mm512_set1_epi32(-1));
        l->n = (size_t)__builtin_popcount(held & ((1u << k) - 1u));
        return;
    }
    __m512d d0 = _mm512_loadu_pd(l->d2), d1 = _mm512_loadu_pd(l->d2 + 8);
    __m512i ix = _mm512_loadu_si512(l->index), ps = _mm512_loadu_si512(l->pos);
    double wd = l->d2[k - 1]; /* the k-th distance: a candidate must not exceed it */
    for (size_t b = p0; b < p1; b += 8) {
        __m512d d2 = dist8(x, y, z, b, vx, vy, vz);
        unsigned m = _mm512_cmp_pd_mask(d2, _mm512_set1_pd(wd), _CMP_LE_OQ);
        if (p1 - b < 8)
            m &= (1u << (p1 - b)) - 1u;
        if (self - b < 8)
            m &= ~(1u << (self - b));
        if (!m)
            continue;
        double dv[8];
        _mm512_storeu_pd(dv, d2);
        /* candidates the bound has passed since the compare go past the k-th: harmless */
        while (m) {
            int j = __builtin_ctz(m);
            m &= m - 1;
            insert16(&d0, &d1, &ix, &ps, dv[j], index[b + j], (uint32_t)(b + j));
        }
        double tmp[16];
        _mm512_storeu_pd(tmp, d0);
        _mm512_storeu_pd(tmp + 8, d1);
        wd = tmp[k - 1];
    }
    _mm512_storeu_pd(l->d2, d0);
    _mm512_storeu_pd(l->d2 + 8, d1);
    _mm512_storeu_si512(l->index, ix);
    _mm512_storeu_si512(l->pos, ps);
    /* the entries held: the first k lanes that are filled (index UINT32_MAX marks none) */
    unsigned held = _mm512_cmpneq_epi32_mask(ix, _mm512_set1_epi32(-1)) & ((1u << k) - 1u);
    l->n = (size_t)__builtin_popcount(held);
}
#else
typedef int nb_kdtree_scan_avx512_unused;
#endif
