/* The Hernquist (1990) sphere with an optional central black hole: its registry row and
 * its distribution function, found by Eddington's inversion (exposed for the tests). */
#ifndef NB_ICS_HERNQUIST_H
#define NB_ICS_HERNQUIST_H

#include <stddef.h>

#include "physics/ics.h"

/* The stars are cut at the radius holding this fraction of the Hernquist mass M, and M is
 * 1 / NB_HERNQUIST_KEPT, so that the stars inside weigh 1 (rt = 1998.5 a). */
#define NB_HERNQUIST_KEPT 0.999

/* Nodes of the tabulated distribution function: log-spaced binding radii (below) from
 * 1e-6 a to 1e6 a, 200 a decade. */
#define NB_HERNQUIST_NODES 2401

/* f(E) of the stars in the potential of stars and black hole, tabulated at the binding
 * energies E_k = Psi(r_k) (Psi = -Phi > 0, E the binding energy, r_k the radius where a
 * star at rest has E_k) and interpolated linearly in (log r_E, log f). Plain data: on the
 * stack of the generator, no allocation. */
typedef struct nb_hernquist_df {
    double G, M, a, mbh;            /* M: the Hernquist mass (1 / NB_HERNQUIST_KEPT) */
    double lr0, dlr;                /* log(r_0 / a) and the node spacing in log r */
    double logf[NB_HERNQUIST_NODES];
    double logfmax[NB_HERNQUIST_NODES]; /* running maximum from low E: the envelope's f */
} nb_hernquist_df;

/* Tabulates f for stars of Hernquist mass M, scale radius a and a central point mass mbh
 * (mbh = 0: none), gravitational constant G. */
void nb_hernquist_df_init(nb_hernquist_df *df, double G, double M, double a, double mbh);
/* Psi(r) = G M / (r + a) + G mbh / r, the binding potential (> 0). */
double nb_hernquist_psi(const nb_hernquist_df *df, double r);
/* The radius where Psi(r) = E (E > 0), from the quadratic Psi(r) = E. */
double nb_hernquist_radius_of(const nb_hernquist_df *df, double E);
/* f at binding energy E (0 for E <= 0): the mass distribution function, normalised so
 * that its integral over phase space is the stars' untruncated mass M. */
double nb_hernquist_df_eval(const nb_hernquist_df *df, double E);
/* f at node k, before interpolation (tests). */
double nb_hernquist_df_node(const nb_hernquist_df *df, size_t k, double *E);

extern const nb_ic_type nb_ics_hernquist;

#endif
