/* Exact k-nearest-neighbour queries on the kd-tree of kdtree.c, one point at a time, with
 * deterministic tie-breaking by index (groups of points: kdtree_group.c); target marks. */
#include "gravity/kdtree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A query's stack never holds more than depth + 1 entries, and depth <= 32 for median trees
 * of < 2^32 points, <= NB_KDTREE_DEPTH_MAX for midpoint trees. */
#define QUERY_STACK 72
_Static_assert(QUERY_STACK > NB_KDTREE_DEPTH_MAX, "room for the deepest midpoint tree");
/* Lane masks are unsigned ints and lanes_min halves the lanes: a power of two, <= 16. */
_Static_assert(NB_KDTREE_LANES <= 16 && (NB_KDTREE_LANES & (NB_KDTREE_LANES - 1)) == 0,
               "NB_KDTREE_LANES must be a power of two no larger than 16");
/* Up to this many neighbours a query keeps a sorted array, beyond it a heap. */
#define SORTED_MAX 48

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
            int l = nb_kdtree_lowest_bit(mask);
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

/* ---------------------------------------------------------------- target marks */

int nb_kdtree_mark(nb_kdtree_marks *mk, const nb_kdtree *t, const uint32_t *targets,
                   size_t nt, nb_error *err)
{
    size_t n = t->n;
    if (n > mk->cap) {
        nb_kdtree_marks_free(mk);
        mk->pos = malloc(n * sizeof *mk->pos);
        mk->want = calloc(n, 1);
        if (!mk->pos || !mk->want) {
            nb_kdtree_marks_free(mk);
            return nb_fail(err, NB_ERR_RUNTIME, "kd-tree: out of memory to mark %zu targets",
                           n);
        }
        mk->cap = n;
    }
    for (size_t q = 0; q < n; q++)
        mk->pos[t->index[q]] = (uint32_t)q;
    for (size_t j = 0; j < nt; j++)
        mk->want[mk->pos[targets[j]]] = 1;
    return NB_OK;
}

void nb_kdtree_unmark(nb_kdtree_marks *mk, const uint32_t *targets, size_t nt)
{
    for (size_t j = 0; j < nt; j++)
        mk->want[mk->pos[targets[j]]] = 0;
}

void nb_kdtree_marks_free(nb_kdtree_marks *mk)
{
    free(mk->pos);
    free(mk->want);
    memset(mk, 0, sizeof *mk);
}
