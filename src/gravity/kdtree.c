/* kd-tree construction: median splits into one pre-order node array, OpenMP tasks over
 * subtrees, the same tree for any thread count; or midpoint splits (the tree kernel's), built
 * on one thread. Queries are in kdtree_query.c. */
#include "gravity/kdtree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/threads.h"

/* Subtrees with more points than this are built as separate OpenMP tasks. */
#define TASK_MIN_POINTS 256
/* Ranges this short are insertion-sorted rather than partitioned. */
#define SELECT_SMALL 16

/* A point while the tree is built: position and mass move as one 32-byte record, the
 * particle index alongside in t->index. */
typedef struct rec {
    double c[3];
    double m;
} rec;
_Static_assert(sizeof(rec) == NB_KDTREE_SCRATCH_BYTES, "the scratch is what the header says");

/* Nodes in a tree over n points: 2L - 1 for L leaves. Halving splits give every node at
 * one depth floor(n / 2^d) or ceil(n / 2^d) points, so two (size, multiplicity) pairs per
 * depth count the leaves in O(log n). */
static size_t tree_nodes(size_t n, size_t leaf)
{
    if (n == 0)
        return 0;
    size_t s = n, cs = 1, cs1 = 0; /* cs nodes of s points and cs1 of s + 1 at this depth */
    size_t leaves = 0;
    while (cs + cs1 > 0) {
        if (s <= leaf) {
            leaves += cs;
            cs = 0;
        }
        if (s + 1 <= leaf) {
            leaves += cs1;
            cs1 = 0;
        }
        /* the halves of s and s + 1 are all s/2 or s/2 + 1 */
        size_t ns = s / 2, next[2] = {0, 0};
        next[s / 2 - ns] += cs;
        next[s - s / 2 - ns] += cs;
        next[(s + 1) / 2 - ns] += cs1;
        next[s + 1 - (s + 1) / 2 - ns] += cs1;
        s = ns;
        cs = next[0];
        cs1 = next[1];
    }
    return 2 * leaves - 1;
}

int nb_kdtree_init(nb_kdtree *t, size_t cap, size_t leaf_size, nb_error *err)
{
    return nb_kdtree_init_split(t, cap, leaf_size, NB_KDTREE_SPLIT_MEDIAN, err);
}

int nb_kdtree_init_split(nb_kdtree *t, size_t cap, size_t leaf_size, nb_kdtree_split split,
                         nb_error *err)
{
    memset(t, 0, sizeof *t);
    t->split = split;
    if (leaf_size > NB_KDTREE_LEAF_MAX)
        return nb_fail(err, NB_ERR_INPUT, "kd-tree: leaf size %zu, at most %d supported",
                       leaf_size, NB_KDTREE_LEAF_MAX);
    if (cap > UINT32_MAX - NB_KDTREE_LANES)
        return nb_fail(err, NB_ERR_INPUT, "kd-tree: %zu points is more than the %u supported",
                       cap, (unsigned)(UINT32_MAX - NB_KDTREE_LANES));
    t->leaf_size = leaf_size ? leaf_size : NB_KDTREE_LEAF_SIZE;
    t->cap = cap;
    /* a midpoint tree has at most one leaf per point: 2 cap - 1 nodes */
    if (split == NB_KDTREE_SPLIT_MIDPOINT)
        t->node_cap = cap ? 2 * cap - 1 : 1;
    else
        t->node_cap = cap ? tree_nodes(cap, t->leaf_size) : 1;
    if (t->node_cap > UINT32_MAX)
        return nb_fail(err, NB_ERR_INPUT, "kd-tree: %zu points need more than 2^32 nodes "
                       "with leaves of %zu", cap, t->leaf_size);
    /* zeroed padding past the last point: leaf scans read it and mask it out */
    size_t np = cap + NB_KDTREE_LANES;
    t->nodes = malloc(t->node_cap * sizeof *t->nodes);
    t->index = calloc(np, sizeof *t->index);
    t->x = calloc(np, sizeof *t->x);
    t->y = calloc(np, sizeof *t->y);
    t->z = calloc(np, sizeof *t->z);
    t->m = calloc(np, sizeof *t->m);
    t->scratch = malloc((cap ? cap : 1) * sizeof(rec));
    if (!t->nodes || !t->index || !t->x || !t->y || !t->z || !t->m || !t->scratch) {
        nb_kdtree_free(t);
        return nb_fail(err, NB_ERR_RUNTIME, "kd-tree: out of memory for %zu points", cap);
    }
    return NB_OK;
}

