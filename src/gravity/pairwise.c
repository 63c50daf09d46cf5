/* The pairwise tile schedule behind direct, parallel and the exact potential, the run-time
 * choice of tile path (a CPU check), and the portable omp simd path. The AVX2 and AVX-512
 * paths live in pairwise_avx2.c and pairwise_avx512.c, each compiled for its own target
 * (so --disable-native builds keep them). */
#include "gravity/pairwise.h"
#include "gravity/pairwise_simd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int nb_simd_available(nb_simd s)
{
    switch (s) {
    case NB_SIMD_AUTO:
    case NB_SIMD_GENERIC:
        return 1;
#if NB_HAVE_X86
    case NB_SIMD_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case NB_SIMD_AVX512:
        return __builtin_cpu_supports("avx512f");
#endif
    default:
        return 0;
    }
}

nb_simd nb_simd_best(void)
{
    if (nb_simd_available(NB_SIMD_AVX512))
        return NB_SIMD_AVX512;
    if (nb_simd_available(NB_SIMD_AVX2))
        return NB_SIMD_AVX2;
    return NB_SIMD_GENERIC;
}

const char *nb_simd_name(nb_simd s)
{
    switch (s) {
    case NB_SIMD_AUTO: return "auto";
    case NB_SIMD_GENERIC: return "generic";
    case NB_SIMD_AVX2: return "avx2";
    case NB_SIMD_AVX512: return "avx512";
    }
    return "unknown";
}

/* ---------------------------------------------------------------- the schedule */

/* Blocks of 256 to 4096 particles: big enough that per-row costs (broadcasts, horizontal
 * sums) vanish, small enough that a tile's two blocks stay in L1/L2 and that the 64
 * blocks of n >= 16384 keep up to 32 threads busy on tiles of disjoint blocks. */
nb_pair_plan nb_pair_plan_make(size_t n)
{
    size_t nb = n / 256;
    if (nb > 64)
        nb = 64;
    if (nb && n / nb > 4096)
        nb = n / 4096;
    if (nb < 1)
        nb = 1;
    if (nb > 1 && nb % 2)
        nb++;
    return (nb_pair_plan){.n = n, .nb = nb};
}

/* First particle of block b; block starts are multiples of 8 so source loads are aligned. */
size_t nb_pair_block_start(const nb_pair_plan *pl, size_t b)
{
    if (b >= pl->nb)
        return pl->n;
    return (b * pl->n / pl->nb) & ~(size_t)7;
}

size_t nb_pair_rounds(const nb_pair_plan *pl)
{
    return pl->nb;
}

size_t nb_pair_round_tiles(const nb_pair_plan *pl, size_t round)
{
    return round == 0 ? pl->nb : pl->nb / 2;
}

/* The circle method: block nb-1 stays put, the others rotate. */
void nb_pair_tile_blocks(const nb_pair_plan *pl, size_t round, size_t tile, size_t *bi,
                         size_t *bj)
{
    if (round == 0) {
        *bi = *bj = tile;
        return;
    }
    size_t m = pl->nb - 1, r = round - 1, a, b;
    if (tile == 0) {
        a = r;
        b = m;
    } else {
        a = (r + tile) % m;
        b = (r + m - tile) % m;
    }
    *bi = a < b ? a : b;
    *bj = a < b ? b : a;
}

size_t nb_pair_partner(const nb_pair_plan *pl, size_t round, size_t b)
{
    size_t m = pl->nb - 1, r = round - 1;
    if (round == 0)
        return b;
    if (b == m)
        return r;
    if (b == r)
        return m;
    /* tile t pairs (r + t) % m with (r - t) % m: the two add up to 2 r modulo m */
    return (2 * r + 2 * m - b) % m;
}

static void zero_sums(nb_particles *p, size_t i0, size_t i1, double *pot)
{
    for (size_t i = i0; i < i1; i++) {
        p->ax[i] = 0.0;
        p->ay[i] = 0.0;
        p->az[i] = 0.0;
        if (pot)
            pot[i] = 0.0;
    }
}

static void scale_sums(nb_particles *p, size_t i0, size_t i1, double G, double *pot)
{
    for (size_t i = i0; i < i1; i++) {
        p->ax[i] *= G;
        p->ay[i] *= G;
        p->az[i] *= G;
        if (pot)
            pot[i] *= G;
    }
}

/* ---------------------------------------------------------------- portable path */

/* Every tile loop below has the same shape. For each target i of the row block, one pass
 * over the source range computes each pair once: the source's sums (ax[j]..) take the
 * reaction right away, the target's own sum is kept in registers and added to ax[i] at
 * the end of the pass. Diagonal tiles take sources j > i of the same block. */
