/* Kernel "direct": the exact pairwise sum on one thread, SIMD over sources, each pair once
 * (Newton's third law). Runs the same tiles as "parallel", so the two give identical bits. */
#include "gravity/kernels.h"
#include "gravity/pairwise.h"

static int direct_accel(void *state, const nb_kernel_params *kp, nb_particles *p,
                        double *pot, nb_error *err)
{
    (void)state;
    (void)err;
    nb_pair_accel(NB_SIMD_AUTO, p, kp->G, kp->eps * kp->eps, pot);
    return NB_OK;
}

const nb_kernel nb_kernel_direct = {
    .name = "direct",
    .summary = "exact pairwise sum, one thread, SIMD",
    .create = NULL,
    .destroy = NULL,
    .accel = direct_accel,
};
