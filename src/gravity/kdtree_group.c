/* Exact k nearest neighbours for a group of tree-consecutive points sharing one walk: the
 * nodes are pruned lane by lane against each point's bound, the leaf points are tested
 * SIMD (kdtree_scan.h). With k <= 16 on AVX-512 each point keeps a sorted list in vector
 * registers; otherwise its candidates go to a buffer that is cut back to its k best (by
 * counting, not an insertion per candidate) whenever it fills. */
#include "gravity/kdtree.h"
#include "gravity/kdtree_scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* the portable scan */
#define SCAN_NAME nb_kdtree_scan_generic
#define SCAN_ATTR
#include "gravity/kdtree_scan_body.h"

nb_kdtree_scan_fn nb_kdtree_scan_for(nb_simd s)
{
    if (s == NB_SIMD_AUTO)
        s = nb_simd_best();
#if NB_KDTREE_SCAN_X86
    if (s == NB_SIMD_AVX512 && nb_simd_available(NB_SIMD_AVX512))
        return nb_kdtree_scan_avx512;
    if (s == NB_SIMD_AVX2 && nb_simd_available(NB_SIMD_AVX2))
        return nb_kdtree_scan_avx2;
#endif
    return nb_kdtree_scan_generic;
}

/* The walk's stack never holds more than depth + 1 entries (kdtree_query.c). */
#define GROUP_STACK 72
_Static_assert(GROUP_STACK > NB_KDTREE_DEPTH_MAX, "room for the deepest midpoint tree");
_Static_assert(NB_KDTREE_LANES <= 16 && (NB_KDTREE_LANES & (NB_KDTREE_LANES - 1)) == 0,
               "NB_KDTREE_LANES must be a power of two no larger than 16");
/* A point's buffer is cut back to its k best once it holds this many times k candidates
 * (or k for the first time): more lets the bound lag, fewer cuts more often. */
#define CUT_FACTOR 2
/* Lists up to this long are cut and sorted by counting (kth_value, rank_place). */
#define RANK_MAX 96

/* ---------------------------------------------------------------- scratch */

int nb_kdtree_knn_scratch_reserve(nb_kdtree_knn_scratch *s, size_t k, size_t lanes,
                                  nb_error *err)
{
    if (lanes < 1)
        lanes = 1;
    if (lanes > NB_KDTREE_LANES)
        lanes = NB_KDTREE_LANES;
    if (k < 1)
        k = 1;
    /* the cut threshold, one leaf's scan and the scan's slack */
    size_t cap = CUT_FACTOR * k + NB_KDTREE_LEAF_MAX + NB_KDTREE_SCAN_SLACK;
    if (s->d2 && s->k >= k && s->lanes >= lanes)
        return NB_OK;
    if (s->d2) {
        if (k < s->k)
            k = s->k;
        if (lanes < s->lanes)
            lanes = s->lanes;
        cap = CUT_FACTOR * k + NB_KDTREE_LEAF_MAX + NB_KDTREE_SCAN_SLACK;
    }
    double *d2 = malloc(lanes * cap * sizeof *d2);
    uint32_t *pos = malloc(lanes * cap * sizeof *pos);
    if (!d2 || !pos) {
        free(d2);
        free(pos);
        return nb_fail(err, NB_ERR_RUNTIME,
                       "kd-tree: out of memory for %zu x %zu neighbour candidates", lanes, cap);
    }
    nb_kdtree_knn_scratch_free(s);
    s->d2 = d2;
    s->pos = pos;
    s->k = k;
    s->lanes = lanes;
    s->cap = cap;
    return NB_OK;
}

