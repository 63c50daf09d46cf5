/* The tree's float loops, cells and particles, shared by the AVX2 and AVX-512 paths:
 * included once by tree_eval_avx2.c and once by tree_eval_avx512.c, each after defining
 * its vector primitives (no include guard on purpose). One body means the two paths do the
 * same operations in the same order per term; only the vector width, the 1/sqrt estimate
 * (vrsqrtps, 2^-12; vrsqrt14ps, 2^-14), the near-lane masks, the widening into double and
 * the horizontal sum differ, and those are the includer's. So the paths' bits differ
 * (DESIGN.md: bits may differ between vector units), each the same on every run.
 *
 * The includer defines:
 *   vf, vacc, vnear         float vector, double vector of half its lanes, lane mask
 *   TS_LANES, TS_TARGETS    float lanes per vector; targets per pass over the cell list
 *   TS_INLINE, TS_FN        attributes of inlined helpers / the exported functions
 *   TS_CELLS, TS_FPARTS     the exported functions' names
 *   fset1 fzero fload fadd fsub fmul ffmadd ffnmadd ffmsub  arithmetic
 *                           (ffnmadd(a,b,c) = c - a*b, ffmsub(a,b,c) = a*b - c)
 *   frsqrt_est(r2)          the estimate of 1/sqrt(r2) that one Newton step refines
 *   acc_zero() acc_widen_add(acc, v) acc_hsum(acc)   double sums of float vectors
 *   near_of(d2, near2)      lanes with d2 < near2; near_bits(m): them as bits
 *   drop_near(m, v)         v with those lanes zeroed */
#include <stdint.h>

/* One Newton step on the estimate: y (3/2 - r2 y^2 / 2), relative error about 1e-7. */
TS_INLINE vf ts_rsqrt(vf r2)
{
    const vf half = fset1(0.5f), three_half = fset1(1.5f);
    vf y = frsqrt_est(r2);
    return fmul(y, ffnmadd(fmul(half, r2), fmul(y, y), three_half));
}

/* TS_LANES cells of the list, loaded once per step for every target of the pass. */
typedef struct ts_cell {
    vf x, y, z, m, tr, xx, yy, zz, xy, xz, yz;
} ts_cell;

/* One target's broadcast position, its float sums over the current run of cells and its
 * double sums over the runs. */
typedef struct ts_tgt {
    vf x, y, z, ax, ay, az, ph;
    vacc sx, sy, sz, sp;
} ts_tgt;

TS_INLINE void ts_cell_load(ts_cell *c, const nb_tree_lists *l, size_t k)
{
    c->x = fload(l->cx + k);
    c->y = fload(l->cy + k);
    c->z = fload(l->cz + k);
    c->m = fload(l->cm + k);
    c->tr = fload(l->ctr + k);
    c->xx = fload(l->qxx + k);
    c->yy = fload(l->qyy + k);
    c->zz = fload(l->qzz + k);
    c->xy = fload(l->qxy + k);
    c->xz = fload(l->qxz + k);
    c->yz = fload(l->qyz + k);
}

/* One step of cells on one target, tree_eval.c's CELL_TERM: a = g4 Q n - n (M g2 +
 * 5/2 g4 u), phi = -g3 u / 2 - M g1 with n = R g1, u = n.Q.n - eps^2 tr g2. */
TS_INLINE void ts_cell_term(const ts_cell *c, ts_tgt *t, vf e2, int want_pot)
{
    const vf half = fset1(0.5f), five_half = fset1(2.5f);
    vf dx = fsub(t->x, c->x), dy = fsub(t->y, c->y), dz = fsub(t->z, c->z);
    vf r2 = ffmadd(dx, dx, ffmadd(dy, dy, ffmadd(dz, dz, e2)));
    vf g1 = ts_rsqrt(r2);
    vf g2 = fmul(g1, g1);
    vf nx = fmul(dx, g1), ny = fmul(dy, g1), nz = fmul(dz, g1);
    vf qx = ffmadd(c->xx, nx, ffmadd(c->xy, ny, fmul(c->xz, nz)));
    vf qy = ffmadd(c->xy, nx, ffmadd(c->yy, ny, fmul(c->yz, nz)));
    vf qz = ffmadd(c->xz, nx, ffmadd(c->yz, ny, fmul(c->zz, nz)));
    vf u = ffmadd(nx, qx, ffmadd(ny, qy, ffmsub(nz, qz, fmul(c->tr, g2))));
    vf g4 = fmul(g2, g2);
    vf w = ffmadd(c->m, g2, fmul(fmul(five_half, g4), u));
    t->ax = ffnmadd(w, nx, ffmadd(g4, qx, t->ax));
    t->ay = ffnmadd(w, ny, ffmadd(g4, qy, t->ay));
    t->az = ffnmadd(w, nz, ffmadd(g4, qz, t->az));
    if (want_pot) {
        vf g3h = fmul(fmul(half, g1), g2);
        t->ph = ffnmadd(g3h, u, ffnmadd(c->m, g1, t->ph));
    }
}

/* Targets r .. r+nt-1 (nt = 1 or 2, a constant) against the whole cell list, sharing its
 * loads: each target's arithmetic is the same either way, so are its bits. */
