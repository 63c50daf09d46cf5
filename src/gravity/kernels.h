/* The acceleration-kernel registry: each kernel is one file in src/kernels/ and one entry
 * in the table in kernels.c. Kernels never do I/O. */
#ifndef NB_KERNELS_H
#define NB_KERNELS_H

#include <stddef.h>

#include "core/error.h"
#include "core/particles.h"

/* What every kernel is told about the physics and its resources. */
typedef struct nb_kernel_params {
    double G;        /* gravitational constant */
    double eps;      /* Plummer softening length; 0 = unsoftened, coincident points skipped */
    int neighbours;  /* k for neighbour-truncated kernels */
    int threads;     /* OpenMP threads; 0 = the OpenMP default */
} nb_kernel_params;

typedef struct nb_kernel {
    const char *name;
    const char *summary;
    /* Makes the kernel's private state (a tree, scratch buffers) for up to n particles.
     * May set *state to NULL when the kernel needs none. */
    int (*create)(void **state, const nb_kernel_params *kp, size_t n, nb_error *err);
    void (*destroy)(void *state);
    /* Fills p->ax, p->ay, p->az for the current positions. When pot is not NULL it also
     * fills pot[i] with the kernel's potential at particle i (G * sum -m_j / r_ij, the
     * particle's own mass excluded). Results depend only on the particle data, never on
     * thread count or scheduling. */
    int (*accel)(void *state, const nb_kernel_params *kp, nb_particles *p, double *pot,
                 nb_error *err);
} nb_kernel;

/* The kernel called name, or NULL. */
const nb_kernel *nb_kernel_find(const char *name);
/* The registry table and its length. */
const nb_kernel *const *nb_kernel_list(size_t *count);
/* "direct, parallel, knn": the registered names, for error messages and --help. */
const char *nb_kernel_names(void);

/* A kernel bound to its state and parameters: what the integrator calls. */
typedef struct nb_force {
    const nb_kernel *kernel;
    void *state;
    nb_kernel_params params;
} nb_force;

int nb_force_init(nb_force *f, const char *name, const nb_kernel_params *kp, size_t n,
                  nb_error *err);
int nb_force_compute(nb_force *f, nb_particles *p, double *pot, nb_error *err);
void nb_force_free(nb_force *f);

/* The exact softened potential energy -G sum_{i<j} m_i m_j / sqrt(r_ij^2 + eps^2),
 * whichever kernel drives the run: OpenMP-parallel and deterministic for any thread count. */
double nb_potential_energy(const nb_particles *p, double G, double eps, int threads);

#endif