void nb_kdtree_knn_scratch_free(nb_kdtree_knn_scratch *s)
{
    free(s->d2);
    free(s->pos);
    memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------- selection */

/* (d2, particle index) order: all keys differ, since indices do. The index is looked up
 * only on equal distances. */
static inline int key_less(double da, uint32_t pa, double db, uint32_t pb,
                           const uint32_t *index)
{
    return da < db || (da == db && index[pa] < index[pb]);
}

static inline void swap2(double *d, uint32_t *p, size_t a, size_t b)
{
    double td = d[a];
    d[a] = d[b];
    d[b] = td;
    uint32_t tp = p[a];
    p[a] = p[b];
    p[b] = tp;
}

/* Reorders d/p[0 .. n-1] so that entry m is the (m+1)-th smallest key, those before it
 * smaller and those after it larger (quickselect, median-of-three pivots). */
static void select_nth(double *d, uint32_t *p, size_t n, size_t m, const uint32_t *index)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_less(d[mid], p[mid], d[lo], p[lo], index))
            swap2(d, p, mid, lo);
        if (key_less(d[hi], p[hi], d[lo], p[lo], index))
            swap2(d, p, hi, lo);
        if (key_less(d[mid], p[mid], d[hi], p[hi], index))
            swap2(d, p, mid, hi);
        /* the median of the three is now at hi: partition around it */
        double pd = d[hi];
        uint32_t pp = p[hi];
        size_t s = lo;
        for (size_t i = lo; i < hi; i++)
            if (key_less(d[i], p[i], pd, pp, index))
                swap2(d, p, i, s++);
        swap2(d, p, s, hi);
        if (s == m)
            return;
        if (m < s)
            hi = s - 1;
        else
            lo = s + 1;
    }
}

/* One point's search state. */
typedef struct lane {
    double *d2;    /* its candidate buffer (cap entries) */
    uint32_t *pos;
    size_t n;      /* candidates held */
} lane;

/* The group's shared state: each point's position, coordinates and bound (the k-th best
 * distance kept so far: +inf until k are held, -inf in unused lanes so no box is ever near
 * them), and the walk's stack, each entry carrying its box's distance to every point. */
typedef struct group {
    double qx[NB_KDTREE_LANES], qy[NB_KDTREE_LANES], qz[NB_KDTREE_LANES];
    double worst[NB_KDTREE_LANES];
    size_t self[NB_KDTREE_LANES];
    lane ln[NB_KDTREE_LANES];
    size_t k, trigger, room;
    nb_kdtree_scan_fn scan;
    int list16;    /* k <= 16 on AVX-512: lanes keep sorted lists in `list`, not buffers */
    const uint32_t *index;
    nb_kdtree_list16 list[NB_KDTREE_LANES];
    double bd[GROUP_STACK][NB_KDTREE_LANES];
    uint32_t node[GROUP_STACK];
} group;

/* The k-th smallest of d[0 .. n-1] (k <= n <= RANK_MAX): the largest value with fewer
 * than k below it. n^2 compares in vectors, no branch to mispredict: cheaper than a
 * selection for the few dozen candidates a small k holds. */
static double kth_value(const double *restrict d, size_t n, size_t k)
{
    uint32_t below[RANK_MAX];
    for (size_t i = 0; i < n; i++)
        below[i] = 0;
    for (size_t j = 0; j < n; j++) {
        double v = d[j];
#pragma omp simd
        for (size_t i = 0; i < n; i++)
            below[i] += v < d[i];
    }
    double b = -INFINITY;
#pragma omp simd reduction(max : b)
    for (size_t i = 0; i < n; i++) {
        double v = below[i] < k ? d[i] : -INFINITY;
        b = v > b ? v : b;
    }
    return b;
}

/* Keeps the candidates of lane r within its bound, stable and branch-free. */
static size_t keep_within(lane *l, double w)
{
    size_t m = 0;
    for (size_t i = 0; i < l->n; i++) {
        l->d2[m] = l->d2[i];
        l->pos[m] = l->pos[i];
        m += l->d2[i] <= w;
    }
    return m;
}

/* Lowers lane r's bound to the k-th smallest distance it holds (once it holds k), and
 * drops the candidates beyond it: none of them can be among the k nearest. For large
 * lists, or when ties at the bound keep too many, the k best by (d2, index) are selected
 * exactly (a candidate at the bound with a higher index than the k-th is then dropped: k
 * better ones are held). */
static void cut(group *g, int r)
{
    lane *l = &g->ln[r];
    size_t k = g->k;
    if (l->n < k)
        return;
    if (l->n <= RANK_MAX) {
        double w = kth_value(l->d2, l->n, k);
        l->n = keep_within(l, w);
        g->worst[r] = w;
        if (l->n < g->trigger)
            return;
    }
    if (l->n > k)
        select_nth(l->d2, l->pos, l->n, k - 1, g->index);
    l->n = k;
    /* the k-th is the largest kept: select_nth put it last; with exactly k, find it */
    double w = l->d2[0];
    for (size_t i = 1; i < k; i++)
        w = l->d2[i] > w ? l->d2[i] : w;
    g->worst[r] = w;
}

