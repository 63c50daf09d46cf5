/* The exact pairwise sum every exact kernel shares: tiles of source-target blocks, each pair
 * computed once (Newton's third law), in a schedule of rounds whose tiles touch disjoint
 * particles, so threads need no atomics and every particle's sum has one fixed order.
 * One vectorised tile loop per CPU family (AVX-512, AVX2+FMA, portable omp simd), picked
 * at run time. direct and parallel run the same tiles, so on a given path they agree to
 * the bit whatever the thread count. The exact potential energy (potential.c) runs the
 * same schedule on potential-only tiles. */
#ifndef NB_PAIRWISE_H
#define NB_PAIRWISE_H

#include <stddef.h>

#include "core/particles.h"

typedef enum nb_simd {
    NB_SIMD_AUTO = 0, /* the best path this CPU runs */
    NB_SIMD_GENERIC,  /* omp simd loops with sqrt and divide: any CPU, any compiler */
    NB_SIMD_AVX2,     /* AVX2+FMA intrinsics, 4 pairs per instruction */
    NB_SIMD_AVX512    /* AVX-512F intrinsics, 8 pairs per instruction */
} nb_simd;

/* Whether this build and this CPU can run path s (AUTO: always). */
int nb_simd_available(nb_simd s);
/* The path AUTO stands for here. */
nb_simd nb_simd_best(void);
/* "avx512", "avx2", "generic" ("auto" for AUTO). */
const char *nb_simd_name(nb_simd s);

/* The schedule, a function of n alone. The particles are cut into nb blocks (nb = 1 or
 * even); round 0 holds the nb diagonal tiles (b, b), rounds 1 .. nb-1 hold nb/2 tiles
 * each, pairing every two blocks once (a round-robin tournament). Tiles of one round share
 * no block, and every block has a tile in round 0 and in the last round. */
typedef struct nb_pair_plan {
    size_t n, nb;
} nb_pair_plan;

nb_pair_plan nb_pair_plan_make(size_t n);
size_t nb_pair_rounds(const nb_pair_plan *pl);
size_t nb_pair_round_tiles(const nb_pair_plan *pl, size_t round);
/* First particle of block b (n for b = nb). */
size_t nb_pair_block_start(const nb_pair_plan *pl, size_t b);
/* The blocks of tile `tile` of round `round`: bi <= bj; bi == bj on the diagonal. */
void nb_pair_tile_blocks(const nb_pair_plan *pl, size_t round, size_t tile, size_t *bi,
                         size_t *bj);

/* Adds tile `tile` of round `round` into the sums of its blocks' particles (the
 * accelerations, and pot when not NULL): each pair once, both sides. Round 0 zeroes the
 * sums first and the last round multiplies them by G at the end, so running all tiles of
 * all rounds gives, once every tile on a block has run in schedule order:
 *   p->ax[i].. = G sum_{j != i} m_j (x_j - x_i) / (r_ij^2 + eps2)^{3/2},
 *   pot[i]     = -G sum_{j != i} m_j / sqrt(r_ij^2 + eps2),
 * skipping pairs at zero distance when eps2 == 0. A particle's sum depends only on the
 * order of the tiles on its block, so tiles on disjoint blocks may run at once. The SIMD
 * paths take 1/sqrt from the hardware estimate refined by a Newton-type series: within a
 * few ulp of sqrt and divide, at a fraction of the cost. */
void nb_pair_tile(nb_simd s, const nb_pair_plan *pl, size_t round, size_t tile,
                  nb_particles *p, double G, double eps2, double *pot);

/* Every tile of every round in order, on one thread. */
void nb_pair_accel(nb_simd s, nb_particles *p, double G, double eps2, double *pot);

/* The blocks [*b0, *b1) that hold particles i0 .. i1-1. */
void nb_pair_blocks_of(const nb_pair_plan *pl, size_t i0, size_t i1, size_t *b0, size_t *b1);

/* The blocks a caller asks for: those with sel[b] != 0 (nb bytes), or without sel those
 * of [b0, b1). */
