/* The force-kernel registry: each kernel is one file in src/gravity/ and one row of the
 * table in kernels.c. A kernel evaluates in two phases, prepare (the sources) and evaluate
 * (a list of targets); gravity/force.h drives them. Kernels never do I/O. */
#ifndef NB_KERNELS_H
#define NB_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/params.h"
#include "core/particles.h"

/* Room for one kernel's own parameter struct, and for the registry's kernels. */
#define NB_KERNEL_OWN_BYTES 64
#define NB_KERNELS_MAX 8

/* What every kernel is told: the physics and resources all kernels share, and the
 * kernels' own parameters. `own` is opaque outside the kernels: slot k holds the
 * parameter struct of registry row k, a struct its kernel's file declares, read through
 * its `keys` table (the parameter file's gravity.NAME keys) and nb_kernel_own. */
typedef struct nb_kernel_params {
    double G;        /* gravitational constant */
    double eps;      /* Plummer softening length; 0 = unsoftened, coincident points skipped */
    int threads;     /* OpenMP threads; 0 = the OpenMP default */
    struct {
        _Alignas(double) unsigned char bytes[NB_KERNEL_OWN_BYTES];
    } own[NB_KERNELS_MAX];
} nb_kernel_params;

/* One kernel-owned key of the parameter file's gravity section: its offset is into the
 * kernel's own parameter struct. */
typedef nb_param nb_kernel_key;

typedef struct nb_kernel {
    const char *name; /* first: the row's key for core/registry.h */
    const char *summary;
    /* The parameters this kernel owns (NULL, 0: none), fields of its own struct. */
    const nb_kernel_key *keys;
    size_t nkeys;
    /* Checks the own parameters `own` against the particle count n before anything is
     * built or written (NULL: nothing to check). On failure returns NB_ERR_INPUT, sets
     * *key to the gravity key at fault, and err->msg to what is wrong without a location. */
    int (*check)(const void *own, size_t n, const char **key, nb_error *err);
    /* Pair interactions one evaluation computes for n particles (NULL: n (n - 1), the
     * exact sum), for the benchmark's rates. */
    double (*interactions)(const void *own, size_t n);
    /* Not NULL: the interactions the last evaluate of `state` computed, over all its
     * targets (a tree's accepted nodes and particles), for the benchmark's work figure. */
    double (*counted)(const void *state);
    /* 1 when the kernel uses OpenMP threads (the benchmark times it per thread count). */
    int threaded;
    /* Not NULL: 1 when, with own parameters `own`, evaluate reads the accelerations it
     * finds in p (the previous force: a tree's relative opening test), so a target's result
     * depends on them too. A restart then keeps the snapshot's accelerations as its first
     * force rather than evaluating it again (which would see other previous ones). */
    int (*reads_accel)(const void *own);
    /* Not NULL: the kernel's potentials can serve as energy.csv's potential (when
     * output.potential names the kernel, or "auto" picks it). Sets `own`, a copy of the
     * run's own parameters, to those the energy rows use: for auto_pick (output.potential
     * = "auto"), parameters whose error on W lies far below an integration's energy error
     * (a tree's small opening angle), else the run's own; and writes into desc (size
     * bytes, when not NULL) the method and its relative error on W, measured or
     * estimated: energy.csv's "# potential:" line. Never touches the run's forces. */
    void (*energy_potential)(void *own, int auto_pick, char *desc, size_t size);
    /* output.potential = "auto" takes this kernel's potentials from N = this up (0: never);
     * below it, the exact pair sum. */
    size_t energy_potential_auto_n;
    /* Makes the kernel's state for up to n particles: a copy of G, eps, threads and of its
     * own parameters `own`, and its buffers. */
    int (*create)(void **state, const nb_kernel_params *kp, const void *own, size_t n,
                  nb_error *err);
    void (*destroy)(void *state);
    /* Everything that depends on the sources only (p's positions and masses): a tree and
     * its moments. Its results serve every evaluate until the next prepare. NULL: none. */
    int (*prepare)(void *state, const nb_particles *p, nb_error *err);
    /* The accelerations (p->ax, ay, az) and, when pot is not NULL, the potentials (pot[i] =
     * the kernel's G sum -m_j / r_ij, the particle's own mass excluded) of the targets
     * targets[0 .. nt-1] (particle indices, each once, any order), or of all p->n
     * particles when targets is NULL; from the sources of the last prepare, which saw the
     * same positions. Writes only the targets' entries. A target's result depends only on
     * the particle data: never on which other targets are listed or in what order, on
     * thread count or on scheduling; and a list gives it the bits of the all-targets
     * evaluation (direct and parallel: the one-sided sum replays the tiles, pairwise.h
     * nb_pair_target says where it cannot, and they then run the tiles). */
    int (*evaluate)(void *state, nb_particles *p, const uint32_t *targets, size_t nt,
                    double *pot, nb_error *err);
    /* Optional, after prepare: an order of all n particles (position -> index) in which
     * neighbouring targets share their work (a tree's order). A distributed run gives each
     * rank a block of it, so its targets are neighbours. NULL (or a NULL result): index
     * order. */
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
/* Every kernel's own parameters at their defaults, G = 1, eps = 0, threads = 0. */
void nb_kernel_params_defaults(nb_kernel_params *kp);
/* Where kernel k's own parameter struct lies in kp (mutable and const), and its offset
 * in nb_kernel_params (for a parameter reader that stores keys by offset). */
void *nb_kernel_own(nb_kernel_params *kp, const nb_kernel *k);
const void *nb_kernel_own_const(const nb_kernel_params *kp, const nb_kernel *k);
size_t nb_kernel_own_offset(const nb_kernel *k);
/* Sets the kernel-owned key called name to v (checked against its range): NB_OK, or
 * NB_ERR_INPUT naming the key and what it expects. */
int nb_kernel_set(nb_kernel_params *kp, const char *name, double v, nb_error *err);
/* The kernel's check hook for n particles, or NB_OK when it has none. */
int nb_kernel_check(const nb_kernel *k, const nb_kernel_params *kp, size_t n,
                    const char **key, nb_error *err);
/* Kernel k's reads_accel hook for kp's own parameters, or 0 when it has none. */
int nb_kernel_reads_accel(const nb_kernel *k, const nb_kernel_params *kp);
/* Interactions per evaluation of kernel k for n particles (its hook, else n (n - 1)). */
double nb_kernel_interactions(const nb_kernel *k, const nb_kernel_params *kp, size_t n);

/* energy.csv's potential for output.potential = method and N = n: NULL for the exact
 * pair sum ("exact", or "auto" below every kernel's energy_potential_auto_n), else the
 * kernel whose potentials it takes. *known is 0 when method is neither "exact", "auto"
 * nor a kernel with energy_potential. */
const nb_kernel *nb_kernel_energy_potential(const char *method, size_t n, int *known);
/* The kernel parameters and description of energy.csv's potential once
 * nb_kernel_energy_potential(method, ...) chose k (NULL: the exact pair sum): kp's own
 * parameters of k set through k's energy_potential hook (auto_pick when method is
 * "auto"), and desc (size bytes, when not NULL) the method and its relative error on W. */
void nb_kernel_energy_params(const nb_kernel *k, const char *method, nb_kernel_params *kp,
                             char *desc, size_t size);
/* "exact, auto, tree": the values output.potential takes, for messages. */
const char *nb_kernel_energy_potential_names(void);

#endif
