/* A kd-tree over particle positions for exact k-nearest-neighbour queries: one array of
 * nodes, the points copied into tree order, leaf buckets. No I/O, no per-node allocation:
 * nb_kdtree_init allocates everything once, builds and queries allocate nothing. */
#ifndef NB_KDTREE_H
#define NB_KDTREE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "gravity/pairwise.h"

/* Points per leaf bucket when nb_kdtree_init is given 0, and the most it accepts. */
#define NB_KDTREE_LEAF_SIZE 16
#define NB_KDTREE_LEAF_MAX 64
/* Leaves are scanned this many points at a time; the tree-order arrays carry this many
 * padding entries past the last point so a scan never needs a remainder loop. */
#define NB_KDTREE_LANES 16
/* Bytes of nb_kdtree.scratch per point of the storage's capacity. */
#define NB_KDTREE_SCRATCH_BYTES 32
/* nb_kdtree_knn's `exclude` when no point is to be left out. */
#define NB_KDTREE_NONE SIZE_MAX

/* Nodes are stored in pre-order: a node's subtree is one contiguous run of the node array
 * starting at the node itself, its left child is the next node, and every child comes
 * after its parent. A sweep from the last node to the first therefore visits children
 * before parents, which is how per-node moments (mass, centre of mass, quadrupoles for a
 * Barnes-Hut kernel) can be accumulated later in arrays parallel to `nodes`; each node's
 * points are also one contiguous run [start, start + count) of the tree-order arrays. */
typedef struct nb_kdtree_node {
    double lo[3], hi[3];   /* tight bounding box of the node's points */
    uint32_t start, count; /* the node's points: tree positions start .. start + count - 1 */
    uint32_t left, right;  /* child nodes; both 0 for a leaf (the root, node 0, is no child) */
} nb_kdtree_node;

/* How nb_kdtree_build splits a node. */
typedef enum nb_kdtree_split {
    /* At the median along the widest axis of the node's cell: balanced, depth <= 32, the
     * node count known in advance. What knn uses (nb_kdtree_init). */
    NB_KDTREE_SPLIT_MEDIAN = 0,
    /* At the midpoint of the widest side of the node's tight bounding box: cells stay
     * nearly cubical, as in an octree, which is what a Barnes-Hut opening test wants
     * (median cells are elongated in a Plummer halo and get opened far more often). Uneven
     * counts; a median split where the midpoint leaves a side empty (coincident or
     * rounding-close points) or where the depth could pass NB_KDTREE_DEPTH_MAX. */
    NB_KDTREE_SPLIT_MIDPOINT = 1
} nb_kdtree_split;

/* The deepest a tree can be (root at depth 0): 32 for median splits of < 2^32 points, this
 * for midpoint splits. */
#define NB_KDTREE_DEPTH_MAX 64

typedef struct nb_kdtree {
    nb_kdtree_split split; /* the build's split rule */
    size_t n;              /* points in the current build */
    size_t cap;            /* points the storage can hold */
    size_t leaf_size;      /* a node with more points than this is split */
    size_t nnodes;         /* nodes in the current build */
    size_t node_cap;       /* nodes the storage can hold */
    nb_kdtree_node *nodes;
    uint32_t *index;       /* tree position -> particle index */
    double *x, *y, *z;     /* positions in tree order */
    double *m;             /* masses in tree order (zeros when the build was given none) */
    /* The build's working copy of the points, NB_KDTREE_SCRATCH_BYTES for each of cap (at
     * least one): used only inside nb_kdtree_build, so between builds its owner may use it
     * as scratch of its own (the tree kernel keeps node moments there). */
    void *scratch;
} nb_kdtree;

/* One neighbour found by a query. */
typedef struct nb_kdtree_neighbour {
    double d2;       /* squared distance (x_j-q_x)^2 + (y_j-q_y)^2 + (z_j-q_z)^2, in that order */
    uint32_t index;  /* particle index j */
    uint32_t pos;    /* its tree position: t->x[pos] is x_j */
} nb_kdtree_neighbour;

/* Allocates storage for up to cap points (fewer than 2^32) with leaves of at most
 * leaf_size points (0: NB_KDTREE_LEAF_SIZE; at most NB_KDTREE_LEAF_MAX): about 80 bytes a
 * point. Builds of up to cap points reuse it. */
int nb_kdtree_init(nb_kdtree *t, size_t cap, size_t leaf_size, nb_error *err);
/* nb_kdtree_init with a split rule. NB_KDTREE_SPLIT_MIDPOINT reserves room for the most
 * nodes any tree can have (2 cap - 1, 128 bytes a point of address space): a parallel build
 * gives each subtree that many slots, since its node count is not known in advance, and
 * squeezes the unused ones out at the end, so it touches little more than the nodes it
 * makes (about as many as a median build). The tree depends only on the points. */
