/* The tree's float cell and particle loops in AVX-512F, sixteen lanes, chosen at run time
 * (tree_eval.c) on CPUs that have it; compiled for that target whatever the build's
 * -march, and to nothing off x86. They are tree_simd_body.h, as the AVX2 ones, with
 * vrsqrt14ps (2^-14) and one Newton step, and two targets per pass over the cell list.
 * Measured on the Xeon (Sapphire Rapids) this was tuned on, where the float cell loop was
 * 40% of an evaluation at 1e6; two targets per pass saved about 5% of an evaluation at 1e6
 * (2.16 against 2.30 s, three runs each: near the shared machine's noise). The double loops
 * (theta < 0.1, and the particles until a group accepts a node) stay AVX2. */
#include "gravity/tree_eval.h"

#if NB_HAVE_X86
#include <immintrin.h>

#define AVX512_FN __attribute__((target("avx512f,avx2,fma")))
#define AVX512_INLINE static inline __attribute__((target("avx512f,avx2,fma"), always_inline))

/* v's sixteen float lanes added into eight double lanes. */
AVX512_INLINE __m512d widen_add16(__m512d acc, __m512 v)
{
    __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
    __m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    return _mm512_add_pd(acc, _mm512_add_pd(lo, hi));
}

/* The eight lanes' sum in a fixed order: the two halves, then as the AVX2 path's four. */
AVX512_INLINE double hsum8(__m512d v)
{
    __m256d s = _mm256_add_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd(v, 1));
    __m128d s2 = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s2, _mm_unpackhi_pd(s2, s2)));
}

/* the primitives tree_simd_body.h asks for */
typedef __m512 vf;
typedef __m512d vacc;
typedef __mmask16 vnear;
#define TS_LANES 16
#define TS_TARGETS 2
#define TS_INLINE AVX512_INLINE
#define TS_FN AVX512_FN
#define TS_CELLS nb_tree_cells_avx512
#define TS_FPARTS nb_tree_fparts_avx512
#define fset1 _mm512_set1_ps
#define fzero _mm512_setzero_ps
#define fload _mm512_loadu_ps
#define fadd _mm512_add_ps
#define fsub _mm512_sub_ps
#define fmul _mm512_mul_ps
#define ffmadd _mm512_fmadd_ps
#define ffnmadd _mm512_fnmadd_ps
#define ffmsub _mm512_fmsub_ps
#define frsqrt_est _mm512_rsqrt14_ps
#define acc_zero _mm512_setzero_pd
#define acc_widen_add widen_add16
#define acc_hsum hsum8
#define near_of(d2, near2) _mm512_cmp_ps_mask((d2), (near2), _CMP_LT_OQ)
#define near_bits(m) ((unsigned)(m))
#define drop_near(m, v) _mm512_maskz_mov_ps((__mmask16)~(m), (v))
#include "gravity/tree_simd_body.h"

#else
/* ISO C wants a translation unit to declare something */
typedef int nb_tree_eval_avx512_unused;
#endif
