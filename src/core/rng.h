/* Seeded, platform-independent random numbers: xoshiro256** seeded by splitmix64, with
 * normal deviates built from +, *, / and sqrt only (IEEE-exact everywhere), so the same
 * seed gives the same bits on any machine and any libm. */
#ifndef NB_RNG_H
#define NB_RNG_H

#include <stdint.h>

typedef struct nb_rng {
    uint64_t s[4];
} nb_rng;

void nb_rng_seed(nb_rng *r, uint64_t seed);
uint64_t nb_rng_next(nb_rng *r);
/* Uniform on [0, 1), 53 random bits. */
double nb_rng_uniform(nb_rng *r);
/* Standard normal deviate (Marsaglia polar method). */
double nb_rng_normal(nb_rng *r);
/* A uniformly distributed direction: (ux, uy, uz) with unit length. */
void nb_rng_direction(nb_rng *r, double *ux, double *uy, double *uz);

/* Natural logarithm and x^y for x > 0, from arithmetic alone: libm's log and pow may
 * differ in the last bit between platforms, which would make initial conditions differ. */
double nb_log(double x);
double nb_exp(double x);
double nb_pow(double x, double y);

#endif