void nb_kdtree_free(nb_kdtree *t)
{
    free(t->nodes);
    free(t->index);
    free(t->x);
    free(t->y);
    free(t->z);
    free(t->m);
    free(t->scratch);
    memset(t, 0, sizeof *t);
}

/* ---- construction ---- */

/* The arrays a build permutes: records and their particle indices. */
typedef struct span {
    rec *a;
    uint32_t *id;
} span;

/* Keys are (coordinate d, particle index): all distinct, so duplicates split evenly. */
static inline int key_less(const span *s, size_t i, const rec *p, uint32_t pid, int d)
{
    return (s->a[i].c[d] < p->c[d]) | ((s->a[i].c[d] == p->c[d]) & (s->id[i] < pid));
}

static inline int pos_less(const span *s, size_t i, size_t j, int d)
{
    return key_less(s, i, &s->a[j], s->id[j], d);
}

static inline void pos_swap(const span *s, size_t i, size_t j)
{
    rec tmp = s->a[i];
    s->a[i] = s->a[j];
    s->a[j] = tmp;
    uint32_t t = s->id[i];
    s->id[i] = s->id[j];
    s->id[j] = t;
}

static void insertion_sort(const span *s, size_t lo, size_t hi, int d)
{
    for (size_t i = lo + 1; i < hi; i++) {
        rec v = s->a[i];
        uint32_t vid = s->id[i];
        size_t j = i;
        for (; j > lo && !key_less(s, j - 1, &v, vid, d); j--) {
            s->a[j] = s->a[j - 1];
            s->id[j] = s->id[j - 1];
        }
        s->a[j] = v;
        s->id[j] = vid;
    }
}

/* Position of the median of positions i, j, k. */
static inline size_t median3(const span *s, size_t i, size_t j, size_t k, int d)
{
    if (pos_less(s, i, j, d))
        return pos_less(s, j, k, d) ? j : (pos_less(s, i, k, d) ? k : i);
    return pos_less(s, i, k, d) ? i : (pos_less(s, j, k, d) ? k : j);
}

/* Branch-free Lomuto partition of [lo, hi) around (p, pid): returns f with keys in
 * [lo, f) smaller and in [f, hi) larger. Short ranges and block leftovers only. */
static size_t lomuto(const span *s, size_t lo, size_t hi, const rec *p, uint32_t pid, int d)
{
    size_t first = lo;
    for (size_t i = lo; i < hi; i++) {
        size_t less = (size_t)key_less(s, i, p, pid, d);
        rec v = s->a[i];
        uint32_t vid = s->id[i];
        s->a[i] = s->a[first];
        s->id[i] = s->id[first];
        s->a[first] = v;
        s->id[first] = vid;
        first += less;
    }
    return first;
}

/* Block partition (Edelkamp & Weiss, BlockQuicksort): the comparisons of a block only
 * fill offset buffers, without branching on their outcome, and the misplaced records are
 * then swapped in pairs. Same contract as lomuto(). */
static size_t block_partition(const span *s, size_t lo, size_t hi, const rec *p, uint32_t pid,
                              int d)
{
    enum { B = 128 };
    unsigned char offl[B], offr[B];
    size_t l = lo, r = hi, nl = 0, nr = 0, sl = 0, sr = 0;
    /* invariant: [lo, l) smaller, [r, hi) larger; offl and offr list the misplaced
     * records, not yet swapped, of the blocks starting at l and ending at r */
    while (r - l >= 2 * B) {
        if (nl == 0) {
            sl = 0;
            for (size_t j = 0; j < B; j++) {
                offl[nl] = (unsigned char)j;
                nl += (size_t)!key_less(s, l + j, p, pid, d);
            }
        }
        if (nr == 0) {
            sr = 0;
            for (size_t j = 0; j < B; j++) {
                offr[nr] = (unsigned char)j;
                nr += (size_t)key_less(s, r - 1 - j, p, pid, d);
            }
        }
        size_t num = nl < nr ? nl : nr;
        for (size_t j = 0; j < num; j++)
            pos_swap(s, l + offl[sl + j], r - 1 - offr[sr + j]);
        nl -= num;
        nr -= num;
        sl += num;
        sr += num;
        if (nl == 0)
            l += B;
        if (nr == 0)
            r -= B;
    }
    return lomuto(s, l, r, p, pid, d);
}