TS_INLINE void ts_cells_pass(const nb_tree_lists *l, nb_tree_group *g, size_t r, const int nt,
                             const int want_pot)
{
    const size_t nc = l->nc; /* a multiple of TS_LANES: padded by nb_tree_pad_cells */
    const vf e2 = fset1(g->feps2);
    ts_tgt t[2];
    for (int i = 0; i < nt; i++) {
        t[i].x = fset1(g->fx[r + (size_t)i]);
        t[i].y = fset1(g->fy[r + (size_t)i]);
        t[i].z = fset1(g->fz[r + (size_t)i]);
        t[i].sx = t[i].sy = t[i].sz = t[i].sp = acc_zero();
    }
    for (size_t k0 = 0; k0 < nc; k0 += CELL_RUN) {
        size_t k1 = nc - k0 < CELL_RUN ? nc : k0 + CELL_RUN;
        for (int i = 0; i < nt; i++)
            t[i].ax = t[i].ay = t[i].az = t[i].ph = fzero();
        for (size_t k = k0; k < k1; k += TS_LANES) {
            ts_cell c;
            ts_cell_load(&c, l, k);
            for (int i = 0; i < nt; i++)
                ts_cell_term(&c, &t[i], e2, want_pot);
        }
        for (int i = 0; i < nt; i++) {
            t[i].sx = acc_widen_add(t[i].sx, t[i].ax);
            t[i].sy = acc_widen_add(t[i].sy, t[i].ay);
            t[i].sz = acc_widen_add(t[i].sz, t[i].az);
            t[i].sp = acc_widen_add(t[i].sp, t[i].ph);
        }
    }
    for (int i = 0; i < nt; i++)
        group_add_scaled(g, r + (size_t)i, acc_hsum(t[i].sx), acc_hsum(t[i].sy),
                         acc_hsum(t[i].sz), acc_hsum(t[i].sp));
}

/* want_pot is a constant: the potential's four operations in about forty are left out of
 * force-only evaluations. */
TS_INLINE void ts_cells(const nb_tree_lists *l, nb_tree_group *g, const int want_pot)
{
    size_t r = 0;
#if TS_TARGETS > 1
    for (; r + 2 <= g->cnt; r += 2)
        ts_cells_pass(l, g, r, 2, want_pot);
#endif
    for (; r < g->cnt; r++)
        ts_cells_pass(l, g, r, 1, want_pot);
}

TS_FN void TS_CELLS(nb_tree_lists *l, nb_tree_group *g)
{
    if (g->want_pot)
        ts_cells(l, g, 1);
    else
        ts_cells(l, g, 0);
}

/* tree_eval.c's fparts_generic: near pairs (rare: a nearest neighbour at 1/64 of the
 * group's size) are noted, left out of the float sum, and redone in double after the
 * target's float sum. */
TS_INLINE void ts_fparts(const nb_tree_lists *l, nb_tree_group *g, double eps2,
                         const int want_pot)
{
    const size_t n = l->np; /* a multiple of TS_LANES: padded by nb_tree_eval_parts */
    const float *px = l->fpx, *py = l->fpy, *pz = l->fpz, *pm = l->fpm;
    const vf e2 = fset1(g->feps2), near2 = fset1(g->fnear2);
    uint32_t near[NB_TREE_LIST_CAP + NB_TREE_CELL_LANES];
    for (size_t r = 0; r < g->cnt; r++) {
        const vf xi = fset1(g->fx[r]), yi = fset1(g->fy[r]), zi = fset1(g->fz[r]);
        vacc sx = acc_zero(), sy = sx, sz = sx, sp = sx;
        size_t nnear = 0;
        for (size_t k0 = 0; k0 < n; k0 += CELL_RUN) {
            size_t k1 = n - k0 < CELL_RUN ? n : k0 + CELL_RUN;
            vf ax = fzero(), ay = ax, az = ax, ph = ax;
            for (size_t k = k0; k < k1; k += TS_LANES) {
                vf dx = fsub(fload(px + k), xi);
                vf dy = fsub(fload(py + k), yi);
                vf dz = fsub(fload(pz + k), zi);
                vf d2 = ffmadd(dx, dx, ffmadd(dy, dy, fmul(dz, dz)));
                vnear isnear = near_of(d2, near2);
                unsigned bits = near_bits(isnear);
                if (__builtin_expect(bits != 0, 0))
                    for (unsigned j = 0; j < TS_LANES; j++)
                        if (bits >> j & 1)
                            near[nnear++] = (uint32_t)(k + j);
                /* near lanes (r2 = 0 among them: inf and NaN) zeroed */
                vf g1 = drop_near(isnear, ts_rsqrt(fadd(d2, e2)));
                vf mg1 = fmul(fload(pm + k), g1);
                vf w = fmul(mg1, fmul(g1, g1));
                ax = ffmadd(w, dx, ax);
                ay = ffmadd(w, dy, ay);
                az = ffmadd(w, dz, az);
                if (want_pot)
                    ph = fsub(ph, mg1);
            }
            sx = acc_widen_add(sx, ax);
            sy = acc_widen_add(sy, ay);
            sz = acc_widen_add(sz, az);
            sp = acc_widen_add(sp, ph);
        }
        group_add_scaled(g, r, acc_hsum(sx), acc_hsum(sy), acc_hsum(sz), acc_hsum(sp));
        for (size_t j = 0; j < nnear; j++)
            pair_double(l, g, r, near[j], eps2);
    }
}

TS_FN void TS_FPARTS(nb_tree_lists *l, nb_tree_group *g, double eps2)
{
    if (g->want_pot)
        ts_fparts(l, g, eps2, 1);
    else
        ts_fparts(l, g, eps2, 0);
}
