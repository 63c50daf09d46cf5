/* Kernel "direct": the exact pairwise sum on one thread, SIMD over sources, each pair once
 * (Newton's third law). Runs the same tiles as "parallel", so the two give identical bits;
 * a distributed run's rank runs the tiles on its own particles' blocks (pairwise.h), which
 * gives the same bits again. */
#include "gravity/kernels.h"
#include "gravity/pairwise.h"

static int direct_accel_range(void *state, const nb_kernel_params *kp, nb_particles *p,
                              size_t i0, size_t i1, double *pot, nb_error *err)
{
    (void)state;
    (void)err;
    nb_pair_accel_range(NB_SIMD_AUTO, p, i0, i1, kp->G, kp->eps * kp->eps, pot, 1);
    return NB_OK;
}

static int direct_accel(void *state, const nb_kernel_params *kp, nb_particles *p,
                        double *pot, nb_error *err)
{
    return direct_accel_range(state, kp, p, 0, p->n, pot, err);
}

const nb_kernel nb_kernel_direct = {
    .name = "direct",
    .summary = "exact pairwise sum, one thread, SIMD",
    .create = NULL,
    .destroy = NULL,
    .accel = direct_accel,
    .accel_range = direct_accel_range,
};
