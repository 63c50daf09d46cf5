/* Pieces shared by the initial-condition types sampled from an isotropic distribution
 * function f(E) (Hernquist by Eddington's inversion, King): a speed drawn from f at one
 * potential by rejection, and e^x - 1 for small x. */
#ifndef NB_ICS_DF_H
#define NB_ICS_DF_H

#include "core/rng.h"

/* f or an upper bound of f at relative energy e (> 0 bound), from the type's own state. */
typedef double (*nb_ics_df_fn)(double e, const void *ctx);

/* A speed at relative potential psi: density v^2 f(psi - v^2/2) on [0, sqrt(2 psi)], by
 * rejection from a piecewise-constant envelope over 32 equal cells, the cell [v_j, v_j+1]
 * bounded by v_j+1^2 f_max(psi - v_j^2/2) (f_max >= f, non-increasing in v). 0 when psi
 * <= 0 or the envelope underflows. Draws only from r, so a seed gives the same bits. */
double nb_ics_sample_speed(double psi, nb_ics_df_fn f, nb_ics_df_fn f_max, const void *ctx,
                           nb_rng *r);

/* e^x - 1 without the cancellation of nb_exp(x) - 1 for |x| <= 1e-3. */
double nb_ics_expm1_small(double x);

#endif
