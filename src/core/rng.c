/* Platform-independent random numbers and the few transcendental functions the initial
 * conditions need, written with IEEE-exact operations only. */
#include "core/rng.h"

#include <math.h>

/* Platform-independent bits need every multiply and add rounded on its own: GCC does not
 * fuse them in ISO C mode (-std=c11), clang does unless told not to. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void nb_rng_seed(nb_rng *r, uint64_t seed)
{
    uint64_t st = seed;
    for (int k = 0; k < 4; k++)
        r->s[k] = splitmix64(&st);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t nb_rng_next(nb_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double nb_rng_uniform(nb_rng *r)
{
    return (double)(nb_rng_next(r) >> 11) * 0x1.0p-53;
}

double nb_rng_normal(nb_rng *r)
{
    double u, v, s;
    do {
        u = 2.0 * nb_rng_uniform(r) - 1.0;
        v = 2.0 * nb_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    /* the second deviate (v * f) is dropped to keep the stream stateless */
    return u * sqrt(-2.0 * nb_log(s) / s);
}

void nb_rng_direction(nb_rng *r, double *ux, double *uy, double *uz)
{
    double x, y, z, s;
    do {
        x = 2.0 * nb_rng_uniform(r) - 1.0;
        y = 2.0 * nb_rng_uniform(r) - 1.0;
        z = 2.0 * nb_rng_uniform(r) - 1.0;
        s = x * x + y * y + z * z;
    } while (s > 1.0 || s < 1e-12);
    s = sqrt(s);
    *ux = x / s;
    *uy = y / s;
    *uz = z / s;
}

static const double LN2_HI = 6.93147180369123816490e-01; /* ln 2, top bits */
static const double LN2_LO = 1.90821492927058770002e-10; /* ln 2 - LN2_HI */

double nb_log(double x)
{
    if (!(x > 0.0))
        return x == 0.0 ? -HUGE_VAL : NAN;
    if (isinf(x))
        return x;
    int e;
    double f = frexp(x, &e); /* x = f 2^e, f in [0.5, 1): exact */
    if (f < 0.70710678118654752440) {
        f *= 2.0;
        e -= 1;
    }
    /* log(1+f) = 2 atanh(s) = f - (hfsq - s (hfsq + R)), s = f/(2+f), |s| < 0.172, with
     * R = 2s^2/3 + 2s^4/5 + ... summed smallest term first (fdlibm's arrangement): the
     * rounding errors stay in the small correction terms, so the result is within 1 ulp. */
    f -= 1.0; /* exact (Sterbenz) */
    double s = f / (2.0 + f), z = s * s, R = 0.0;
    for (int k = 39; k >= 3; k -= 2)
        R = (R + 2.0 / k) * z;
    double hfsq = 0.5 * f * f;
    return e * LN2_HI - ((hfsq - (s * (hfsq + R) + e * LN2_LO)) - f);
}

double nb_exp(double x)
{
    if (isnan(x))
        return x;
    /* fdlibm's thresholds: exp overflows above log(DBL_MAX), underflows to 0 below
     * log(2^-1075) */
    if (x > 7.09782712893383973096e+02)
        return HUGE_VAL;
    if (x < -7.45133219101941108420e+02)
        return 0.0;
    /* x = k ln2 + r, |r| <= ln2/2; exp r - 1 by its Taylor series in Horner form (smallest
     * term first, within 1 ulp), the 1 added last; ldexp is exact */
    double kf = floor(x / (LN2_HI + LN2_LO) + 0.5);
    double r = (x - kf * LN2_HI) - kf * LN2_LO;
    double p = 1.0;
    for (int k = 29; k >= 2; k--)
        p = 1.0 + p * r / k;
    return ldexp(1.0 + r * p, (int)kf);
}

double nb_pow(double x, double y)
{
    return nb_exp(y * nb_log(x));
}