/* Rearranges [lo, hi) so that position kth holds the record sorting would put there,
 * smaller keys before it and larger after: quickselect with median-of-3 pivots (ninthers
 * for long ranges) and partitions that do not branch on comparisons, so random data costs
 * no branch mispredictions. */
static void select_kth(const span *s, size_t lo, size_t hi, size_t kth, int d)
{
    while (hi - lo > SELECT_SMALL) {
        size_t n = hi - lo, mid = lo + n / 2, piv;
        if (n > 512) {
            size_t e = n / 8;
            piv = median3(s, median3(s, lo, lo + e, lo + 2 * e, d),
                          median3(s, mid - e, mid, mid + e, d),
                          median3(s, hi - 1 - 2 * e, hi - 1 - e, hi - 1, d), d);
        } else {
            piv = median3(s, lo, mid, hi - 1, d);
        }
        pos_swap(s, piv, hi - 1);
        const rec p = s->a[hi - 1];
        const uint32_t pid = s->id[hi - 1];
        size_t first = block_partition(s, lo, hi - 1, &p, pid, d);
        pos_swap(s, first, hi - 1); /* the pivot to its sorted place */
        if (kth == first)
            return;
        if (kth < first)
            hi = first;
        else
            lo = first + 1;
    }
    insertion_sort(s, lo, hi, d);
}

typedef struct build_ctx {
    nb_kdtree *t;
    span s;
} build_ctx;

/* Builds the subtree `node` over positions [start, start + count), whose points lie in
 * the cell [clo, chi]. The split axis is the cell's widest, so the records are visited
 * only by the median selection on the way down; each node's tight bounding box (what the
 * queries prune with) is the union of its children's, filled in on the way back up. */
static void build_node(const build_ctx *bc, size_t node, size_t start, size_t count,
                       const double *clo, const double *chi)
{
    nb_kdtree *t = bc->t;
    const rec *a = bc->s.a;
    nb_kdtree_node *nd = &t->nodes[node];
    nd->start = (uint32_t)start;
    nd->count = (uint32_t)count;
    nd->left = nd->right = 0;
    if (count <= t->leaf_size) {
        for (int d = 0; d < 3; d++) {
            double lo = a[start].c[d], hi = lo;
            for (size_t i = start + 1; i < start + count; i++) {
                lo = a[i].c[d] < lo ? a[i].c[d] : lo;
                hi = a[i].c[d] > hi ? a[i].c[d] : hi;
            }
            nd->lo[d] = lo;
            nd->hi[d] = hi;
        }
        return;
    }

    int dim = 0;
    for (int d = 1; d < 3; d++)
        if (chi[d] - clo[d] > chi[dim] - clo[dim])
            dim = d;
    size_t half = count / 2;
    select_kth(&bc->s, start, start + count, start + half, dim);
    size_t left = node + 1, right = node + 1 + tree_nodes(half, t->leaf_size);
    nd->left = (uint32_t)left;
    nd->right = (uint32_t)right;
    /* the split plane: below it, left; above it, right (ties are split by index) */
    double llo[3], lhi[3], rlo[3], rhi[3];
    for (int d = 0; d < 3; d++) {
        llo[d] = rlo[d] = clo[d];
        lhi[d] = rhi[d] = chi[d];
    }
    lhi[dim] = rlo[dim] = a[start + half].c[dim];
    if (count > TASK_MIN_POINTS) {
        /* The two halves touch disjoint records and disjoint nodes, so they can run at
         * once; each one's result depends only on its own records. */
#pragma omp task default(none) firstprivate(bc, left, start, half) shared(llo, lhi)
        build_node(bc, left, start, half, llo, lhi);
        build_node(bc, right, start + half, count - half, rlo, rhi);
#pragma omp taskwait
    } else {
        build_node(bc, left, start, half, llo, lhi);
        build_node(bc, right, start + half, count - half, rlo, rhi);
    }
    const nb_kdtree_node *l = &t->nodes[left], *r = &t->nodes[right];
    for (int d = 0; d < 3; d++) {
        nd->lo[d] = l->lo[d] < r->lo[d] ? l->lo[d] : r->lo[d];
        nd->hi[d] = l->hi[d] > r->hi[d] ? l->hi[d] : r->hi[d];
    }
}