typedef struct nb_pair_blocks {
    const unsigned char *sel;
    size_t b0, b1;
} nb_pair_blocks;

/* Calls fn(ctx, round, tile) for every tile of the schedule that touches a block of bs,
 * in schedule order for each block: on the calling thread when threads <= 1, else as
 * OpenMP tasks on up to `threads` threads (at most nb/2 are ever busy), each tile
 * depending on its two blocks. So a block of bs takes its tiles in the same order as in
 * a run of the whole schedule on one thread: the same bits. */
typedef void (*nb_pair_tile_fn)(void *ctx, size_t round, size_t tile);
void nb_pair_schedule_run(const nb_pair_plan *pl, const nb_pair_blocks *bs, int threads,
                          nb_pair_tile_fn fn, void *ctx);

/* The other block of block b's tile in round `round` (b itself in round 0). */
size_t nb_pair_partner(const nb_pair_plan *pl, size_t round, size_t b);

/* nb_pair_tile for every tile touching a block of particles i0 .. i1-1, on `threads`
 * threads (resolved: >= 1): the accelerations (and pot) of the particles of those blocks,
 * among them i0 .. i1-1, are those of nb_pair_accel, bit for bit, for any range and
 * thread count. A distributed run's ranks each take their own range; the tiles shared by
 * two ranks' blocks are computed by both, which costs about what a one-sided sum would
 * (N^2/P pair evaluations per rank against the whole schedule's N^2/2) and keeps the
 * plain build's bits. Other particles' sums are left meaningless (finite). */
void nb_pair_accel_range(nb_simd s, nb_particles *p, size_t i0, size_t i1, double G,
                         double eps2, double *pot, int threads);

/* nb_pair_tile for every tile touching a block of bs: as nb_pair_accel_range for the
 * particles of those blocks. */
void nb_pair_accel_blocks(nb_simd s, nb_particles *p, const nb_pair_blocks *bs, double G,
                          double eps2, double *pot, int threads);

/* One target alone: particle q's accelerations and, with want_pot, potential (out[0..3];
 * out[3] = 0 without) from all sources, without writing anything. On the SIMD paths
 * (nb_pair_target_exact) it replays what the tiles add into q's sums, in schedule order:
 * q's own passes over its partners' sources with the tiles' lanes and horizontal sums,
 * and the other targets' passes over q term by term with the same fused operations; so
 * it gives the tiles' bits, at the cost of one side of each pair (N pairs against the
 * tiles' N / 2 per particle): every lane of the SIMD paths depends on its own pair alone
 * (rsqrt256 takes sqrt and divide lane by lane). On the portable path it is not
 * available (the omp simd reductions' shape is the compiler's): out is zero, and callers
 * run the tiles instead. */
int nb_pair_target_exact(nb_simd s);
void nb_pair_target(nb_simd s, const nb_pair_plan *pl, const nb_particles *p, size_t q,
                    double G, double eps2, int want_pot, double out[4]);

/* The potential-only tile `tile` of round `round`: adds, for each pair of the tile once,
 * -m_j / sqrt(r_ij^2 + eps2) into phi[i] and -m_i / sqrt(..) into phi[j] (zero-distance
 * pairs skipped when eps2 == 0; no G, accelerations untouched). Round 0 zeroes the sums
 * first, so after all tiles in schedule order phi[i] = -sum_{j != i} m_j / sqrt(..), with
 * the same ordering guarantees as nb_pair_tile. */
void nb_pair_pot_tile(nb_simd s, const nb_pair_plan *pl, size_t round, size_t tile,
                      const nb_particles *p, double eps2, double *phi);

/* The potential-only tiles touching a block of particles i0 .. i1-1, as
 * nb_pair_accel_range: phi of those blocks' particles as after the whole schedule. */
void nb_pair_pot_range(nb_simd s, const nb_particles *p, size_t i0, size_t i1, double eps2,
                       double *phi, int threads);

#endif
