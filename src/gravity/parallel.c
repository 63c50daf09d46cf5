/* Kernel "parallel": the exact pairwise sum with OpenMP threads, SIMD inside, each pair
 * once. The schedule's tiles become tasks that depend on their two blocks (pairwise.c),
 * so the tiles on a block run one after another in schedule order while tiles on other
 * blocks run beside them: no atomics, no barrier per round, and every particle takes its
 * contributions in the same order as in "direct": the same bits for any thread count,
 * and for any rank count in a distributed run. */
#include "gravity/kernels.h"
#include "gravity/pairwise.h"
#include "core/threads.h"

static int parallel_accel_range(void *state, const nb_kernel_params *kp, nb_particles *p,
                                size_t i0, size_t i1, double *pot, nb_error *err)
{
    (void)state;
    (void)err;
    nb_pair_accel_range(NB_SIMD_AUTO, p, i0, i1, kp->G, kp->eps * kp->eps, pot,
                        nb_threads(kp->threads));
    return NB_OK;
}

static int parallel_accel(void *state, const nb_kernel_params *kp, nb_particles *p,
                          double *pot, nb_error *err)
{
    return parallel_accel_range(state, kp, p, 0, p->n, pot, err);
}

const nb_kernel nb_kernel_parallel = {
    .name = "parallel",
    .summary = "exact pairwise sum, OpenMP tasks over tiles of particle pairs, SIMD inside",
    .threaded = 1,
    .create = NULL,
    .destroy = NULL,
    .accel = parallel_accel,
    .accel_range = parallel_accel_range,
};
