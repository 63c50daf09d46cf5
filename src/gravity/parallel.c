/* Kernel "parallel": the exact pairwise sum with OpenMP threads, SIMD inside, each pair
 * once. The schedule's tiles become tasks that depend on their two blocks, so the tiles on
 * a block run one after another in schedule order while tiles on other blocks run beside
 * them: no atomics, no barrier per round, and every particle takes its contributions in
 * the same order as in "direct": the same bits for any thread count. */
#include "gravity/kernels.h"
#include "gravity/pairwise.h"
#include "gravity/pairwise_onesided.h"
#include "core/threads.h"

static int parallel_accel(void *state, const nb_kernel_params *kp, nb_particles *p,
                          double *pot, nb_error *err)
{
    (void)state;
    (void)err;
    double eps2 = kp->eps * kp->eps;
    nb_simd s = nb_simd_best();
    nb_pair_plan pl = nb_pair_plan_make(p->n);
    size_t rounds = nb_pair_rounds(&pl);
    /* at most nb/2 tiles run at once: more threads would only wait (same bits anyway) */
    size_t busy = pl.nb / 2;
    int threads = nb_threads(kp->threads);
    if ((size_t)threads > busy)
        threads = (int)busy;
    if (threads <= 1) {
        nb_pair_accel(s, p, kp->G, eps2, pot);
        return NB_OK;
    }
#pragma omp parallel num_threads(threads)
#pragma omp single
    for (size_t r = 0; r < rounds; r++) {
        for (size_t t = 0; t < nb_pair_round_tiles(&pl, r); t++) {
            size_t bi, bj;
            nb_pair_tile_blocks(&pl, r, t, &bi, &bj);
            size_t i0 = nb_pair_block_start(&pl, bi), j0 = nb_pair_block_start(&pl, bj);
            /* a block's first acceleration stands for the whole block */
#pragma omp task default(shared) firstprivate(r, t) depend(inout : p->ax[i0], p->ax[j0])
            nb_pair_tile(s, &pl, r, t, p, kp->G, eps2, pot);
        }
    }
    return NB_OK;
}

/* distributed runs: one-sided, targets shared among threads (pairwise_onesided.c) */
static int parallel_accel_range(void *state, const nb_kernel_params *kp, nb_particles *p,
                                size_t i0, size_t i1, double *pot, nb_error *err)
{
    (void)state;
    (void)err;
    nb_pair_accel_range(p, i0, i1, kp->G, kp->eps * kp->eps, pot, nb_threads(kp->threads));
    return NB_OK;
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
