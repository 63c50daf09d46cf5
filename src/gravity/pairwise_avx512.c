/* The AVX-512F tile path: 8 pairs per instruction, two targets per pass. Compiled with a
 * per-function target attribute (not -mavx512f) so builds without -march=native keep it;
 * pairwise.c calls it only after a CPU check. */
#include "gravity/pairwise_simd.h"

#if NB_HAVE_X86

#include <immintrin.h>

#define AVX512_FN __attribute__((target("avx512f")))
#define AVX512_INLINE static inline __attribute__((target("avx512f"), always_inline))

/* Lanes in k: *s3 = 1/r2^(3/2) and, when want_ri, *ri = 1/sqrt(r2); other lanes zero. */
AVX512_INLINE void rsqrt512(__m512d r2, __mmask8 k, __m512d *s3, __m512d *ri, int want_ri)
{
    __m512d y = _mm512_rsqrt14_pd(r2);
    __m512d y2 = _mm512_mul_pd(y, y);
    __m512d h = _mm512_fnmadd_pd(r2, y2, _mm512_set1_pd(1.0));
    __m512d y3 = _mm512_mul_pd(y2, y);
    __m512d c = _mm512_fmadd_pd(h, _mm512_set1_pd(R3_C4), _mm512_set1_pd(R3_C3));
    c = _mm512_fmadd_pd(h, c, _mm512_set1_pd(R3_C2));
    c = _mm512_fmadd_pd(h, c, _mm512_set1_pd(R3_C1));
    *s3 = _mm512_maskz_fmadd_pd(k, _mm512_mul_pd(y3, h), c, y3);
    if (want_ri) {
        c = _mm512_fmadd_pd(h, _mm512_set1_pd(RS_C4), _mm512_set1_pd(RS_C3));
        c = _mm512_fmadd_pd(h, c, _mm512_set1_pd(RS_C2));
        c = _mm512_fmadd_pd(h, c, _mm512_set1_pd(RS_C1));
        *ri = _mm512_maskz_fmadd_pd(k, _mm512_mul_pd(y, h), c, y);
    }
}

AVX512_INLINE __mmask8 tail512(size_t left)
{
    return left >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << left) - 1);
}

/* the primitives pairwise_tile_body.h asks for */
typedef __m512d vd;
typedef __mmask8 vmask;
typedef __mmask8 vkeep;
#define VW 8
#define TB_TARGETS 2
#define TB_INLINE AVX512_INLINE
#define TB_FN AVX512_FN
#define TB_TILE nb_pair_tile_avx512
#define TB_POT_TILE nb_pair_pot_tile_avx512
#define TB_ROW nb_pair_row_avx512
#define TB_REACT nb_pair_react_avx512
#define vset1 _mm512_set1_pd
#define vzero _mm512_setzero_pd
#define vsub _mm512_sub_pd
#define vmul _mm512_mul_pd
#define vfmadd _mm512_fmadd_pd
#define vfnmadd _mm512_fnmadd_pd
#define vhsum _mm512_reduce_add_pd
#define vmload(ptr, k) _mm512_maskz_loadu_pd((k), (ptr))
#define vmstore(ptr, k, v) _mm512_mask_storeu_pd((ptr), (k), (v))
#define vload _mm512_loadu_pd
#define vstore _mm512_storeu_pd
#define vtail tail512
#define vkeep_of(k, r2) _mm512_mask_cmp_pd_mask((k), (r2), _mm512_setzero_pd(), _CMP_GT_OQ)
#define vrsqrt rsqrt512
#include "gravity/pairwise_tile_body.h"

#else
/* ISO C wants a translation unit to declare something */
typedef int nb_pairwise_avx512_unused;
#endif