static inline __attribute__((always_inline)) void
row_generic(nb_particles *p, size_t i, size_t j0, size_t j1, double eps2, double *pot,
            int want_pot)
{
    const double *restrict x = p->x, *restrict y = p->y, *restrict z = p->z,
                 *restrict m = p->m;
    double *restrict fx = p->ax, *restrict fy = p->ay, *restrict fz = p->az,
           *restrict fp = pot;
    double xi = x[i], yi = y[i], zi = z[i], mi = m[i];
    double ax = 0.0, ay = 0.0, az = 0.0, phi = 0.0;
#pragma omp simd reduction(+ : ax, ay, az, phi)
    for (size_t j = j0; j < j1; j++) {
        double dx = x[j] - xi, dy = y[j] - yi, dz = z[j] - zi;
        double r2 = dx * dx + dy * dy + dz * dz + eps2;
        double ri = r2 > 0.0 ? 1.0 / sqrt(r2) : 0.0;
        double s = ri * ri * ri;
        double wi = m[j] * s, wj = mi * s;
        ax += wi * dx;
        ay += wi * dy;
        az += wi * dz;
        fx[j] -= wj * dx;
        fy[j] -= wj * dy;
        fz[j] -= wj * dz;
        if (want_pot) {
            phi -= m[j] * ri;
            fp[j] -= mi * ri;
        }
    }
    fx[i] += ax;
    fy[i] += ay;
    fz[i] += az;
    if (want_pot)
        fp[i] += phi;
}

static void tile_generic(nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                         double eps2, double *pot)
{
    int diag = i0 == j0;
    for (size_t i = i0; i < i1; i++) {
        size_t js = diag ? i + 1 : j0;
        if (pot)
            row_generic(p, i, js, j1, eps2, pot, 1);
        else
            row_generic(p, i, js, j1, eps2, NULL, 0);
    }
}

/* The potential alone, one target per pass against sources [js, j1). */
static void pot_row_generic(const nb_particles *p, size_t i, size_t js, size_t j1,
                            double eps2, double *phi)
{
    const double *restrict x = p->x, *restrict y = p->y, *restrict z = p->z,
                 *restrict m = p->m;
    double *restrict fp = phi;
    double xi = x[i], yi = y[i], zi = z[i], mi = m[i], acc = 0.0;
#pragma omp simd reduction(+ : acc)
    for (size_t j = js; j < j1; j++) {
        double dx = x[j] - xi, dy = y[j] - yi, dz = z[j] - zi;
        double r2 = dx * dx + dy * dy + dz * dz + eps2;
        double ri = r2 > 0.0 ? 1.0 / sqrt(r2) : 0.0;
        acc -= m[j] * ri;
        fp[j] -= mi * ri;
    }
    fp[i] += acc;
}

static void pot_tile_generic(const nb_particles *p, size_t i0, size_t i1, size_t j0,
                             size_t j1, double eps2, double *phi)
{
    for (size_t i = i0; i < i1; i++)
        pot_row_generic(p, i, i0 == j0 ? i + 1 : j0, j1, eps2, phi);
}

static void tile_sums(nb_simd s, nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                      double eps2, double *pot)
{
#if NB_HAVE_X86
    if (s == NB_SIMD_AVX512) {
        nb_pair_tile_avx512(p, i0, i1, j0, j1, eps2, pot);
        return;
    }
    if (s == NB_SIMD_AVX2) {
        nb_pair_tile_avx2(p, i0, i1, j0, j1, eps2, pot);
        return;
    }
#endif
    tile_generic(p, i0, i1, j0, j1, eps2, pot);
}

void nb_pair_tile(nb_simd s, const nb_pair_plan *pl, size_t round, size_t tile,
                  nb_particles *p, double G, double eps2, double *pot)
{
    size_t bi, bj;
    nb_pair_tile_blocks(pl, round, tile, &bi, &bj);
    size_t i0 = nb_pair_block_start(pl, bi), i1 = nb_pair_block_start(pl, bi + 1);
    size_t j0 = nb_pair_block_start(pl, bj), j1 = nb_pair_block_start(pl, bj + 1);
    if (s == NB_SIMD_AUTO)
        s = nb_simd_best();
    /* round 0 is every block's first tile, the last round every block's last */
    if (round == 0)
        zero_sums(p, i0, i1, pot);
    tile_sums(s, p, i0, i1, j0, j1, eps2, pot);
    if (round + 1 == nb_pair_rounds(pl)) {
        scale_sums(p, i0, i1, G, pot);
        if (bj != bi)
            scale_sums(p, j0, j1, G, pot);
    }
}

/* ---------------------------------------------------------------- running the schedule */

void nb_pair_blocks_of(const nb_pair_plan *pl, size_t i0, size_t i1, size_t *b0, size_t *b1)
{
    size_t lo = 0, hi = pl->nb;
    while (lo < pl->nb && nb_pair_block_start(pl, lo + 1) <= i0)
        lo++;
    while (hi > lo && nb_pair_block_start(pl, hi - 1) >= i1)
        hi--;
    *b0 = lo;
    *b1 = i1 > i0 ? hi : lo;
}

