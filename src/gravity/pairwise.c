/* The pairwise tile loops behind direct, parallel and the exact potential: a portable omp
 * simd version plus AVX2 and AVX-512 intrinsic versions, each compiled for its own target
 * (so --disable-native builds keep them) and chosen by a CPU check at run time. */
#include "gravity/pairwise.h"

#include <math.h>
#include <stdint.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define NB_HAVE_X86 1
#include <immintrin.h>
#else
#define NB_HAVE_X86 0
#endif

int nb_simd_available(nb_simd s)
{
    switch (s) {
    case NB_SIMD_AUTO:
    case NB_SIMD_GENERIC:
        return 1;
#if NB_HAVE_X86
    case NB_SIMD_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case NB_SIMD_AVX512:
        return __builtin_cpu_supports("avx512f");
#endif
    default:
        return 0;
    }
}

nb_simd nb_simd_best(void)
{
    if (nb_simd_available(NB_SIMD_AVX512))
        return NB_SIMD_AVX512;
    if (nb_simd_available(NB_SIMD_AVX2))
        return NB_SIMD_AVX2;
    return NB_SIMD_GENERIC;
}

const char *nb_simd_name(nb_simd s)
{
    switch (s) {
    case NB_SIMD_AUTO: return "auto";
    case NB_SIMD_GENERIC: return "generic";
    case NB_SIMD_AVX2: return "avx2";
    case NB_SIMD_AVX512: return "avx512";
    }
    return "unknown";
}

/* ---------------------------------------------------------------- the schedule */

/* Blocks of 256 to 4096 particles: big enough that per-row costs (broadcasts, horizontal
 * sums) vanish, small enough that a tile's two blocks stay in L1/L2 and that the 64
 * blocks of n >= 16384 keep up to 32 threads busy on tiles of disjoint blocks. */
nb_pair_plan nb_pair_plan_make(size_t n)
{
    size_t nb = n / 256;
    if (nb > 64)
        nb = 64;
    if (nb && n / nb > 4096)
        nb = n / 4096;
    if (nb < 1)
        nb = 1;
    if (nb > 1 && nb % 2)
        nb++;
    return (nb_pair_plan){.n = n, .nb = nb};
}

/* First particle of block b; block starts are multiples of 8 so source loads are aligned. */
size_t nb_pair_block_start(const nb_pair_plan *pl, size_t b)
{
    if (b >= pl->nb)
        return pl->n;
    return (b * pl->n / pl->nb) & ~(size_t)7;
}

size_t nb_pair_rounds(const nb_pair_plan *pl)
{
    return pl->nb;
}

size_t nb_pair_round_tiles(const nb_pair_plan *pl, size_t round)
{
    return round == 0 ? pl->nb : pl->nb / 2;
}

/* The circle method: block nb-1 stays put, the others rotate. */
void nb_pair_tile_blocks(const nb_pair_plan *pl, size_t round, size_t tile, size_t *bi,
                         size_t *bj)
{
    if (round == 0) {
        *bi = *bj = tile;
        return;
    }
    size_t m = pl->nb - 1, r = round - 1, a, b;
    if (tile == 0) {
        a = r;
        b = m;
    } else {
        a = (r + tile) % m;
        b = (r + m - tile) % m;
    }
    *bi = a < b ? a : b;
    *bj = a < b ? b : a;
}

static void zero_sums(nb_particles *p, size_t i0, size_t i1, double *pot)
{
    for (size_t i = i0; i < i1; i++) {
        p->ax[i] = 0.0;
        p->ay[i] = 0.0;
        p->az[i] = 0.0;
        if (pot)
            pot[i] = 0.0;
    }
}

static void scale_sums(nb_particles *p, size_t i0, size_t i1, double G, double *pot)
{
    for (size_t i = i0; i < i1; i++) {
        p->ax[i] *= G;
        p->ay[i] *= G;
        p->az[i] *= G;
        if (pot)
            pot[i] *= G;
    }
}

/* ---------------------------------------------------------------- portable path */

