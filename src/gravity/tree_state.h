/* The tree kernel's state, shared by its build (tree_build.c: storage, moments, groups)
 * and its walk (tree.c): plain data, private to the two. */
#ifndef NB_TREE_STATE_H
#define NB_TREE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "gravity/kernels.h"
#include "gravity/kdtree.h"
#include "gravity/tree.h"

/* A walk's stack: one pending sibling per level, and the midpoint tree is at most
 * NB_KDTREE_DEPTH_MAX deep. */
#define STACK_CAP 80
_Static_assert(STACK_CAP > NB_KDTREE_DEPTH_MAX, "room for the deepest tree");
/* Leaves of 4 to 8 points and groups of up to 64 (32 to 64): on a 1e5 Plummer sphere at
 * theta = 0.7 the fastest of leaves 4/8/16 x groups 16/32/64 (1.5x faster than leaf =
 * group = 16). Small leaves keep the particle lists short (an opened leaf is summed point
 * by point); big groups share one walk among many targets. Rechecked with midpoint splits
 * and float cells at 1e6: leaves of 4 or 6 (875, 932 interactions per target against 993)
 * and groups of 128 were no faster, the extra nodes costing walk and build time. Rechecked
 * again with float particles and block walks at 1e6: leaves of 12 or 16 and groups of 32
 * were no faster either (leaves: within the shared machine's noise; groups of 32: about 15%
 * slower, the walk's cost per group outweighing 6% fewer accepted nodes per target). */
#define TREE_LEAF_DEFAULT 8
#define GROUP_SIZE NB_TREE_GROUP_MAX
/* Groups are walked a block at a time: the largest nodes of at most this many points share
 * the upper part of their walks (walk_block). */
#ifndef BLOCK_SIZE
#define BLOCK_SIZE 1024
#endif
/* Entries of a block's shared lists: more falls back to walks from the root. */
#define SHARE_CAP 4096
_Static_assert(NB_TREE_GROUP_MAX >= NB_KDTREE_LEAF_MAX, "a leaf must fit in one group");


/* A node's mass and trace in double, beside its centre of mass (tree_wnode.c) and its
 * quadrupole (tree_quad): what the reverse sweep builds parents from; the walk reads the
 * compact tree_wnode and tree_fmom copies instead (and these only for theta below
 * NB_TREE_FLOAT_THETA). */
typedef struct tree_mt {
    double m;      /* mass */
    double tr;     /* sum m |d|^2, d = x - c */
} tree_mt;

/* What the walk reads of every visited node, two to a cache line: the walk is bound by
 * the latency of fetching nodes (perf at 1e6: a quarter of an evaluation), and a node's
 * left child is the next node. link is the right child, or for a leaf (LEAF_BIT set) its
 * first point; bmax is rounded up to float so the opening test stays conservative. */
typedef struct tree_wnode {
    double c[3];
    float bmax;
    uint32_t link;
} tree_wnode;
_Static_assert(sizeof(tree_wnode) == 32, "two nodes per cache line");
#define LEAF_BIT 0x80000000u
/* Points and nodes both stay below LEAF_BIT: n <= TREE_N_MAX, nodes < 2 n. */
#define TREE_N_MAX ((size_t)1 << 30)

typedef struct tree_quad {
    double q[6];   /* Qxx Qyy Qzz Qxy Qxz Qyz, traceless */
} tree_quad;

/* An accepted node's moments as the float cell loop wants them, scaled (nb_tree_group):
 * made once per evaluation so the walk copies 32 bytes, two records per cache line, which
 * it prefetches with the node (perf: the quadrupole's cache miss was a third of the walk). */
typedef struct tree_fmom {
    float m, tr, q[6]; /* tr: eps^2 times the trace */
} tree_fmom;

/* One thread's walk: its interaction lists, its group's sums, its stack. */
typedef struct walk_buf {
    nb_tree_lists l;
    nb_tree_group g;
    uint32_t stack[STACK_CAP];
    /* the current block's shared walk (walk_block): its cells (sh, in the block's frame,
     * origin sho; shn of them before padding), leaves and candidates */
    nb_tree_lists sh;
    double sho[3];
    size_t shn;
    uint32_t sleaf[SHARE_CAP], cand[SHARE_CAP];
    size_t nsleaf, ncand;
    double ncell, npart; /* interactions of this thread's groups, this evaluation */
} walk_buf;

