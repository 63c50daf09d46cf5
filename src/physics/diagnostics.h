/* Conserved quantities of the particle set: energies, momenta, virial ratio. No I/O. */
#ifndef NB_DIAGNOSTICS_H
#define NB_DIAGNOSTICS_H

#include "core/particles.h"

typedef struct nb_diag {
    double kinetic, potential, total;
    double px, py, pz; /* linear momentum */
    double lx, ly, lz; /* angular momentum about the origin */
    double virial_ratio; /* 2K / |W| */
} nb_diag;

/* Computes every quantity; the potential is the exact softened one whatever kernel runs
 * (docs/DESIGN.md). Same bits for any thread count. */
void nb_diagnostics_compute(const nb_particles *p, double G, double eps, int threads,
                            nb_diag *d);

/* The same with the potential energy W given (from a tree, say). */
void nb_diagnostics_with_potential(const nb_particles *p, double W, nb_diag *d);

/* (total - e0) / |e0|, or the absolute error when e0 == 0. */
double nb_diagnostics_rel_error(double total, double e0);

#endif