/* Every tile loop below has the same shape. For each target i of the row block, one pass
 * over the source range computes each pair once: the source's sums (ax[j]..) take the
 * reaction right away, the target's own sum is kept in registers and added to ax[i] at
 * the end of the pass. Diagonal tiles take sources j > i of the same block. */
static inline __attribute__((always_inline)) void
row_generic(nb_particles *p, size_t i, size_t j0, size_t j1, double eps2, double *pot,
            int want_pot)
{
    const double *restrict x = p->x, *restrict y = p->y, *restrict z = p->z,
                 *restrict m = p->m;
    double *restrict fx = p->ax, *restrict fy = p->ay, *restrict fz = p->az,
           *restrict fp = pot;
    double xi = x[i], yi = y[i], zi = z[i], mi = m[i];
    double ax = 0.0, ay = 0.0, az = 0.0, phi = 0.0;
#pragma omp simd reduction(+ : ax, ay, az, phi)
    for (size_t j = j0; j < j1; j++) {
        double dx = x[j] - xi, dy = y[j] - yi, dz = z[j] - zi;
        double r2 = dx * dx + dy * dy + dz * dz + eps2;
        double ri = r2 > 0.0 ? 1.0 / sqrt(r2) : 0.0;
        double s = ri * ri * ri;
        double wi = m[j] * s, wj = mi * s;
        ax += wi * dx;
        ay += wi * dy;
        az += wi * dz;
        fx[j] -= wj * dx;
        fy[j] -= wj * dy;
        fz[j] -= wj * dz;
        if (want_pot) {
            phi -= m[j] * ri;
            fp[j] -= mi * ri;
        }
    }
    fx[i] += ax;
    fy[i] += ay;
    fz[i] += az;
    if (want_pot)
        fp[i] += phi;
}

static void tile_generic(nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                         double eps2, double *pot)
{
    int diag = i0 == j0;
    for (size_t i = i0; i < i1; i++) {
        size_t js = diag ? i + 1 : j0;
        if (pot)
            row_generic(p, i, js, j1, eps2, pot, 1);
        else
            row_generic(p, i, js, j1, eps2, NULL, 0);
    }
}

static double pot_upper_generic(const nb_particles *p, size_t i, double eps2)
{
    const double *restrict x = p->x, *restrict y = p->y, *restrict z = p->z,
                 *restrict m = p->m;
    double xi = x[i], yi = y[i], zi = z[i], phi = 0.0;
#pragma omp simd reduction(+ : phi)
    for (size_t j = i + 1; j < p->n; j++) {
        double dx = x[j] - xi, dy = y[j] - yi, dz = z[j] - zi;
        double r2 = dx * dx + dy * dy + dz * dz + eps2;
        phi -= r2 > 0.0 ? m[j] / sqrt(r2) : 0.0;
    }
    return m[i] * phi;
}

#if NB_HAVE_X86

/* Given an estimate y of 1/sqrt(r2) with relative error d, h = 1 - r2 y^2 ~ -2d and
 *   1/sqrt(r2)   = y   (1-h)^(-1/2) = y   (1 + h/2 + 3h^2/8 + 5h^3/16 + 35h^4/128 + ...)
 *   1/r2^(3/2)   = y^3 (1-h)^(-3/2) = y^3 (1 + 3h/2 + 15h^2/8 + 35h^3/16 + ...)
 * Truncated after h^4 (AVX-512's 14-bit estimate) or h^5 (AVX2's 12-bit one), the series
 * error is far below double round-off, so the results stay within a few ulp of sqrt and
 * divide, at a fraction of their cost. The force needs only the second series. */
#define RS_C1 0.5
#define RS_C2 0.375
#define RS_C3 0.3125
#define RS_C4 0.2734375
#define R3_C1 1.5
#define R3_C2 1.875
#define R3_C3 2.1875
#define R3_C4 2.4609375
#define R3_C5 2.70703125

/* ---------------------------------------------------------------- AVX-512 path */

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

/* One target's broadcast position and mass, and its sums over the pass. */
typedef struct tgt512 {
    __m512d x, y, z, m;
    __m512d ax, ay, az, phi;
} tgt512;