/* ceil(log2(n)) for n >= 1. */
static int ceil_log2(size_t n)
{
    int k = 0;
    while (((size_t)1 << k) < n)
        k++;
    return k;
}

/* Fills node `node` for positions [start, start + count) at depth `depth`: its tight box,
 * and for a node to be split, the split (records partitioned). Returns the left child's
 * point count, 0 for a leaf. */
static size_t mid_split(nb_kdtree *t, const span *sp, size_t node, int depth, size_t start,
                        size_t count)
{
    const rec *a = sp->a;
    double lo[3], hi[3];
    for (int d = 0; d < 3; d++)
        lo[d] = hi[d] = a[start].c[d];
    for (size_t i = start + 1; i < start + count; i++)
        for (int d = 0; d < 3; d++) {
            lo[d] = a[i].c[d] < lo[d] ? a[i].c[d] : lo[d];
            hi[d] = a[i].c[d] > hi[d] ? a[i].c[d] : hi[d];
        }
    nb_kdtree_node *nd = &t->nodes[node];
    for (int d = 0; d < 3; d++) {
        nd->lo[d] = lo[d];
        nd->hi[d] = hi[d];
    }
    nd->start = (uint32_t)start;
    nd->count = (uint32_t)count;
    nd->left = nd->right = 0;
    if (count <= t->leaf_size)
        return 0;
    int dim = 0;
    for (int d = 1; d < 3; d++)
        if (hi[d] - lo[d] > hi[dim] - lo[dim])
            dim = d;
    size_t half = 0;
    /* median splits from here on still end by NB_KDTREE_DEPTH_MAX */
    if (depth + 1 + ceil_log2(count) <= NB_KDTREE_DEPTH_MAX) {
        const rec p = {{0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1]), 0.5 * (lo[2] + hi[2])},
                       0.0};
        half = block_partition(sp, start, start + count, &p, 0, dim) - start;
    }
    if (half == 0 || half == count) { /* no midpoint split: the median, by (coordinate, index) */
        half = count / 2;
        select_kth(sp, start, start + count, start + half, dim);
    }
    return half;
}

/* Builds the subtree over positions [start, start + count) at depth `depth` as nodes
 * *next, *next + 1, ... in pre-order; returns its root. */
static uint32_t build_mid(nb_kdtree *t, const span *sp, size_t *next, int depth, size_t start,
                          size_t count)
{
    uint32_t node = (uint32_t)(*next)++;
    size_t half = mid_split(t, sp, node, depth, start, count);
    if (half == 0)
        return node;
    uint32_t left = build_mid(t, sp, next, depth + 1, start, half);
    uint32_t right = build_mid(t, sp, next, depth + 1, start + half, count - half);
    t->nodes[node].left = left;
    t->nodes[node].right = right;
    return node;
}

/* Subtrees of more points than this are split into OpenMP tasks in build_mid_tasks. */
#define MID_TASK_MIN_POINTS 8192

/* The parallel build: a subtree of count points gets the node slots [node, node + 2 count
 * - 1), as many as it can possibly need, so its two halves can be built at once (the left
 * at node + 1, the right after the left's slots); below MID_TASK_MIN_POINTS the subtree is
 * built compactly at the start of its slots. The unused slots are squeezed out afterwards
 * by mid_compact, which gives exactly the tree build_mid makes. */
static void build_mid_tasks(nb_kdtree *t, const span *sp, int depth, size_t node, size_t start,
                            size_t count)
{
    if (count <= MID_TASK_MIN_POINTS) {
        size_t next = node;
        build_mid(t, sp, &next, depth, start, count);
        return;
    }
    size_t half = mid_split(t, sp, node, depth, start, count);
    if (half == 0)
        return;
    size_t left = node + 1, right = node + 2 * half;
    t->nodes[node].left = (uint32_t)left;
    t->nodes[node].right = (uint32_t)right;
    /* disjoint records, disjoint slots */
#pragma omp task default(none) firstprivate(t, sp, depth, left, start, half)
    build_mid_tasks(t, sp, depth + 1, left, start, half);
    build_mid_tasks(t, sp, depth + 1, right, start + half, count - half);
#pragma omp taskwait
}

