/* The tree's loops compiled for AVX2+FMA, whatever the build's -march, chosen at run time
 * (tree_eval.c) on CPUs that have it; to nothing off x86. The float cells and particles
 * are tree_simd_body.h in eight lanes: vrsqrtps and one Newton step (relative error about
 * 1e-7, the same bits on every run of one CPU), which beats vsqrtps + vdivps. On the Xeon
 * this was last tuned on, the double particle loop had been 41% of an evaluation at 1e6
 * and its float replacement is 11%. The double loops are tree_eval.h's bodies, which
 * differ from the portable ones only in the instructions the compiler may use (the 1/sqrt
 * of pairwise.c's AVX2 tiles, a float estimate and a series, lost to vsqrtpd + vdivpd on
 * an AMD EPYC; they serve only theta < 0.1 and groups that accept no node). */
#include "gravity/tree_eval.h"

#if NB_HAVE_X86
#include <immintrin.h>

#define AVX2_FN __attribute__((target("avx2,fma")))
#define AVX2_INLINE static inline __attribute__((target("avx2,fma"), always_inline))

/* v's eight float lanes added into four double lanes. */
AVX2_INLINE __m256d widen_add8(__m256d acc, __m256 v)
{
    __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
    __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
    return _mm256_add_pd(acc, _mm256_add_pd(lo, hi));
}

/* The four lanes' sum in a fixed order. */
AVX2_INLINE double hsum4(__m256d v)
{
    __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
    __m128d s = _mm_add_pd(lo, hi);
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

/* the primitives tree_simd_body.h asks for */
typedef __m256 vf;
typedef __m256d vacc;
typedef __m256 vnear;
#define TS_LANES 8
#define TS_TARGETS 1
#define TS_INLINE AVX2_INLINE
#define TS_FN AVX2_FN
#define TS_CELLS nb_tree_cells_avx2
#define TS_FPARTS nb_tree_fparts_avx2
#define fset1 _mm256_set1_ps
#define fzero _mm256_setzero_ps
#define fload _mm256_loadu_ps
#define fadd _mm256_add_ps
#define fsub _mm256_sub_ps
#define fmul _mm256_mul_ps
#define ffmadd _mm256_fmadd_ps
#define ffnmadd _mm256_fnmadd_ps
#define ffmsub _mm256_fmsub_ps
#define frsqrt_est _mm256_rsqrt_ps
#define acc_zero _mm256_setzero_pd
#define acc_widen_add widen_add8
#define acc_hsum hsum4
#define near_of(d2, near2) _mm256_cmp_ps((d2), (near2), _CMP_LT_OQ)
#define near_bits(m) ((unsigned)_mm256_movemask_ps(m))
#define drop_near(m, v) _mm256_andnot_ps((m), (v))
#include "gravity/tree_simd_body.h"

AVX2_FN void nb_tree_dcells_avx2(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    nb_tree_dcells_body(l, g, eps2);
}

AVX2_FN void nb_tree_parts_avx2(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    nb_tree_parts_body(l, g, eps2);
}

#else
/* ISO C wants a translation unit to declare something */
typedef int nb_tree_eval_avx2_unused;
#endif