/* Eight sources j .. j+7 (lanes beyond k zero) and their sums, loaded once per step. */
typedef struct src512 {
    __m512d x, y, z, m;
    __m512d fx, fy, fz, fp;
} src512;

AVX512_INLINE void tgt512_init(tgt512 *t, const nb_particles *p, size_t i)
{
    t->x = _mm512_set1_pd(p->x[i]);
    t->y = _mm512_set1_pd(p->y[i]);
    t->z = _mm512_set1_pd(p->z[i]);
    t->m = _mm512_set1_pd(p->m[i]);
    t->ax = t->ay = t->az = t->phi = _mm512_setzero_pd();
}

AVX512_INLINE void tgt512_store(const tgt512 *t, nb_particles *p, size_t i, double *pot,
                                int want_pot)
{
    p->ax[i] += _mm512_reduce_add_pd(t->ax);
    p->ay[i] += _mm512_reduce_add_pd(t->ay);
    p->az[i] += _mm512_reduce_add_pd(t->az);
    if (want_pot)
        pot[i] += _mm512_reduce_add_pd(t->phi);
}

AVX512_INLINE void src512_load(src512 *s, const nb_particles *p, size_t j, __mmask8 k,
                               const double *pot, int want_pot)
{
    s->x = _mm512_maskz_loadu_pd(k, p->x + j);
    s->y = _mm512_maskz_loadu_pd(k, p->y + j);
    s->z = _mm512_maskz_loadu_pd(k, p->z + j);
    s->m = _mm512_maskz_loadu_pd(k, p->m + j);
    s->fx = _mm512_maskz_loadu_pd(k, p->ax + j);
    s->fy = _mm512_maskz_loadu_pd(k, p->ay + j);
    s->fz = _mm512_maskz_loadu_pd(k, p->az + j);
    if (want_pot)
        s->fp = _mm512_maskz_loadu_pd(k, pot + j);
}

AVX512_INLINE void src512_store(const src512 *s, nb_particles *p, size_t j, __mmask8 k,
                                double *pot, int want_pot)
{
    _mm512_mask_storeu_pd(p->ax + j, k, s->fx);
    _mm512_mask_storeu_pd(p->ay + j, k, s->fy);
    _mm512_mask_storeu_pd(p->az + j, k, s->fz);
    if (want_pot)
        _mm512_mask_storeu_pd(pot + j, k, s->fp);
}

/* The eight pairs (target t, sources s): both sides' sums take their share. Lanes outside
 * k, and pairs at zero distance, contribute nothing. */
AVX512_INLINE void pair512(tgt512 *t, src512 *s, __mmask8 k, __m512d e2, int want_pot)
{
    __m512d dx = _mm512_sub_pd(s->x, t->x);
    __m512d dy = _mm512_sub_pd(s->y, t->y);
    __m512d dz = _mm512_sub_pd(s->z, t->z);
    __m512d r2 = _mm512_fmadd_pd(dx, dx, e2);
    r2 = _mm512_fmadd_pd(dy, dy, r2);
    r2 = _mm512_fmadd_pd(dz, dz, r2);
    k = _mm512_mask_cmp_pd_mask(k, r2, _mm512_setzero_pd(), _CMP_GT_OQ);
    __m512d s3, ri;
    rsqrt512(r2, k, &s3, &ri, want_pot);
    __m512d wi = _mm512_mul_pd(s3, s->m), wj = _mm512_mul_pd(s3, t->m);
    t->ax = _mm512_fmadd_pd(wi, dx, t->ax);
    t->ay = _mm512_fmadd_pd(wi, dy, t->ay);
    t->az = _mm512_fmadd_pd(wi, dz, t->az);
    s->fx = _mm512_fnmadd_pd(wj, dx, s->fx);
    s->fy = _mm512_fnmadd_pd(wj, dy, s->fy);
    s->fz = _mm512_fnmadd_pd(wj, dz, s->fz);
    if (want_pot) {
        t->phi = _mm512_fnmadd_pd(s->m, ri, t->phi);
        s->fp = _mm512_fnmadd_pd(t->m, ri, s->fp);
    }
}