/* Renumbers the nodes reachable from the root 0, 1, 2, ... in pre-order, moving each down
 * to its new slot; returns how many there are. A node's new slot is never above its old one
 * and pre-order visits the old slots in increasing order, so every node is read before its
 * old slot can be overwritten. */
static size_t mid_compact(nb_kdtree *t)
{
    struct { uint32_t old, parent; int right; } stack[2 * NB_KDTREE_DEPTH_MAX + 2];
    size_t sp = 0, next = 0;
    stack[sp++].old = 0;
    stack[0].parent = UINT32_MAX;
    stack[0].right = 0;
    while (sp > 0) {
        sp--;
        uint32_t old = stack[sp].old, parent = stack[sp].parent;
        int right = stack[sp].right;
        uint32_t nw = (uint32_t)next++;
        nb_kdtree_node nd = t->nodes[old];
        if (nd.left != 0) {
            stack[sp].old = nd.right;
            stack[sp].parent = nw;
            stack[sp++].right = 1;
            stack[sp].old = nd.left;
            stack[sp].parent = nw;
            stack[sp++].right = 0;
        }
        t->nodes[nw] = nd;
        if (parent != UINT32_MAX) {
            if (right)
                t->nodes[parent].right = nw;
            else
                t->nodes[parent].left = nw;
        }
    }
    return next;
}

int nb_kdtree_build(nb_kdtree *t, const double *x, const double *y, const double *z,
                    const double *m, size_t n, int threads, nb_error *err)
{
    if (n > t->cap)
        return nb_fail(err, NB_ERR_RUNTIME, "kd-tree: %zu points, storage for %zu", n, t->cap);
    rec *a = t->scratch;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || !isfinite(z[i]))
            return nb_fail(err, NB_ERR_RUNTIME,
                           "kd-tree: particle %zu has a non-finite position", i);
        a[i] = (rec){{x[i], y[i], z[i]}, m ? m[i] : 0.0};
        t->index[i] = (uint32_t)i;
    }
    t->n = n;
    t->nnodes = tree_nodes(n, t->leaf_size);
    int nt = n > TASK_MIN_POINTS ? nb_threads(threads) : 1;
    (void)nt; /* only the OpenMP pragmas read it */
    if (n > 0 && t->split == NB_KDTREE_SPLIT_MIDPOINT) {
        const span s = {a, t->index};
        const span *sp = &s;
        int ntm = n > MID_TASK_MIN_POINTS ? nt : 1;
        (void)ntm;
#pragma omp parallel num_threads(ntm) default(none) shared(t, sp, n)
#pragma omp single
        build_mid_tasks(t, sp, 0, 0, 0, n);
        t->nnodes = mid_compact(t);
    } else if (n > 0) {
        double lo[3], hi[3];
        for (int d = 0; d < 3; d++) {
            lo[d] = a[0].c[d];
            hi[d] = a[0].c[d];
        }
        for (size_t i = 1; i < n; i++)
            for (int d = 0; d < 3; d++) {
                lo[d] = a[i].c[d] < lo[d] ? a[i].c[d] : lo[d];
                hi[d] = a[i].c[d] > hi[d] ? a[i].c[d] : hi[d];
            }
        build_ctx bc = {t, {a, t->index}};
        const build_ctx *bcp = &bc;
#pragma omp parallel num_threads(nt) default(none) shared(bcp, lo, hi, n)
#pragma omp single
        build_node(bcp, 0, 0, n, lo, hi);
    }
    double *restrict tx = t->x, *restrict ty = t->y, *restrict tz = t->z, *restrict tm = t->m;
#pragma omp parallel for schedule(static) num_threads(nt) default(none) shared(a, tx, ty, tz, tm, n)
    for (size_t p = 0; p < n; p++) {
        tx[p] = a[p].c[0];
        ty[p] = a[p].c[1];
        tz[p] = a[p].c[2];
        tm[p] = a[p].m;
    }
    return NB_OK;
}