/* ---------------------------------------------------------------- the walk */

static inline double gap(double q, double lo, double hi)
{
    double a = lo - q, b = q - hi;
    double g = a > b ? a : b;
    return g > 0.0 ? g : 0.0;
}

/* Squared distances from the group's points to a node's box, lane by lane, and the mask of
 * lanes for which the box can still hold a neighbour: rounding is monotone, so the bound
 * is never above the computed d2 of a point in the box. Equal is not pruned (a tie with a
 * lower index may be there). */
static inline unsigned lanes_box(const nb_kdtree_node *nd, const group *g, double *restrict bd)
{
    unsigned mask = 0;
    const double lx = nd->lo[0], hx = nd->hi[0], ly = nd->lo[1], hy = nd->hi[1];
    const double lz = nd->lo[2], hz = nd->hi[2];
#pragma omp simd reduction(| : mask)
    for (int r = 0; r < NB_KDTREE_LANES; r++) {
        double dx = gap(g->qx[r], lx, hx);
        double dy = gap(g->qy[r], ly, hy);
        double dz = gap(g->qz[r], lz, hz);
        double sx = dx * dx;
        double sy = dy * dy;
        double sz = dz * dz;
        bd[r] = (sx + sy) + sz;
        mask |= bd[r] <= g->worst[r] ? 1u << r : 0u;
    }
    return mask;
}

static inline unsigned lanes_le(const double *restrict bd, const double *restrict worst)
{
    unsigned mask = 0;
#pragma omp simd reduction(| : mask)
    for (int r = 0; r < NB_KDTREE_LANES; r++)
        mask |= bd[r] <= worst[r] ? 1u << r : 0u;
    return mask;
}

/* The smallest box distance among the lanes in mask: which child to search first. */
static inline double lanes_min(const double *restrict bd, unsigned mask)
{
    double v = INFINITY;
#pragma omp simd reduction(min : v)
    for (int r = 0; r < NB_KDTREE_LANES; r++) {
        double e = (mask >> r) & 1u ? bd[r] : INFINITY;
        v = e < v ? e : v;
    }
    return v;
}

/* Appends a leaf's points to the buffers of the lanes in mask (each leaving out itself),
 * cutting a buffer back first when the leaf might not fit, and after when it has grown
 * past the threshold or holds k for the first time. */
static void scan_leaf(const nb_kdtree *t, const nb_kdtree_node *nd, unsigned mask, group *g)
{
    size_t p0 = nd->start, p1 = (size_t)nd->start + nd->count;
    while (mask) {
        int r = nb_kdtree_lowest_bit(mask);
        mask &= mask - 1;
#if NB_KDTREE_SCAN_X86
        if (g->list16) {
            nb_kdtree_list16 *li = &g->list[r];
            nb_kdtree_scan16_avx512(t->x, t->y, t->z, t->index, p0, p1, g->qx[r], g->qy[r],
                                    g->qz[r], g->self[r], g->k, li);
            g->worst[r] = li->d2[g->k - 1];
            continue;
        }
#endif
        lane *l = &g->ln[r];
        if (l->n + nd->count > g->room)
            cut(g, r);
        size_t a = g->scan(t->x, t->y, t->z, p0, p1, g->qx[r], g->qy[r], g->qz[r],
                           g->worst[r], l->d2 + l->n, l->pos + l->n);
        if (g->self[r] >= p0 && g->self[r] < p1) {
            /* the point itself (d2 = 0) is no neighbour */
            for (size_t i = l->n; i < l->n + a; i++)
                if (l->pos[i] == g->self[r]) {
                    a--;
                    memmove(l->d2 + i, l->d2 + i + 1, (l->n + a - i) * sizeof *l->d2);
                    memmove(l->pos + i, l->pos + i + 1, (l->n + a - i) * sizeof *l->pos);
                    break;
                }
        }
        l->n += a;
        if (l->n >= g->trigger || (l->n >= g->k && g->worst[r] == INFINITY))
            cut(g, r);
    }
}