AVX512_INLINE __mmask8 tail512(size_t left)
{
    return left >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << left) - 1);
}

AVX512_INLINE void tile512_impl(nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                                double eps2, double *pot, int want_pot)
{
    __m512d e2 = _mm512_set1_pd(eps2);
    size_t i = i0;
    if (i0 == j0) {
        /* diagonal: one target at a time against the sources after it */
        for (; i < i1; i++) {
            tgt512 a;
            tgt512_init(&a, p, i);
            for (size_t j = i + 1; j < j1; j += 8) {
                __mmask8 k = tail512(j1 - j);
                src512 s;
                src512_load(&s, p, j, k, pot, want_pot);
                pair512(&a, &s, k, e2, want_pot);
                src512_store(&s, p, j, k, pot, want_pot);
            }
            tgt512_store(&a, p, i, pot, want_pot);
        }
        return;
    }
    /* two targets per pass: each source vector is loaded and stored once for both */
    for (; i + 2 <= i1; i += 2) {
        tgt512 a, b;
        tgt512_init(&a, p, i);
        tgt512_init(&b, p, i + 1);
        for (size_t j = j0; j < j1; j += 8) {
            __mmask8 k = tail512(j1 - j);
            src512 s;
            src512_load(&s, p, j, k, pot, want_pot);
            pair512(&a, &s, k, e2, want_pot);
            pair512(&b, &s, k, e2, want_pot);
            src512_store(&s, p, j, k, pot, want_pot);
        }
        tgt512_store(&a, p, i, pot, want_pot);
        tgt512_store(&b, p, i + 1, pot, want_pot);
    }
    for (; i < i1; i++) {
        tgt512 a;
        tgt512_init(&a, p, i);
        for (size_t j = j0; j < j1; j += 8) {
            __mmask8 k = tail512(j1 - j);
            src512 s;
            src512_load(&s, p, j, k, pot, want_pot);
            pair512(&a, &s, k, e2, want_pot);
            src512_store(&s, p, j, k, pot, want_pot);
        }
        tgt512_store(&a, p, i, pot, want_pot);
    }
}

AVX512_FN static void tile512(nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                              double eps2, double *pot)
{
    if (pot)
        tile512_impl(p, i0, i1, j0, j1, eps2, pot, 1);
    else
        tile512_impl(p, i0, i1, j0, j1, eps2, NULL, 0);
}

AVX512_FN static double pot_upper512(const nb_particles *p, size_t i, double eps2)
{
    const double *x = p->x, *y = p->y, *z = p->z, *m = p->m;
    size_t n = p->n;
    __m512d xi = _mm512_set1_pd(x[i]), yi = _mm512_set1_pd(y[i]), zi = _mm512_set1_pd(z[i]);
    __m512d e2 = _mm512_set1_pd(eps2), phi = _mm512_setzero_pd();
    /* start at the aligned vector holding i + 1, its lanes up to i masked off, so no load
     * splits a cache line */
    size_t j = (i + 1) & ~(size_t)7;
    __mmask8 first = (__mmask8)(0xFFu << (i + 1 - j));
    for (; j < n; j += 8, first = 0xFF) {
        __mmask8 k = tail512(n - j) & first;
        __m512d dx = _mm512_sub_pd(_mm512_maskz_loadu_pd(k, x + j), xi);
        __m512d dy = _mm512_sub_pd(_mm512_maskz_loadu_pd(k, y + j), yi);
        __m512d dz = _mm512_sub_pd(_mm512_maskz_loadu_pd(k, z + j), zi);
        __m512d r2 = _mm512_fmadd_pd(dx, dx, e2);
        r2 = _mm512_fmadd_pd(dy, dy, r2);
        r2 = _mm512_fmadd_pd(dz, dz, r2);
        k = _mm512_mask_cmp_pd_mask(k, r2, _mm512_setzero_pd(), _CMP_GT_OQ);
        __m512d s3, ri;
        rsqrt512(r2, k, &s3, &ri, 1);
        (void)s3;
        phi = _mm512_fnmadd_pd(_mm512_maskz_loadu_pd(k, m + j), ri, phi);
    }
    return m[i] * _mm512_reduce_add_pd(phi);
}

