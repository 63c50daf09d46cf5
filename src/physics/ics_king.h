/* King (1966) models, the lowered isothermal sphere: its registry row and its profile, the
 * solution of Poisson's equation for the dimensionless potential W(r) (exposed for the
 * tests). */
#ifndef NB_ICS_KING_H
#define NB_ICS_KING_H

#include <stddef.h>

#include "core/error.h"
#include "physics/ics.h"

/* The range of W0 = Psi(0) / sigma^2 the generator takes (initial_conditions.w0). */
#define NB_KING_W0_MIN 1.0
#define NB_KING_W0_MAX 12.0

/* Nodes of the profile: r = 0, then log-spaced from 1e-3 r0 at NB_KING_STEPS_PER_LN a
 * factor e, the last at the tidal radius (W0 = 12: r_t = 548 r0, 1694 nodes). */
#define NB_KING_NODES 2048
#define NB_KING_R_START 1e-3
#define NB_KING_STEPS_PER_LN 128

/* The profile in King's units: radii in units of the core radius r0 (r0^2 = 9 sigma^2 /
 * (4 pi G rho0)), W = (Phi(r_t) - Phi) / sigma^2, and z = r^2 dW/dr, which is
 * -(9 / 4 pi) M(<r) / (rho0 r0^3): the mass profile comes with the potential. Plain data:
 * on the stack of the generator, no allocation. */
typedef struct nb_king_model {
    double w0;
    size_t n;                 /* nodes used; node 0 is the centre, node n-1 the tidal radius */
    double r[NB_KING_NODES];  /* radius / r0, increasing */
    double w[NB_KING_NODES];  /* W(r): w0 at node 0, exactly 0 at node n-1 */
    double z[NB_KING_NODES];  /* r^2 dW/dr <= 0, decreasing */
} nb_king_model;

/* Integrates Poisson's equation d(r^2 dW/dr)/dr = -9 r^2 rho(W) / rho(W0) outwards from
 * the centre (a series start, then RK4 in ln r) to the tidal radius where W = 0. A w0
 * outside [NB_KING_W0_MIN, NB_KING_W0_MAX]: NB_ERR_INPUT. */
int nb_king_solve(nb_king_model *km, double w0, nb_error *err);

/* The King density at W, up to a constant factor: e^W erf(sqrt W) - sqrt(4W/pi)(1 + 2W/3)
 * times sqrt(pi)/2, summed as a series of positive terms (no libm); 0 for W <= 0. */
double nb_king_rho(double w);

/* W at radius r (units of r0): the centre's series inside the first node, cubic Hermite
 * between nodes (slopes z / r^2), 0 at and beyond the tidal radius. */
double nb_king_w_at(const nb_king_model *km, double r);

extern const nb_ic_type nb_ics_king;

#endif