/* Whether block b is one the caller asked for. */
static inline int selected(const nb_pair_blocks *bs, size_t b)
{
    return bs->sel ? bs->sel[b] != 0 : b >= bs->b0 && b < bs->b1;
}

void nb_pair_schedule_run(const nb_pair_plan *pl, const nb_pair_blocks *bs, int threads,
                          nb_pair_tile_fn fn, void *ctx)
{
    size_t rounds = nb_pair_rounds(pl);
    /* at most nb/2 tiles run at once: more threads would only wait (same bits anyway) */
    if ((size_t)threads > pl->nb / 2)
        threads = (int)(pl->nb / 2);
    if (threads <= 1) {
        for (size_t r = 0; r < rounds; r++)
            for (size_t t = 0; t < nb_pair_round_tiles(pl, r); t++) {
                size_t bi, bj;
                nb_pair_tile_blocks(pl, r, t, &bi, &bj);
                if (selected(bs, bi) || selected(bs, bj))
                    fn(ctx, r, t);
            }
        return;
    }
    /* one dependence token per block: the tiles on a block run one after another in
     * schedule order, tiles on other blocks beside them */
    char *dep = calloc(pl->nb, 1);
    if (!dep) {
        nb_pair_schedule_run(pl, bs, 1, fn, ctx);
        return;
    }
#pragma omp parallel num_threads(threads)
#pragma omp single
    for (size_t r = 0; r < rounds; r++) {
        for (size_t t = 0; t < nb_pair_round_tiles(pl, r); t++) {
            size_t bi, bj;
            nb_pair_tile_blocks(pl, r, t, &bi, &bj);
            if (!(selected(bs, bi) || selected(bs, bj)))
                continue;
#pragma omp task default(shared) firstprivate(r, t) depend(inout : dep[bi], dep[bj])
            fn(ctx, r, t);
        }
    }
    free(dep);
}

/* The particles of blocks not asked for take some of their tiles only: their sums are
 * meaningless, but start from zero so they stay finite and initialised. */
static void zero_unselected(const nb_pair_plan *pl, const nb_pair_blocks *bs, double *a,
                            double *b, double *c, double *d)
{
    double *cols[4] = {a, b, c, d};
    for (size_t blk = 0; blk < pl->nb; blk++) {
        if (selected(bs, blk))
            continue;
        size_t lo = nb_pair_block_start(pl, blk), hi = nb_pair_block_start(pl, blk + 1);
        for (int k = 0; k < 4; k++)
            if (cols[k])
                memset(cols[k] + lo, 0, (hi - lo) * sizeof(double));
    }
}

typedef struct force_ctx {
    nb_simd s;
    const nb_pair_plan *pl;
    nb_particles *p;
    double G, eps2, *pot;
} force_ctx;

static void force_tile(void *ctx, size_t round, size_t tile)
{
    force_ctx *c = ctx;
    nb_pair_tile(c->s, c->pl, round, tile, c->p, c->G, c->eps2, c->pot);
}

void nb_pair_accel_blocks(nb_simd s, nb_particles *p, const nb_pair_blocks *bs, double G,
                          double eps2, double *pot, int threads)
{
    nb_pair_plan pl = nb_pair_plan_make(p->n);
    force_ctx c = {s == NB_SIMD_AUTO ? nb_simd_best() : s, &pl, p, G, eps2, pot};
    zero_unselected(&pl, bs, p->ax, p->ay, p->az, pot);
    nb_pair_schedule_run(&pl, bs, threads, force_tile, &c);
}

void nb_pair_accel_range(nb_simd s, nb_particles *p, size_t i0, size_t i1, double G,
                         double eps2, double *pot, int threads)
{
    nb_pair_plan pl = nb_pair_plan_make(p->n);
    nb_pair_blocks bs = {NULL, 0, 0};
    nb_pair_blocks_of(&pl, i0, i1, &bs.b0, &bs.b1);
    nb_pair_accel_blocks(s, p, &bs, G, eps2, pot, threads);
}

void nb_pair_accel(nb_simd s, nb_particles *p, double G, double eps2, double *pot)
{
    nb_pair_accel_range(s, p, 0, p->n, G, eps2, pot, 1);
}

typedef struct pot_ctx {
    nb_simd s;
    const nb_pair_plan *pl;
    const nb_particles *p;
    double eps2, *phi;
} pot_ctx;

static void pot_tile(void *ctx, size_t round, size_t tile)
{
    pot_ctx *c = ctx;
    nb_pair_pot_tile(c->s, c->pl, round, tile, c->p, c->eps2, c->phi);
}