/* ---------------------------------------------------------------- AVX2 path */

#define AVX2_FN __attribute__((target("avx2,fma")))
#define AVX2_INLINE static inline __attribute__((target("avx2,fma"), always_inline))

/* As rsqrt512, keep a lane mask instead of k. The float estimate only covers r2 in the
 * float range; vectors with a kept lane outside [2^-120, 2^120] take sqrt and divide.
 * Dropped lanes (tails, coincident points) see r2 = 1 so they never force that. */
AVX2_INLINE void rsqrt256(__m256d r2, __m256d keep, __m256d *s3, __m256d *ri, int want_ri)
{
    r2 = _mm256_blendv_pd(_mm256_set1_pd(1.0), r2, keep);
    __m256d ok = _mm256_and_pd(_mm256_cmp_pd(r2, _mm256_set1_pd(0x1p-120), _CMP_GE_OQ),
                               _mm256_cmp_pd(r2, _mm256_set1_pd(0x1p120), _CMP_LE_OQ));
    if (__builtin_expect(_mm256_movemask_pd(ok) != 0xF, 0)) {
        __m256d y = _mm256_and_pd(keep, _mm256_div_pd(_mm256_set1_pd(1.0), _mm256_sqrt_pd(r2)));
        *s3 = _mm256_mul_pd(_mm256_mul_pd(y, y), y);
        if (want_ri)
            *ri = y;
        return;
    }
    __m256d y = _mm256_cvtps_pd(_mm_rsqrt_ps(_mm256_cvtpd_ps(r2)));
    __m256d y2 = _mm256_mul_pd(y, y);
    __m256d h = _mm256_fnmadd_pd(r2, y2, _mm256_set1_pd(1.0));
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
}

/* The first `left` lanes (all four when left >= 4), as a load/store mask. */
static const int64_t lanes_first[5][4] = {
    {0, 0, 0, 0}, {-1, 0, 0, 0}, {-1, -1, 0, 0}, {-1, -1, -1, 0}, {-1, -1, -1, -1}};

/* Lanes `skip` and up: the first vector of a row that starts mid-vector. */
static const int64_t lanes_from[4][4] = {
    {-1, -1, -1, -1}, {0, -1, -1, -1}, {0, 0, -1, -1}, {0, 0, 0, -1}};

AVX2_INLINE __m256i tail256(size_t left)
{
    return _mm256_loadu_si256((const __m256i *)lanes_first[left < 4 ? left : 4]);
}

typedef struct tgt256 {
    __m256d x, y, z, m;
    __m256d ax, ay, az, phi;
} tgt256;

typedef struct src256 {
    __m256d x, y, z, m;
    __m256d fx, fy, fz, fp;
} src256;