/* Searches the subtree at `root` for all points of the group, nearer children first; a
 * node is skipped as soon as no point of the group can find a neighbour in it. */
static void walk(const nb_kdtree *t, uint32_t root, group *g)
{
    const nb_kdtree_node *nodes = t->nodes;
    size_t sp = 0;
    if (!lanes_box(&nodes[root], g, g->bd[0]))
        return;
    g->node[sp++] = root;
    while (sp > 0) {
        sp--;
        unsigned mask = lanes_le(g->bd[sp], g->worst);
        if (!mask)
            continue;
        const nb_kdtree_node *nd = &nodes[g->node[sp]];
        if (nd->left == 0) {
            scan_leaf(t, nd, mask, g);
            continue;
        }
        double bl[NB_KDTREE_LANES], br[NB_KDTREE_LANES];
        unsigned ml = lanes_box(&nodes[nd->left], g, bl) & mask;
        unsigned mr = lanes_box(&nodes[nd->right], g, br) & mask;
        uint32_t left = nd->left, right = nd->right;
        /* the nearer child goes on top, so it is searched first and tightens the bounds */
        int right_first = ml && mr ? lanes_min(br, mr) < lanes_min(bl, ml) : 0;
        if (ml && !right_first) {
            if (mr) {
                memcpy(g->bd[sp], br, sizeof br);
                g->node[sp++] = right;
            }
            memcpy(g->bd[sp], bl, sizeof bl);
            g->node[sp++] = left;
        } else {
            if (ml) {
                memcpy(g->bd[sp], bl, sizeof bl);
                g->node[sp++] = left;
            }
            if (mr) {
                memcpy(g->bd[sp], br, sizeof br);
                g->node[sp++] = right;
            }
        }
    }
}

/* Max-heap order by key on d/p[0 .. end-1], restored below entry c. */
static void sift_down(double *d, uint32_t *p, size_t c, size_t end, const uint32_t *index)
{
    for (;;) {
        size_t a = 2 * c + 1;
        if (a >= end)
            return;
        if (a + 1 < end && key_less(d[a], p[a], d[a + 1], p[a + 1], index))
            a++;
        if (!key_less(d[c], p[c], d[a], p[a], index))
            return;
        swap2(d, p, c, a);
        c = a;
    }
}

/* Sorts d/p[0 .. n-1] by key: insertion for the short lists knn uses, else a heap sort. */
static void sort_keys(double *d, uint32_t *p, size_t n, const uint32_t *index)
{
    if (n <= 32) {
        for (size_t i = 1; i < n; i++) {
            double vd = d[i];
            uint32_t vp = p[i];
            size_t j = i;
            while (j > 0 && key_less(vd, vp, d[j - 1], p[j - 1], index)) {
                d[j] = d[j - 1];
                p[j] = p[j - 1];
                j--;
            }
            d[j] = vd;
            p[j] = vp;
        }
        return;
    }
    /* heap sort: a max-heap by key, then the largest moved to the end one by one */
    for (size_t i = n / 2; i-- > 0;)
        sift_down(d, p, i, n, index);
    for (size_t end = n; end > 1; end--) {
        swap2(d, p, 0, end - 1);
        sift_down(d, p, 0, end - 1, index);
    }
}

/* Writes the k best of lane l's candidates (all when fewer) to o in (d2, index) order:
 * each candidate's rank is the count of keys below its own (branch-free, vectorised), and
 * it goes straight to that place. Returns how many were written. */
static size_t rank_place(lane *l, size_t k, const uint32_t *index, nb_kdtree_neighbour *o)
{
    size_t n = l->n;
    if (n > k) {
        /* only those within the k-th distance can place: usually few more than k */
        n = l->n = keep_within(l, kth_value(l->d2, n, k));
    }
    uint32_t ix[RANK_MAX];
    for (size_t i = 0; i < n; i++)
        ix[i] = index[l->pos[i]];
    const double *restrict d = l->d2;
    uint32_t below[RANK_MAX];
    for (size_t i = 0; i < n; i++)
        below[i] = 0;
    for (size_t j = 0; j < n; j++) {
        double v = d[j];
        uint32_t xj = ix[j];
#pragma omp simd
        for (size_t i = 0; i < n; i++)
            below[i] += (v < d[i]) | ((v == d[i]) & (xj < ix[i]));
    }
    for (size_t i = 0; i < n; i++)
        if (below[i] < k)
            o[below[i]] = (nb_kdtree_neighbour){d[i], ix[i], l->pos[i]};
    return n < k ? n : k;
}

