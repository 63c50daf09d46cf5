/* kd-tree construction (median splits, OpenMP tasks over subtrees) and exact k-nearest
 * queries with deterministic tie-breaking, one point at a time or a block at a time. */
#include "kdtree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/threads.h"

/* Subtrees with more points than this are built as separate OpenMP tasks. */
#define TASK_MIN_POINTS 256
/* Ranges this short are insertion-sorted rather than partitioned. */
#define SELECT_SMALL 16
/* A query's stack never holds more than depth + 1 entries, and depth <= 32 for 2^32 points. */
#define QUERY_STACK 72
/* Lane masks are unsigned ints and lanes_min halves the lanes: a power of two, <= 16. */
_Static_assert(NB_KDTREE_LANES <= 16 && (NB_KDTREE_LANES & (NB_KDTREE_LANES - 1)) == 0,
               "NB_KDTREE_LANES must be a power of two no larger than 16");
/* Up to this many neighbours a query keeps a sorted array, beyond it a heap. */
#define SORTED_MAX 48

/* A point while the tree is built: position and mass move as one 32-byte record, the
 * particle index alongside in t->index. */
typedef struct rec {
    double c[3];
    double m;
} rec;

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
    memset(t, 0, sizeof *t);
    if (leaf_size > NB_KDTREE_LEAF_MAX)
        return nb_fail(err, NB_ERR_INPUT, "kd-tree: leaf size %zu, at most %d supported",
                       leaf_size, NB_KDTREE_LEAF_MAX);
    if (cap > UINT32_MAX - NB_KDTREE_LANES)
        return nb_fail(err, NB_ERR_INPUT, "kd-tree: %zu points is more than the %u supported",
                       cap, (unsigned)(UINT32_MAX - NB_KDTREE_LANES));
    t->leaf_size = leaf_size ? leaf_size : NB_KDTREE_LEAF_SIZE;
    t->cap = cap;
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
    if (n > 0) {
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

/* ---- queries ---- */

/* Max-heap order on (d2, index): the root is the worst neighbour kept so far. Written
 * without short-circuits so the compiler can select rather than branch. */
static inline int nb_worse(const nb_kdtree_neighbour *a, const nb_kdtree_neighbour *b)
{
    return (a->d2 > b->d2) | ((a->d2 == b->d2) & (a->index > b->index));
}

static void sift_down(nb_kdtree_neighbour *h, size_t len, size_t i)
{
    nb_kdtree_neighbour v = h[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= len)
            break;
        if (c + 1 < len && nb_worse(&h[c + 1], &h[c]))
            c++;
        if (!nb_worse(&h[c], &v))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = v;
}

static void sift_up(nb_kdtree_neighbour *h, size_t i)
{
    nb_kdtree_neighbour v = h[i];
    while (i > 0) {
        size_t par = (i - 1) / 2;
        if (!nb_worse(&v, &h[par]))
            break;
        h[i] = h[par];
        i = par;
    }
    h[i] = v;
}

/* Heap -> ascending (d2, index). */
static void heap_sort(nb_kdtree_neighbour *h, size_t len)
{
    for (size_t end = len; end > 1; end--) {
        nb_kdtree_neighbour top = h[0];
        h[0] = h[end - 1];
        h[end - 1] = top;
        sift_down(h, end - 1, 0);
    }
}

/* One query's state: its best neighbours so far. For k <= SORTED_MAX they are kept in a
 * sorted array (insertion is cheap for short lists and the result needs no final sort),
 * for larger k in a max-heap. */
typedef struct query {
    double x, y, z;
    size_t exclude;
    size_t len;
    nb_kdtree_neighbour *heap;
} query;

/* The kept distance a candidate must not exceed to get in; +inf until k are kept. */
static inline double query_worst(const query *q, size_t k)
{
    if (q->len < k)
        return INFINITY;
    return k <= SORTED_MAX ? q->heap[k - 1].d2 : q->heap[0].d2;
}

static inline void offer(query *q, size_t k, nb_kdtree_neighbour c)
{
    nb_kdtree_neighbour *a = q->heap;
    if (c.index == q->exclude)
        return;
    if (k <= SORTED_MAX) {
        if (q->len == k && !nb_worse(&a[k - 1], &c))
            return;
        size_t j = q->len < k ? q->len++ : k - 1; /* when full, the worst drops out */
        while (j > 0 && a[j - 1].d2 > c.d2) {
            a[j] = a[j - 1];
            j--;
        }
        while (j > 0 && a[j - 1].d2 == c.d2 && a[j - 1].index > c.index) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = c;
    } else if (q->len < k) {
        a[q->len] = c;
        sift_up(a, q->len++);
    } else if (nb_worse(&a[0], &c)) {
        a[0] = c;
        sift_down(a, q->len, 0);
    }
}

/* Leaves the neighbours in ascending (d2, index) order. */
static inline void query_finish(query *q, size_t k)
{
    if (k > SORTED_MAX)
        heap_sort(q->heap, q->len);
}

static inline int lowest_bit(unsigned v)
{
#if defined(__GNUC__)
    return __builtin_ctz(v);
#else
    int b = 0;
    while (!(v & 1u)) {
        v >>= 1;
        b++;
    }
    return b;
#endif
}

/* Offers the points at tree positions [p0, p1) to q. Distances are computed LANES at a
 * time without branches (the arrays are padded for this), and only the few points that
 * can enter the heap are looked at one by one. */
static inline void scan(const nb_kdtree *t, size_t p0, size_t p1, size_t k, query *q)
{
    const double *restrict x = t->x, *restrict y = t->y, *restrict z = t->z;
    const double qx = q->x, qy = q->y, qz = q->z;
    for (size_t b = p0; b < p1; b += NB_KDTREE_LANES) {
        /* ties with the worst pass here and get the exact (d2, index) test below */
        double w = query_worst(q, k);
        double d2[NB_KDTREE_LANES];
        unsigned mask = 0;
        /* the cost model declines this loop unasked; it is the one that matters */
#pragma omp simd reduction(| : mask)
        for (int l = 0; l < NB_KDTREE_LANES; l++) {
            double dx = x[b + l] - qx, dy = y[b + l] - qy, dz = z[b + l] - qz;
            d2[l] = dx * dx + dy * dy + dz * dz;
            mask |= d2[l] <= w ? 1u << l : 0u;
        }
        if (p1 - b < NB_KDTREE_LANES)
            mask &= (1u << (p1 - b)) - 1;
        while (mask) {
            int l = lowest_bit(mask);
            mask &= mask - 1;
            offer(q, k, (nb_kdtree_neighbour){d2[l], t->index[b + l], (uint32_t)(b + l)});
        }
    }
}

/* Gap between coordinate q and the interval [lo, hi]. Squared and summed over the three
 * axes it is never more than the computed d2 of any point in the box, since rounding is
 * monotone: pruning a box whose bound exceeds the worst kept d2 loses no neighbour. */
static inline double gap(double q, double lo, double hi)
{
    double g = lo - q > q - hi ? lo - q : q - hi;
    return g > 0.0 ? g : 0.0;
}

static inline double box_d2(const nb_kdtree_node *nd, double qx, double qy, double qz)
{
    double dx = gap(qx, nd->lo[0], nd->hi[0]);
    double dy = gap(qy, nd->lo[1], nd->hi[1]);
    double dz = gap(qz, nd->lo[2], nd->hi[2]);
    return dx * dx + dy * dy + dz * dz;
}

typedef struct stack_entry {
    double d2;
    uint32_t node;
} stack_entry;

size_t nb_kdtree_knn(const nb_kdtree *t, double qx, double qy, double qz, size_t exclude,
                     size_t k, nb_kdtree_neighbour *out)
{
    if (k == 0 || t->n == 0)
        return 0;
    query q = {qx, qy, qz, exclude, 0, out};
    stack_entry stack[QUERY_STACK];
    size_t sp = 0;
    const nb_kdtree_node *nodes = t->nodes;
    stack[sp++] = (stack_entry){box_d2(&nodes[0], qx, qy, qz), 0};
    while (sp > 0) {
        stack_entry e = stack[--sp];
        /* Equal distance is not pruned: the box may hold a tie with a lower index. */
        if (e.d2 > query_worst(&q, k))
            continue;
        const nb_kdtree_node *nd = &nodes[e.node];
        if (nd->left == 0) {
            scan(t, nd->start, (size_t)nd->start + nd->count, k, &q);
            continue;
        }
        stack_entry l = {box_d2(&nodes[nd->left], qx, qy, qz), nd->left};
        stack_entry r = {box_d2(&nodes[nd->right], qx, qy, qz), nd->right};
        if (r.d2 < l.d2) {
            stack_entry tmp = l;
            l = r;
            r = tmp;
        }
        /* far child first, so the near one is searched first and tightens the bound */
        double w = query_worst(&q, k);
        if (r.d2 <= w)
            stack[sp++] = r;
        if (l.d2 <= w)
            stack[sp++] = l;
    }
    query_finish(&q, k);
    return q.len;
}

/* Squared distances from the block's points to a node's box, lane by lane, and the mask of
 * lanes for which the box can still hold a better neighbour. Branch-free: vectorises. */
static inline unsigned lanes_box(const nb_kdtree_node *nd, const double *restrict qx,
                                 const double *restrict qy, const double *restrict qz,
                                 const double *restrict worst, double *restrict bd)
{
    unsigned mask = 0;
#pragma omp simd reduction(| : mask)
    for (int r = 0; r < NB_KDTREE_LANES; r++) {
        double dx = gap(qx[r], nd->lo[0], nd->hi[0]);
        double dy = gap(qy[r], nd->lo[1], nd->hi[1]);
        double dz = gap(qz[r], nd->lo[2], nd->hi[2]);
        bd[r] = dx * dx + dy * dy + dz * dz;
        mask |= bd[r] <= worst[r] ? 1u << r : 0u;
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
static inline double lanes_min(const double *bd, unsigned mask)
{
    double v[NB_KDTREE_LANES];
    for (int r = 0; r < NB_KDTREE_LANES; r++)
        v[r] = (mask >> r) & 1u ? bd[r] : INFINITY;
    for (int w = NB_KDTREE_LANES / 2; w > 0; w /= 2)
        for (int r = 0; r < w; r++)
            v[r] = v[r + w] < v[r] ? v[r + w] : v[r];
    return v[0];
}

/* The block's shared search state: its points, their queries and worst kept distances
 * (-inf in unused lanes, so no box is ever near them), and the walk's stack, each entry
 * carrying its box's distance to every point of the block. */
typedef struct block {
    double qx[NB_KDTREE_LANES], qy[NB_KDTREE_LANES], qz[NB_KDTREE_LANES];
    double worst[NB_KDTREE_LANES];
    query qs[NB_KDTREE_LANES];
    double bd[QUERY_STACK][NB_KDTREE_LANES];
    uint32_t node[QUERY_STACK];
} block;

static inline void scan_lanes(const nb_kdtree *t, const nb_kdtree_node *nd, unsigned mask,
                              size_t k, block *b)
{
    size_t p1 = (size_t)nd->start + nd->count;
    while (mask) {
        int r = lowest_bit(mask);
        mask &= mask - 1;
        scan(t, nd->start, p1, k, &b->qs[r]);
        b->worst[r] = query_worst(&b->qs[r], k);
    }
}

/* Searches the subtree at `root` for all points of the block, nearer children first; a
 * node is skipped as soon as no point of the block can improve on it. */
static void walk(const nb_kdtree *t, uint32_t root, size_t k, block *b)
{
    const nb_kdtree_node *nodes = t->nodes;
    size_t sp = 0;
    if (!lanes_box(&nodes[root], b->qx, b->qy, b->qz, b->worst, b->bd[0]))
        return;
    b->node[sp++] = root;
    while (sp > 0) {
        sp--;
        unsigned mask = lanes_le(b->bd[sp], b->worst);
        if (!mask)
            continue;
        const nb_kdtree_node *nd = &nodes[b->node[sp]];
        if (nd->left == 0) {
            scan_lanes(t, nd, mask, k, b);
            continue;
        }
        double bl[NB_KDTREE_LANES], br[NB_KDTREE_LANES];
        unsigned ml = lanes_box(&nodes[nd->left], b->qx, b->qy, b->qz, b->worst, bl) & mask;
        unsigned mr = lanes_box(&nodes[nd->right], b->qx, b->qy, b->qz, b->worst, br) & mask;
        uint32_t left = nd->left, right = nd->right;
        /* the nearer child goes on top, so it is searched first and tightens the bounds */
        int right_first = ml && mr ? lanes_min(br, mr) < lanes_min(bl, ml) : 0;
        if (ml && !right_first) {
            if (mr) {
                memcpy(b->bd[sp], br, sizeof br);
                b->node[sp++] = right;
            }
            memcpy(b->bd[sp], bl, sizeof bl);
            b->node[sp++] = left;
        } else {
            if (ml) {
                memcpy(b->bd[sp], bl, sizeof bl);
                b->node[sp++] = left;
            }
            if (mr) {
                memcpy(b->bd[sp], br, sizeof br);
                b->node[sp++] = right;
            }
        }
    }
}

size_t nb_kdtree_knn_block(const nb_kdtree *t, size_t p0, size_t count, size_t k,
                           nb_kdtree_neighbour *out, size_t *found)
{
    if (count > NB_KDTREE_LANES)
        count = NB_KDTREE_LANES;
    if (count == 0 || p0 + count > t->n)
        return 0;
    if (k == 0) {
        for (size_t r = 0; r < count; r++)
            found[r] = 0;
        return count;
    }
    const nb_kdtree_node *nodes = t->nodes;
    block b;
    for (size_t r = 0; r < NB_KDTREE_LANES; r++) {
        size_t p = p0 + (r < count ? r : 0);
        b.qx[r] = t->x[p];
        b.qy[r] = t->y[p];
        b.qz[r] = t->z[p];
        b.worst[r] = r < count ? INFINITY : -INFINITY;
        if (r < count)
            b.qs[r] = (query){b.qx[r], b.qy[r], b.qz[r], t->index[p], 0, out + r * k};
    }
    /* Bottom-up: the leaf holding p0 first, then the sibling subtree at each level on the
     * way back to the root, nearest first. The nodes on the path are never tested, and
     * the early, close siblings tighten the bounds before the far ones are reached. */
    uint32_t path[QUERY_STACK];
    size_t depth = 0;
    uint32_t node = 0;
    while (nodes[node].left != 0) {
        path[depth++] = node;
        node = p0 < nodes[nodes[node].right].start ? nodes[node].left : nodes[node].right;
    }
    scan_lanes(t, &nodes[node], (1u << count) - 1, k, &b);
    while (depth > 0) {
        const nb_kdtree_node *par = &nodes[path[--depth]];
        walk(t, par->left == node ? par->right : par->left, k, &b);
        node = path[depth];
    }
    for (size_t r = 0; r < count; r++) {
        query_finish(&b.qs[r], k);
        found[r] = b.qs[r].len;
    }
    return count;
}
