/* Kernel "direct": the exact pairwise sum on one thread, SIMD over sources, each pair once
 * (Newton's third law). Runs the same tiles as "parallel", so the two give identical bits. */
#include "gravity/kernels.h"
#include "gravity/pairwise.h"
#include "gravity/pairwise_onesided.h"

static int direct_accel(void *state, const nb_kernel_params *kp, nb_particles *p,
                        double *pot, nb_error *err)
{
    (void)state;
    (void)err;
    nb_pair_accel(NB_SIMD_AUTO, p, kp->G, kp->eps * kp->eps, pot);
    return NB_OK;
}

/* distributed runs: one-sided, one thread (pairwise_onesided.c) */
static int direct_accel_range(void *state, const nb_kernel_params *kp, nb_particles *p,
                              size_t i0, size_t i1, double *pot, nb_error *err)
{
    (void)state;
    (void)err;
    nb_pair_accel_range(p, i0, i1, kp->G, kp->eps * kp->eps, pot, 1);
    return NB_OK;
}

const nb_kernel nb_kernel_direct = {
    .name = "direct",
    .summary = "exact pairwise sum, one thread, SIMD",
    .create = NULL,
    .destroy = NULL,
    .accel = direct_accel,
    .accel_range = direct_accel_range,
};