size_t nb_kdtree_knn_group(const nb_kdtree *t, size_t p0, size_t count, unsigned want,
                           size_t k, nb_simd simd, nb_kdtree_knn_scratch *s,
                           nb_kdtree_neighbour *out, size_t *found)
{
    if (count > NB_KDTREE_LANES)
        count = NB_KDTREE_LANES;
    if (count > s->lanes)
        count = s->lanes;
    if (count == 0 || p0 + count > t->n || k > s->k)
        return 0;
    want &= (unsigned)((1ull << count) - 1u);
    for (size_t r = 0; r < count; r++)
        found[r] = 0;
    if (k == 0 || !want)
        return count;
    const nb_kdtree_node *nodes = t->nodes;
    group g;
    g.k = k;
    g.trigger = CUT_FACTOR * k;
    g.room = s->cap - NB_KDTREE_SCAN_SLACK;
    g.scan = nb_kdtree_scan_for(simd);
    g.list16 = 0;
#if NB_KDTREE_SCAN_X86
    g.list16 = k <= NB_KDTREE_LIST16 && g.scan == nb_kdtree_scan_avx512;
#endif
    g.index = t->index;
    for (size_t r = 0; r < NB_KDTREE_LANES; r++) {
        int on = (want >> r) & 1u;
        size_t p = on ? p0 + r : p0;
        g.qx[r] = t->x[p];
        g.qy[r] = t->y[p];
        g.qz[r] = t->z[p];
        g.self[r] = p;
        g.worst[r] = on ? INFINITY : -INFINITY;
        g.ln[r] = (lane){NULL, NULL, 0};
        if (g.list16 && on) {
            for (int a = 0; a < NB_KDTREE_LIST16; a++) {
                g.list[r].d2[a] = INFINITY;
                g.list[r].index[a] = UINT32_MAX;
                g.list[r].pos[a] = 0;
            }
            g.list[r].n = 0;
        }
        if (r < count) {
            g.ln[r].d2 = s->d2 + r * s->cap;
            g.ln[r].pos = s->pos + r * s->cap;
        }
    }
    /* Bottom-up: the leaf holding p0 first, then the sibling subtree at each level on the
     * way back to the root, nearest first. The nodes on the path are never tested, and
     * the early, close siblings tighten the bounds before the far ones are reached. */
    uint32_t path[GROUP_STACK];
    size_t depth = 0;
    uint32_t node = 0;
    while (nodes[node].left != 0) {
        path[depth++] = node;
        node = p0 < nodes[nodes[node].right].start ? nodes[node].left : nodes[node].right;
    }
    scan_leaf(t, &nodes[node], want, &g);
    while (depth > 0) {
        const nb_kdtree_node *par = &nodes[path[--depth]];
        walk(t, par->left == node ? par->right : par->left, &g);
        node = path[depth];
    }
    for (size_t r = 0; r < count; r++) {
        if (!((want >> r) & 1u))
            continue;
        lane *l = &g.ln[r];
        nb_kdtree_neighbour *o = out + r * k;
        size_t m;
        if (g.list16) {
            const nb_kdtree_list16 *li = &g.list[r];
            m = li->n;
            for (size_t a = 0; a < m; a++)
                o[a] = (nb_kdtree_neighbour){li->d2[a], li->index[a], li->pos[a]};
        } else if (l->n <= RANK_MAX) {
            m = rank_place(l, k, t->index, o);
        } else {
            select_nth(l->d2, l->pos, l->n, k - 1, t->index);
            m = l->n < k ? l->n : k;
            sort_keys(l->d2, l->pos, m, t->index);
            for (size_t a = 0; a < m; a++)
                o[a] = (nb_kdtree_neighbour){l->d2[a], t->index[l->pos[a]], l->pos[a]};
        }
        found[r] = m;
    }
    return count;
}
