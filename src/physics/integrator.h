/* Kick-drift-kick leapfrog with a fixed step: second order, symplectic, time-reversible. */
#ifndef NB_INTEGRATOR_H
#define NB_INTEGRATOR_H

#include "gravity/force.h"
#include "core/particles.h"

/* v += h a */
void nb_integrator_kick(nb_particles *p, double h);
/* x += h v */
void nb_integrator_drift(nb_particles *p, double h);

/* One KDK step of length dt. Expects p->ax.. to hold the accelerations at the current
 * positions and leaves them holding those at the new positions, so positions and
 * velocities are synchronised after every step. pot, when not NULL, receives the kernel's
 * per-particle potential at the new positions. */
int nb_integrator_step(nb_particles *p, nb_force *f, double dt, double *pot, nb_error *err);

#endif
