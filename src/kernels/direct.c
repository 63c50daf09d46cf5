/* Kernel "direct": the exact pairwise sum on one thread. Shares its row loop with
 * "parallel", so the two give identical bits. */
#include "kernels.h"
#include "pairwise.h"

static int direct_accel(void *state, const nb_kernel_params *kp, nb_particles *p,
                        double *pot, nb_error *err)
{
    (void)state;
    (void)err;
    double eps2 = kp->eps * kp->eps;
    for (size_t i = 0; i < p->n; i++)
        nb_pair_target(i, p->n, p->x, p->y, p->z, p->m, kp->G, eps2, p->ax, p->ay, p->az, pot);
    return NB_OK;
}

const nb_kernel nb_kernel_direct = {
    .name = "direct",
    .summary = "exact pairwise sum, one thread, SIMD",
    .create = NULL,
    .destroy = NULL,
    .accel = direct_accel,
};