/* Fixed-order horizontal sum: (l0 + l2) + (l1 + l3). */
AVX2_INLINE double hsum256(__m256d v)
{
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

AVX2_INLINE void tgt256_init(tgt256 *t, const nb_particles *p, size_t i)
{
    t->x = _mm256_set1_pd(p->x[i]);
    t->y = _mm256_set1_pd(p->y[i]);
    t->z = _mm256_set1_pd(p->z[i]);
    t->m = _mm256_set1_pd(p->m[i]);
    t->ax = t->ay = t->az = t->phi = _mm256_setzero_pd();
}

AVX2_INLINE void tgt256_store(const tgt256 *t, nb_particles *p, size_t i, double *pot,
                              int want_pot)
{
    p->ax[i] += hsum256(t->ax);
    p->ay[i] += hsum256(t->ay);
    p->az[i] += hsum256(t->az);
    if (want_pot)
        pot[i] += hsum256(t->phi);
}

AVX2_INLINE void src256_load(src256 *s, const nb_particles *p, size_t j, __m256i k,
                             const double *pot, int want_pot)
{
    s->x = _mm256_maskload_pd(p->x + j, k);
    s->y = _mm256_maskload_pd(p->y + j, k);
    s->z = _mm256_maskload_pd(p->z + j, k);
    s->m = _mm256_maskload_pd(p->m + j, k);
    s->fx = _mm256_maskload_pd(p->ax + j, k);
    s->fy = _mm256_maskload_pd(p->ay + j, k);
    s->fz = _mm256_maskload_pd(p->az + j, k);
    if (want_pot)
        s->fp = _mm256_maskload_pd(pot + j, k);
}

AVX2_INLINE void src256_store(const src256 *s, nb_particles *p, size_t j, __m256i k,
                              double *pot, int want_pot)
{
    _mm256_maskstore_pd(p->ax + j, k, s->fx);
    _mm256_maskstore_pd(p->ay + j, k, s->fy);
    _mm256_maskstore_pd(p->az + j, k, s->fz);
    if (want_pot)
        _mm256_maskstore_pd(pot + j, k, s->fp);
}

AVX2_INLINE void pair256(tgt256 *t, src256 *s, __m256i k, __m256d e2, int want_pot)
{
    __m256d dx = _mm256_sub_pd(s->x, t->x);
    __m256d dy = _mm256_sub_pd(s->y, t->y);
    __m256d dz = _mm256_sub_pd(s->z, t->z);
    __m256d r2 = _mm256_fmadd_pd(dx, dx, e2);
    r2 = _mm256_fmadd_pd(dy, dy, r2);
    r2 = _mm256_fmadd_pd(dz, dz, r2);
    __m256d keep = _mm256_and_pd(_mm256_castsi256_pd(k),
                                 _mm256_cmp_pd(r2, _mm256_setzero_pd(), _CMP_GT_OQ));
    __m256d s3, ri;
    rsqrt256(r2, keep, &s3, &ri, want_pot);
    __m256d wi = _mm256_mul_pd(s3, s->m), wj = _mm256_mul_pd(s3, t->m);
    t->ax = _mm256_fmadd_pd(wi, dx, t->ax);
    t->ay = _mm256_fmadd_pd(wi, dy, t->ay);
    t->az = _mm256_fmadd_pd(wi, dz, t->az);
    s->fx = _mm256_fnmadd_pd(wj, dx, s->fx);
    s->fy = _mm256_fnmadd_pd(wj, dy, s->fy);
    s->fz = _mm256_fnmadd_pd(wj, dz, s->fz);
    if (want_pot) {
        t->phi = _mm256_fnmadd_pd(s->m, ri, t->phi);
        s->fp = _mm256_fnmadd_pd(t->m, ri, s->fp);
    }
}

AVX2_INLINE void tile256_impl(nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                              double eps2, double *pot, int want_pot)
{
    __m256d e2 = _mm256_set1_pd(eps2);
    int diag = i0 == j0;
    for (size_t i = i0; i < i1; i++) {
        tgt256 a;
        tgt256_init(&a, p, i);
        for (size_t j = diag ? i + 1 : j0; j < j1; j += 4) {
            __m256i k = tail256(j1 - j);
            src256 s;
            src256_load(&s, p, j, k, pot, want_pot);
            pair256(&a, &s, k, e2, want_pot);
            src256_store(&s, p, j, k, pot, want_pot);
        }
        tgt256_store(&a, p, i, pot, want_pot);
    }
}

AVX2_FN static void tile256(nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                            double eps2, double *pot)
{
    if (pot)
        tile256_impl(p, i0, i1, j0, j1, eps2, pot, 1);
    else
        tile256_impl(p, i0, i1, j0, j1, eps2, NULL, 0);
}

AVX2_FN static double pot_upper256(const nb_particles *p, size_t i, double eps2)
{
    const double *x = p->x, *y = p->y, *z = p->z, *m = p->m;
    size_t n = p->n;
    __m256d xi = _mm256_set1_pd(x[i]), yi = _mm256_set1_pd(y[i]), zi = _mm256_set1_pd(z[i]);
    __m256d e2 = _mm256_set1_pd(eps2), phi = _mm256_setzero_pd();
    size_t j = (i + 1) & ~(size_t)3;
    __m256i first = _mm256_loadu_si256((const __m256i *)lanes_from[i + 1 - j]);
    for (; j < n; j += 4, first = _mm256_set1_epi64x(-1)) {
        __m256i k = _mm256_and_si256(tail256(n - j), first);
        __m256d dx = _mm256_sub_pd(_mm256_maskload_pd(x + j, k), xi);
        __m256d dy = _mm256_sub_pd(_mm256_maskload_pd(y + j, k), yi);
        __m256d dz = _mm256_sub_pd(_mm256_maskload_pd(z + j, k), zi);
        __m256d r2 = _mm256_fmadd_pd(dx, dx, e2);
        r2 = _mm256_fmadd_pd(dy, dy, r2);
        r2 = _mm256_fmadd_pd(dz, dz, r2);
        __m256d keep = _mm256_and_pd(_mm256_castsi256_pd(k),
                                     _mm256_cmp_pd(r2, _mm256_setzero_pd(), _CMP_GT_OQ));
        __m256d s3, ri;
        rsqrt256(r2, keep, &s3, &ri, 1);
        (void)s3;
        phi = _mm256_fnmadd_pd(_mm256_maskload_pd(m + j, k), ri, phi);
    }
    return m[i] * hsum256(phi);
}

#endif /* NB_HAVE_X86 */

static void tile_sums(nb_simd s, nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                      double eps2, double *pot)
{
#if NB_HAVE_X86
    if (s == NB_SIMD_AVX512) {
        tile512(p, i0, i1, j0, j1, eps2, pot);
        return;
    }
    if (s == NB_SIMD_AVX2) {
        tile256(p, i0, i1, j0, j1, eps2, pot);
        return;
    }
#endif
    tile_generic(p, i0, i1, j0, j1, eps2, pot);
}

void nb_pair_tile(nb_simd s, const nb_pair_plan *pl, size_t round, size_t tile,
                  nb_particles *p, double G, double eps2, double *pot)
{
    size_t bi, bj;
    nb_pair_tile_blocks(pl, round, tile, &bi, &bj);
    size_t i0 = nb_pair_block_start(pl, bi), i1 = nb_pair_block_start(pl, bi + 1);
    size_t j0 = nb_pair_block_start(pl, bj), j1 = nb_pair_block_start(pl, bj + 1);
    if (s == NB_SIMD_AUTO)
        s = nb_simd_best();
    /* round 0 is every block's first tile, the last round every block's last */
    if (round == 0)
        zero_sums(p, i0, i1, pot);
    tile_sums(s, p, i0, i1, j0, j1, eps2, pot);
    if (round + 1 == nb_pair_rounds(pl)) {
        scale_sums(p, i0, i1, G, pot);
        if (bj != bi)
            scale_sums(p, j0, j1, G, pot);
    }
}

void nb_pair_accel(nb_simd s, nb_particles *p, double G, double eps2, double *pot)
{
    if (s == NB_SIMD_AUTO)
        s = nb_simd_best();
    nb_pair_plan pl = nb_pair_plan_make(p->n);
    for (size_t r = 0; r < nb_pair_rounds(&pl); r++)
        for (size_t t = 0; t < nb_pair_round_tiles(&pl, r); t++)
            nb_pair_tile(s, &pl, r, t, p, G, eps2, pot);
}

double nb_pair_pot_upper(nb_simd s, const nb_particles *p, size_t i, double eps2)
{
    if (s == NB_SIMD_AUTO)
        s = nb_simd_best();
#if NB_HAVE_X86
    if (s == NB_SIMD_AVX512)
        return pot_upper512(p, i, eps2);
    if (s == NB_SIMD_AVX2)
        return pot_upper256(p, i, eps2);
#endif
    return pot_upper_generic(p, i, eps2);
}