int nb_kdtree_init_split(nb_kdtree *t, size_t cap, size_t leaf_size, nb_kdtree_split split,
                         nb_error *err);
void nb_kdtree_free(nb_kdtree *t);

/* Builds the tree over points 0..n-1 (n <= t->cap), replacing any earlier build. m may be
 * NULL; when given, t->m holds the masses in tree order. With NB_KDTREE_SPLIT_MIDPOINT see
 * nb_kdtree_split; with the median rule (nb_kdtree_init), each node is split at the median
 * along the widest axis of its cell (the region its ancestors' splits leave it), points
 * ordered by (coordinate, particle index), so duplicate points still split evenly and the
 * depth is at most ceil(log2(n)): O(n log n) work, expected (quickselect medians). The
 * split of a node depends only on its set of points, so the tree is the same whatever the
 * thread count (subtrees are built as OpenMP tasks). Non-finite coordinates are an error
 * (NB_ERR_RUNTIME). */
int nb_kdtree_build(nb_kdtree *t, const double *x, const double *y, const double *z,
                    const double *m, size_t n, int threads, nb_error *err);

/* The k points nearest to (qx, qy, qz), leaving out particle `exclude` (NB_KDTREE_NONE to
 * leave out none), in out[0 .. k-1] sorted by (squared distance, particle index): of points
 * at the same distance the lower index wins, so the set is unique. Returns how many were
 * found: k, or fewer when the tree holds fewer other points. Thread-safe; out is the only
 * scratch. */
size_t nb_kdtree_knn(const nb_kdtree *t, double qx, double qy, double qz, size_t exclude,
                     size_t k, nb_kdtree_neighbour *out);

/* Candidate buffers for nb_kdtree_knn_group: `lanes` points' worth, for k up to `k`. */
typedef struct nb_kdtree_knn_scratch {
    size_t k, lanes; /* what the buffers serve */
    size_t cap;      /* entries per lane */
    double *d2;      /* lanes * cap candidate distances */
    uint32_t *pos;   /* and their tree positions */
} nb_kdtree_knn_scratch;

/* Grows s (zeroed before its first use) to serve groups of up to `lanes` points (at most
 * NB_KDTREE_LANES) with k neighbours: about lanes * (2k + 80) * 12 bytes. NB_OK, or
 * NB_ERR_RUNTIME (out of memory) with s as it was. */
int nb_kdtree_knn_scratch_reserve(nb_kdtree_knn_scratch *s, size_t k, size_t lanes,
                                  nb_error *err);
void nb_kdtree_knn_scratch_free(nb_kdtree_knn_scratch *s);

/* nb_kdtree_knn for the points at tree positions p0 + r, r < count (at most s->lanes and
 * NB_KDTREE_LANES), whose bit r is set in `want`, each leaving out itself: the neighbours
 * of position p0 + r go to out[r * k ...] (same order, same set as nb_kdtree_knn: the
 * distances computed the same way, never fused) and their number to found[r] (0 for the
 * points not wanted). out holds count * k entries; k <= s->k. One walk serves the group,
 * which is much faster than one walk per point when the points are close together, as a
 * leaf's are; its leaf scans run on the SIMD path `simd` (NB_SIMD_AUTO: the best this CPU
 * has; every path gives the same bits). Returns count (0 when the group is not inside the
 * tree or does not fit s). */
size_t nb_kdtree_knn_group(const nb_kdtree *t, size_t p0, size_t count, unsigned want,
                           size_t k, nb_simd simd, nb_kdtree_knn_scratch *s,
                           nb_kdtree_neighbour *out, size_t *found);

/* A list of targets marked by tree position, for a walk that visits only the leaves and
 * nodes holding one: want[q] = 1 for the listed targets' positions q of the current build,
 * 0 elsewhere between uses. */
typedef struct nb_kdtree_marks {
    uint32_t *pos;       /* particle index -> tree position, of the last nb_kdtree_mark */
    unsigned char *want; /* one byte per position */
    size_t cap;
} nb_kdtree_marks;

/* Marks targets[0 .. nt-1] (particle indices) in mk for the current build of t, growing
 * mk as needed: NB_OK, or NB_ERR_RUNTIME (out of memory) with nothing marked. */
int nb_kdtree_mark(nb_kdtree_marks *mk, const nb_kdtree *t, const uint32_t *targets,
                   size_t nt, nb_error *err);
/* Clears the marks of targets[0 .. nt-1] (the same list as nb_kdtree_mark's). */
void nb_kdtree_unmark(nb_kdtree_marks *mk, const uint32_t *targets, size_t nt);
void nb_kdtree_marks_free(nb_kdtree_marks *mk);

/* The index of v's lowest set bit (v != 0): the next lane of a mask of SIMD lanes. */
static inline int nb_kdtree_lowest_bit(unsigned v)
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

#endif
