/* The AVX2+FMA tile path: 4 pairs per instruction, one target per pass (a force pass
 * already keeps 16 vectors live, all 16 ymm registers; two targets per pass is not
 * measured here). Compiled with a per-function target attribute so builds without
 * -march=native keep it; pairwise.c calls it only after a CPU check. */
#include "gravity/pairwise_simd.h"

#if NB_HAVE_X86

#include <immintrin.h>
#include <stdint.h>

#define AVX2_FN __attribute__((target("avx2,fma")))
#define AVX2_INLINE static inline __attribute__((target("avx2,fma"), always_inline))

/* As rsqrt512, keep a lane mask instead of k. The float estimate only covers r2 in the
 * float range: a kept lane outside [2^-120, 2^120] takes sqrt and divide instead, lane by
 * lane, so that a lane's value never depends on the other lanes of its vector (the
 * one-sided sum, nb_pair_target, groups pairs in other vectors than the tiles do).
 * Dropped lanes (tails, coincident points) see r2 = 1, and so do the lanes taken by sqrt
 * in the estimate's own arithmetic. */
AVX2_INLINE void rsqrt256(__m256d r2, __m256d keep, __m256d *s3, __m256d *ri, int want_ri)
{
    const __m256d one = _mm256_set1_pd(1.0);
    r2 = _mm256_blendv_pd(one, r2, keep);
    __m256d ok = _mm256_and_pd(_mm256_cmp_pd(r2, _mm256_set1_pd(0x1p-120), _CMP_GE_OQ),
                               _mm256_cmp_pd(r2, _mm256_set1_pd(0x1p120), _CMP_LE_OQ));
    __m256d r2e = _mm256_blendv_pd(one, r2, ok);
    __m256d y = _mm256_cvtps_pd(_mm_rsqrt_ps(_mm256_cvtpd_ps(r2e)));
    __m256d y2 = _mm256_mul_pd(y, y);
    __m256d h = _mm256_fnmadd_pd(r2e, y2, one);
    __m256d y3 = _mm256_mul_pd(y2, y);
    __m256d c = _mm256_fmadd_pd(h, _mm256_set1_pd(R3_C5), _mm256_set1_pd(R3_C4));
    c = _mm256_fmadd_pd(h, c, _mm256_set1_pd(R3_C3));
    c = _mm256_fmadd_pd(h, c, _mm256_set1_pd(R3_C2));
    c = _mm256_fmadd_pd(h, c, _mm256_set1_pd(R3_C1));
    *s3 = _mm256_and_pd(keep, _mm256_fmadd_pd(_mm256_mul_pd(y3, h), c, y3));
    if (want_ri) {
        c = _mm256_fmadd_pd(h, _mm256_set1_pd(RS_C4), _mm256_set1_pd(RS_C3));
        c = _mm256_fmadd_pd(h, c, _mm256_set1_pd(RS_C2));
        c = _mm256_fmadd_pd(h, c, _mm256_set1_pd(RS_C1));
        *ri = _mm256_and_pd(keep, _mm256_fmadd_pd(_mm256_mul_pd(y, h), c, y));
    }
    if (__builtin_expect(_mm256_movemask_pd(ok) != 0xF, 0)) {
        __m256d ys = _mm256_and_pd(keep, _mm256_div_pd(one, _mm256_sqrt_pd(r2)));
        *s3 = _mm256_blendv_pd(_mm256_mul_pd(_mm256_mul_pd(ys, ys), ys), *s3, ok);
        if (want_ri)
            *ri = _mm256_blendv_pd(ys, *ri, ok);
    }
}

/* The first `left` lanes (all four when left >= 4), as a load/store mask. */
static const int64_t lanes_first[5][4] = {
    {0, 0, 0, 0}, {-1, 0, 0, 0}, {-1, -1, 0, 0}, {-1, -1, -1, 0}, {-1, -1, -1, -1}};

AVX2_INLINE __m256i tail256(size_t left)
{
    return _mm256_loadu_si256((const __m256i *)lanes_first[left < 4 ? left : 4]);
}

/* Fixed-order horizontal sum: (l0 + l2) + (l1 + l3). */
AVX2_INLINE double hsum256(__m256d v)
{
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

AVX2_INLINE __m256d keep256(__m256i k, __m256d r2)
{
    return _mm256_and_pd(_mm256_castsi256_pd(k),
                         _mm256_cmp_pd(r2, _mm256_setzero_pd(), _CMP_GT_OQ));
}

/* the primitives pairwise_tile_body.h asks for */
typedef __m256d vd;
typedef __m256i vmask;
typedef __m256d vkeep;
#define VW 4
#define TB_TARGETS 1
#define TB_INLINE AVX2_INLINE
#define TB_FN AVX2_FN
#define TB_TILE nb_pair_tile_avx2
#define TB_POT_TILE nb_pair_pot_tile_avx2
#define TB_ROW nb_pair_row_avx2
#define TB_REACT nb_pair_react_avx2
#define vset1 _mm256_set1_pd
#define vzero _mm256_setzero_pd
#define vsub _mm256_sub_pd
#define vmul _mm256_mul_pd
#define vfmadd _mm256_fmadd_pd
#define vfnmadd _mm256_fnmadd_pd
#define vhsum hsum256
#define vmload(ptr, k) _mm256_maskload_pd((ptr), (k))
#define vmstore(ptr, k, v) _mm256_maskstore_pd((ptr), (k), (v))
#define vload _mm256_loadu_pd
#define vstore _mm256_storeu_pd
#define vtail tail256
#define vkeep_of keep256
#define vrsqrt rsqrt256
#include "gravity/pairwise_tile_body.h"

#else
typedef int nb_pairwise_avx2_unused;
#endif