void nb_pair_pot_range(nb_simd s, const nb_particles *p, size_t i0, size_t i1, double eps2,
                       double *phi, int threads)
{
    nb_pair_plan pl = nb_pair_plan_make(p->n);
    pot_ctx c = {s == NB_SIMD_AUTO ? nb_simd_best() : s, &pl, p, eps2, phi};
    nb_pair_blocks bs = {NULL, 0, 0};
    nb_pair_blocks_of(&pl, i0, i1, &bs.b0, &bs.b1);
    zero_unselected(&pl, &bs, phi, NULL, NULL, NULL);
    nb_pair_schedule_run(&pl, &bs, threads, pot_tile, &c);
}

void nb_pair_pot_tile(nb_simd s, const nb_pair_plan *pl, size_t round, size_t tile,
                      const nb_particles *p, double eps2, double *phi)
{
    size_t bi, bj;
    nb_pair_tile_blocks(pl, round, tile, &bi, &bj);
    size_t i0 = nb_pair_block_start(pl, bi), i1 = nb_pair_block_start(pl, bi + 1);
    size_t j0 = nb_pair_block_start(pl, bj), j1 = nb_pair_block_start(pl, bj + 1);
    if (s == NB_SIMD_AUTO)
        s = nb_simd_best();
    if (round == 0) /* every block's first tile */
        for (size_t i = i0; i < i1; i++)
            phi[i] = 0.0;
#if NB_HAVE_X86
    if (s == NB_SIMD_AVX512) {
        nb_pair_pot_tile_avx512(p, i0, i1, j0, j1, eps2, phi);
        return;
    }
    if (s == NB_SIMD_AVX2) {
        nb_pair_pot_tile_avx2(p, i0, i1, j0, j1, eps2, phi);
        return;
    }
#endif
    pot_tile_generic(p, i0, i1, j0, j1, eps2, phi);
}

/* ---------------------------------------------------------------- one target alone */

int nb_pair_target_exact(nb_simd s)
{
    if (s == NB_SIMD_AUTO)
        s = nb_simd_best();
    return NB_HAVE_X86 && (s == NB_SIMD_AVX512 || s == NB_SIMD_AVX2);
}

#if NB_HAVE_X86
/* Target q's pass over sources [js, j1), added into acc as tgt_store adds it. */
static void add_row(nb_simd s, const nb_particles *p, size_t q, size_t js, size_t j1,
                    double eps2, double acc[4], int want_pot)
{
    double out[4];
    if (s == NB_SIMD_AVX512)
        nb_pair_row_avx512(p, q, js, j1, eps2, out, want_pot);
    else
        nb_pair_row_avx2(p, q, js, j1, eps2, out, want_pot);
    for (int c = 0; c < 4; c++)
        acc[c] += out[c];
}

static void add_react(nb_simd s, const nb_particles *p, size_t q, size_t r0, size_t r1,
                      double eps2, double acc[4], int want_pot)
{
    if (s == NB_SIMD_AVX512)
        nb_pair_react_avx512(p, q, r0, r1, eps2, acc, want_pot);
    else
        nb_pair_react_avx2(p, q, r0, r1, eps2, acc, want_pot);
}
#endif

void nb_pair_target(nb_simd s, const nb_pair_plan *pl, const nb_particles *p, size_t q,
                    double G, double eps2, int want_pot, double out[4])
{
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
#if NB_HAVE_X86
    if (s == NB_SIMD_AUTO)
        s = nb_simd_best();
    size_t b, b1;
    nb_pair_blocks_of(pl, q, q + 1, &b, &b1);
    size_t q0 = nb_pair_block_start(pl, b), q1 = nb_pair_block_start(pl, b + 1);
    /* the tile on q's block in each round, in schedule order: round 0 its diagonal tile
     * (the passes of the targets before q, then q's own), later rounds its pass over the
     * other block's sources when q's block is the rows' (the lower), else the other
     * block's passes over q */
    for (size_t r = 0; r < nb_pair_rounds(pl); r++) {
        size_t o = nb_pair_partner(pl, r, b);
        size_t o0 = nb_pair_block_start(pl, o), o1 = nb_pair_block_start(pl, o + 1);
        if (r == 0) {
            add_react(s, p, q, q0, q, eps2, acc, want_pot);
            add_row(s, p, q, q + 1, q1, eps2, acc, want_pot);
        } else if (b < o) {
            add_row(s, p, q, o0, o1, eps2, acc, want_pot);
        } else {
            add_react(s, p, q, o0, o1, eps2, acc, want_pot);
        }
    }
#else
    (void)s, (void)pl, (void)p, (void)q, (void)eps2;
#endif
    for (int c = 0; c < 4; c++)
        out[c] = want_pot || c < 3 ? acc[c] * G : 0.0;
}
