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
/* Inserts (c, ic, pc) at its rank in the sorted list held in d0, d1 (d2 of entries 0-7,
 * 8-15), ix, ps: the entries from the rank on move up one lane (the last falls off). */
#define AVX512_INLINE static inline __attribute__((target("avx512f"), always_inline))
/* Inserts (c, ic, pc) at its rank in the sorted list held in d0, d1 (d2 of entries 0-7,
 * 8-15), ix, ps when the rank is below k: the entries from the rank on move up one lane
 * (the last falls off). Returns whether it went in. */
#define AVX512_INLINE static inline __attribute__((target("avx512f"), always_inline))
AVX512_INLINE int insert16(__m512d *d0, __m512d *d1, __m512i *ix, __m512i *ps, double c,
                           uint32_t ic, uint32_t pc, int k)
{
    const __m512d vc = _mm512_set1_pd(c);
    const __m512i vic = _mm512_set1_epi32((int)ic);
    unsigned lt = _mm512_cmp_pd_mask(*d0, vc, _CMP_LT_OQ) |
                  (unsigned)_mm512_cmp_pd_mask(*d1, vc, _CMP_LT_OQ) << 8;
    unsigned eq = _mm512_cmp_pd_mask(*d0, vc, _CMP_EQ_OQ) |
                  (unsigned)_mm512_cmp_pd_mask(*d1, vc, _CMP_EQ_OQ) << 8;
    eq &= _mm512_cmplt_epu32_mask(*ix, vic);
    int r = __builtin_popcount(lt) + __builtin_popcount(eq);
    if (r >= k)
        return 0;
    unsigned at = 1u << r, up = (0xffffu << r) & ~at & 0xffffu;
    const __m512i down1 = _mm512_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
    const __m512i lo1 = _mm512_setr_epi64(0, 0, 1, 2, 3, 4, 5, 6);
    const __m512i hi1 = _mm512_setr_epi64(7, 8, 9, 10, 11, 12, 13, 14);
    __m512d s0 = _mm512_permutexvar_pd(lo1, *d0);
    __m512d s1 = _mm512_permutex2var_pd(*d0, hi1, *d1);
    *d0 = _mm512_mask_mov_pd(_mm512_mask_mov_pd(*d0, (__mmask8)up, s0), (__mmask8)at, vc);
    *d1 = _mm512_mask_mov_pd(_mm512_mask_mov_pd(*d1, (__mmask8)(up >> 8), s1),
                             (__mmask8)(at >> 8), vc);
    *ix = _mm512_mask_mov_epi32(_mm512_mask_mov_epi32(*ix, (__mmask16)up,
                                                      _mm512_permutexvar_epi32(down1, *ix)),
                                (__mmask16)at, vic);
    *ps = _mm512_mask_mov_epi32(_mm512_mask_mov_epi32(*ps, (__mmask16)up,
                                                      _mm512_permutexvar_epi32(down1, *ps)),
                                (__mmask16)at, _mm512_set1_epi32((int)pc));
    return 1;
}

__attribute__((target("avx512f"))) void
nb_kdtree_scan16_avx512(const double *x, const double *y, const double *z,
                        const uint32_t *index, size_t p0, size_t p1, double qx, double qy,
                        double qz, size_t self, size_t k, nb_kdtree_list16 *l)
{
    const __m512d vx = _mm512_set1_pd(qx), vy = _mm512_set1_pd(qy), vz = _mm512_set1_pd(qz);
    __m512d d0 = _mm512_loadu_pd(l->d2), d1 = _mm512_loadu_pd(l->d2 + 8);
    __m512i ix = _mm512_loadu_si512(l->index), ps = _mm512_loadu_si512(l->pos);
    double wd = l->d2[k - 1];   /* the k-th key: what a candidate must beat */
    size_t n = l->n;
    for (size_t b = p0; b < p1; b += 8) {
        __m512d dx = _mm512_sub_pd(_mm512_loadu_pd(x + b), vx);
        __m512d dy = _mm512_sub_pd(_mm512_loadu_pd(y + b), vy);
        __m512d dz = _mm512_sub_pd(_mm512_loadu_pd(z + b), vz);
        __m512d d2 = _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy)),
                                   _mm512_mul_pd(dz, dz));
        unsigned m = _mm512_cmp_pd_mask(d2, _mm512_set1_pd(wd), _CMP_LE_OQ);
        if (p1 - b < 8)
            m &= (1u << (p1 - b)) - 1u;
        if (self - b < 8)
            m &= ~(1u << (self - b));
        if (!m)
            continue;
        double dv[8];
        _mm512_storeu_pd(dv, d2);
        /* the rank test inside insert16 is the exact key test: the mask above used the
         * bound as it was before this chunk's insertions */
        int in = 0;
        while (m) {
            int j = __builtin_ctz(m);
            m &= m - 1;
            int a = insert16(&d0, &d1, &ix, &ps, dv[j], index[b + j], (uint32_t)(b + j),
                             (int)k);
            in |= a;
            n += a && n < k;
        }
        if (in) {
            double tmp[16];
            _mm512_storeu_pd(tmp, d0);
            _mm512_storeu_pd(tmp + 8, d1);
            wd = tmp[k - 1];
        }
    }
    _mm512_storeu_pd(l->d2, d0);
    _mm512_storeu_pd(l->d2 + 8, d1);
    _mm512_storeu_si512(l->index, ix);
    _mm512_storeu_si512(l->pos, ps);
    l->n = n;
}
#else
typedef int nb_kdtree_scan_avx512_unused;
#endif
