/* The force driver: one kernel bound to its state, evaluated in two phases (prepare the
 * sources, evaluate a list of targets or all), on one rank or shared among the ranks of a
 * distributed run. What the integrator and the run loop call. */
#ifndef NB_FORCE_H
#define NB_FORCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/particles.h"
#include "gravity/kernels.h"

typedef struct nb_force {
    const nb_kernel *kernel;
    void *state;
    /* distributed runs: the targets in the order they are shared out (n entries), and n
     * doubles to exchange one column of rows in */
    uint32_t *order;
    double *gather;
    size_t cap;
} nb_force;

/* Binds kernel `name` with parameters kp (G, eps, threads, its own) for up to n particles
 * (more later grow the state). Unknown name: NB_ERR_INPUT. */
int nb_force_init(nb_force *f, const char *name, const nb_kernel_params *kp, size_t n,
                  nb_error *err);
void nb_force_free(nb_force *f);

/* The kernel's prepare on p's sources (positions, masses). */
int nb_force_prepare(nb_force *f, const nb_particles *p, nb_error *err);

/* The accelerations (and pot, when not NULL) of targets[0 .. nt-1], or of all particles
 * when targets is NULL, from the sources of the last nb_force_prepare. In a distributed
 * run (nb_comm_active) the ranks share the targets (all of them in the kernel's
 * target_order, a list in its own order), each evaluates its block, and the rows are
 * exchanged: every rank ends with every target's row, the same bits as one rank's
 * evaluation. Collective then: every rank calls it with the same list. Only the targets'
 * entries are written. */
int nb_force_evaluate(nb_force *f, nb_particles *p, const uint32_t *targets, size_t nt,
                      double *pot, nb_error *err);

/* nb_force_prepare, then nb_force_evaluate of all targets: a whole force evaluation. */
int nb_force_compute(nb_force *f, nb_particles *p, double *pot, nb_error *err);

#endif