typedef struct tree_state {
    nb_kdtree tree;
    tree_mt *mt;        /* one per node of the tree's capacity */
    tree_wnode *walk;   /* likewise */
    uint8_t *lcount;    /* likewise: a leaf's point count */
    /* The quadrupoles and float moments of the current build: in the kd-tree's scratch,
     * free between builds, when they fit (nodes <= 0.4 points: leaves of 8 give about 0.36),
     * else in these, one per node of the tree's capacity, touched only then. */
    tree_quad *quad, *quad_own;
    tree_fmom *fmom, *fmom_own;
    uint32_t *groups;   /* the group nodes of the current build, in node order */
    size_t ngroups;
    uint32_t *blocks;   /* the block nodes (BLOCK_SIZE), in node order */
    uint32_t *bfirst;   /* block j's groups: groups[bfirst[j] .. bfirst[j + 1] - 1] */
    size_t nblocks;
    size_t group_size;  /* a group is a largest node of at most this many points */
    walk_buf *bufs;     /* one per thread */
    double *arena;      /* the bufs' arrays */
    int slots;
    double lscale, mscale; /* powers of two bringing the system to about unit size, mass */
    double ncell, npart; /* interactions of the last evaluation, all threads */
    double G, eps, theta; /* as created: G, softening, opening angle */
    int relative;       /* gravity.opening = "relative" */
    double alpha;       /* its force_accuracy */
    /* relative: each group's bound of the test (nb_tree_group_bounds), by group number,
     * filled block by block at each evaluation; 0 = the geometric test for that group */
    double *grel;
      /* P of the relative test (TREE_REL_POWER) */
    int threads;        /* resolved: >= 1 */
    nb_kdtree_marks marks; /* a list's targets (evaluate) */
} tree_state;

/* The kernel's own parameters (gravity.NAME keys, tree.c's tree_keys). */
typedef struct tree_params {
    double opening_angle; /* theta of the Barnes-Hut opening test */
    int leaf_size;        /* points per leaf, which is also the group sharing one walk */
    int opening;          /* gravity.opening: TREE_OPENING_GEOMETRIC or _RELATIVE */
    double force_accuracy; /* alpha of the relative opening test */
} tree_params;
/* The relative test's distance r = d + TREE_REL_OFFSET times the diagonal of the group's
 * box, d the distance to the box (tree_walk.h's accept_rel says why). */
#define TREE_REL_OFFSET 0.125
/* gravity.force_accuracy's default. */
#define TREE_ALPHA_DEFAULT 0.005
/* gravity.opening's values, in the order of its key's names. */
enum { TREE_OPENING_GEOMETRIC = 0, TREE_OPENING_RELATIVE = 1 };
_Static_assert(sizeof(tree_params) <= NB_KERNEL_OWN_BYTES, "fits its slot");

/* output.potential = "auto" takes the tree from this N (tree_energy.c says why). */
#define NB_TREE_ENERGY_AUTO_N 100000
/* The kernel's energy_potential hook (kernels.h), in tree_energy.c. */
void nb_tree_energy_potential(void *own, int auto_pick, char *desc, size_t size);

/* tree_block.c: the block walk's shared lists for block node `block`, whose groups are
 * groups[j0 .. j1) (tree.c's walk_group then walks each group from them); and the
 * relative test's bounds of those groups from p's accelerations (the previous force). */
void nb_tree_walk_block(const tree_state *s, walk_buf *b, uint32_t block, size_t j0, size_t j1,
                        double theta2, double eps);
void nb_tree_group_bounds(const tree_state *s, size_t j0, size_t j1, const nb_particles *p);

/* Frees everything of s, s too (NULL: nothing). */
void nb_tree_state_free(tree_state *s);
/* Tree storage for cap points: the kd-tree (leaves of `leaf`), the moments, the group and
 * block lists. */
int nb_tree_reserve(tree_state *s, size_t cap, size_t leaf, nb_error *err);
/* One walk_buf for each of `slots` threads. */
int nb_tree_reserve_bufs(tree_state *s, int slots, nb_error *err);
/* After a build: every node's moments (double, and scaled float ones for the walk, with
 * softening eps), the walk's node records, the blocks and groups, and the float scales. */
void nb_tree_moments(tree_state *s, double eps);

#endif
