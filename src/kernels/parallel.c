/* Kernel "parallel": the exact pairwise sum with OpenMP threads over target particles.
 * Each target's sum is done by one thread in a fixed order: same bits for any thread count. */
#include "kernels.h"
#include "pairwise.h"
#include "threads.h"

static int parallel_accel(void *state, const nb_kernel_params *kp, nb_particles *p,
                          double *pot, nb_error *err)
{
    (void)state;
    (void)err;
    double eps2 = kp->eps * kp->eps;
    size_t n = p->n;
#pragma omp parallel for schedule(static) num_threads(nb_threads(kp->threads))
    for (size_t i = 0; i < n; i++)
        nb_pair_target(i, n, p->x, p->y, p->z, p->m, kp->G, eps2, p->ax, p->ay, p->az, pot);
    return NB_OK;
}

const nb_kernel nb_kernel_parallel = {
    .name = "parallel",
    .summary = "exact pairwise sum, OpenMP threads over targets, SIMD inside",
    .create = NULL,
    .destroy = NULL,
    .accel = parallel_accel,
};
