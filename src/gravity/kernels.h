/* The acceleration-kernel registry: each kernel is one file in src/kernels/ and one entry
 * in the table in kernels.c. Kernels never do I/O. */
#ifndef NB_KERNELS_H
#define NB_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/params.h"
#include "core/particles.h"

/* What every kernel is told about the physics and its resources. The fields after the
 * first three belong to one kernel each: that kernel declares them (name, default, valid
 * range) in its `keys` table, and the parameter file reads them as gravity.NAME keys, so
 * no file outside the kernel names them. */
typedef struct nb_kernel_params {
    double G;        /* gravitational constant */
    double eps;      /* Plummer softening length; 0 = unsoftened, coincident points skipped */
    int threads;     /* OpenMP threads; 0 = the OpenMP default */
    int neighbours;  /* knn: k, the neighbours summed per particle */
    double opening_angle; /* tree: theta of the Barnes-Hut opening test */
    int leaf_size;   /* tree: points per leaf, which is also the group sharing one walk */
} nb_kernel_params;

/* One kernel-owned key of the parameter file's gravity section, stored in
 * nb_kernel_params. */
typedef nb_param nb_kernel_key;

typedef struct nb_kernel {
    const char *name;
    const char *summary;
    /* The parameters this kernel owns (NULL, 0: none). */
    const nb_kernel_key *keys;
    size_t nkeys;
    /* Checks parameters that depend on the particle count n before anything is built or
     * written (NULL: nothing to check). On failure returns NB_ERR_INPUT, sets *key to the
     * gravity key at fault, and err->msg to what is wrong without a location. */
    int (*check)(const nb_kernel_params *kp, size_t n, const char **key, nb_error *err);
    /* Pair interactions one evaluation computes for n particles (NULL: n (n - 1), the
     * exact sum), for the benchmark's rates. */
    double (*interactions)(const nb_kernel_params *kp, size_t n);
    /* 1 when the kernel uses OpenMP threads (the benchmark times it per thread count). */
    int threaded;
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
    /* Distributed runs (core/comm.h): fills ax, ay, az (and pot) of the targets at
     * positions i0 .. i1-1 of the kernel's target order (below), from all n sources;
     * other entries may be overwritten with meaningless values (the exchange that follows
     * replaces them). A target's result must be the same bits whichever range it is
     * computed in, and the same as accel's (so any rank count gives the plain build's
     * run): kernels that sum each target alone (knn) run their per-target code on the
     * range; the pair-symmetric ones (direct, parallel) run every tile on their range's
     * blocks (pairwise.h). NULL: every rank runs accel on all n. */
    int (*accel_range)(void *state, const nb_kernel_params *kp, nb_particles *p, size_t i0,
                       size_t i1, double *pot, nb_error *err);
    /* Distributed runs, optional: the target order accel_range's positions refer to, as
     * its last call left it: position -> particle index, all n of them, the same on every
     * rank (it may depend on the particle data only). NULL (or a NULL result): index
     * order. A kernel that walks a tree takes the tree's order, so that a rank's targets
     * are neighbours in space and share their walks as they do in the serial kernel. */
    const uint32_t *(*target_order)(const void *state);
} nb_kernel;

/* The kernel called name, or NULL. */
const nb_kernel *nb_kernel_find(const char *name);
/* The registry table and its length. */
const nb_kernel *const *nb_kernel_list(size_t *count);
/* "direct, parallel, knn, tree": the registered names, for error messages and --help. */
const char *nb_kernel_names(void);
/* The kernel-owned key called name, and in *owner (when not NULL) the kernel that owns
 * it; or NULL. */
const nb_kernel_key *nb_kernel_key_find(const char *name, const nb_kernel **owner);
/* Every kernel's own parameters at their defaults (G, eps, threads untouched). */
void nb_kernel_params_defaults(nb_kernel_params *kp);
/* The kernel's check hook for n particles, or NB_OK when it has none. */
int nb_kernel_check(const nb_kernel *k, const nb_kernel_params *kp, size_t n,
                    const char **key, nb_error *err);

/* A kernel bound to its state and parameters: what the integrator calls. */
typedef struct nb_force {
    const nb_kernel *kernel;
    void *state;
    nb_kernel_params params;
    double *gather; /* distributed runs: n doubles to exchange rows in the target order */
    size_t gather_n;
} nb_force;

int nb_force_init(nb_force *f, const char *name, const nb_kernel_params *kp, size_t n,
                  nb_error *err);
/* In a distributed run (nb_comm_active) each rank computes its block of targets (a block
 * of the kernel's target order) with accel_range and the blocks are exchanged, so every
 * rank ends with all accelerations. */
int nb_force_compute(nb_force *f, nb_particles *p, double *pot, nb_error *err);
void nb_force_free(nb_force *f);

#endif
