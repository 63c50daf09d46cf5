/* Speed sampling from an isotropic distribution function, shared by the Hernquist and King
 * initial conditions (physics/ics_df.h). */
#include "physics/ics_df.h"

#include <math.h>

/* Platform-independent bits (as in ics.c): every multiply and add rounded on its own. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define SPEED_CELLS 32

double nb_ics_sample_speed(double psi, nb_ics_df_fn f, nb_ics_df_fn f_max, const void *ctx,
                           nb_rng *r)
{
    if (!(psi > 0.0))
        return 0.0;
    double vmax = sqrt(2.0 * psi), env[SPEED_CELLS], total = 0.0;
    for (int j = 0; j < SPEED_CELLS; j++) {
        double v0 = vmax * j / SPEED_CELLS, v1 = vmax * (j + 1) / SPEED_CELLS;
        env[j] = v1 * v1 * f_max(psi - 0.5 * v0 * v0, ctx);
        total += env[j];
    }
    if (!(total > 0.0)) /* psi so small that the density underflows: at rest */
        return 0.0;
    for (;;) {
        double pick = nb_rng_uniform(r) * total;
        int j = 0;
        while (j < SPEED_CELLS - 1 && pick >= env[j]) {
            pick -= env[j];
            j++;
        }
        double v = vmax * (j + nb_rng_uniform(r)) / SPEED_CELLS;
        double dens = v * v * f(psi - 0.5 * v * v, ctx);
        if (nb_rng_uniform(r) * env[j] < dens)
            return v;
    }
}

double nb_ics_expm1_small(double x)
{
    if (x > 1e-3 || x < -1e-3)
        return nb_exp(x) - 1.0;
    return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x / 120.0))));
}
