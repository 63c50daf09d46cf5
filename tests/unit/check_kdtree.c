/* The kd-tree against a brute-force k-nearest search (every point against every other,
 * sorted by (distance, index)) on random, clustered and degenerate inputs, plus the tree's
 * structural invariants and its independence of the thread count. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gravity/kdtree.h"
#include "core/rng.h"

/* ---- point sets ---- */

typedef struct pts {
    size_t n;
    double *x, *y, *z, *m;
} pts;

static pts pts_alloc(size_t n)
{
    pts p = {n, calloc(n + 1, sizeof(double)), calloc(n + 1, sizeof(double)),
             calloc(n + 1, sizeof(double)), calloc(n + 1, sizeof(double))};
    ck_assert(p.x && p.y && p.z && p.m);
    for (size_t i = 0; i < n; i++)
        p.m[i] = 1.0 + (double)i; /* distinct, so the tree-order masses can be checked */
    return p;
}

static void pts_free(pts *p)
{
    free(p->x);
    free(p->y);
    free(p->z);
    free(p->m);
}

static pts uniform_cube(size_t n, uint64_t seed)
{
    pts p = pts_alloc(n);
    nb_rng r;
    nb_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) {
        p.x[i] = nb_rng_uniform(&r);
        p.y[i] = nb_rng_uniform(&r);
        p.z[i] = nb_rng_uniform(&r);
    }
    return p;
}

/* Clusters of very different sizes and populations, far apart: most leaves are tiny
 * boxes, a few are huge, and neighbour balls cross between scales. */
static pts clustered(size_t n, uint64_t seed)
{
    pts p = pts_alloc(n);
    nb_rng r;
    nb_rng_seed(&r, seed);
    const double scale[5] = {1e-6, 1e-3, 0.1, 1.0, 30.0};
    for (size_t i = 0; i < n; i++) {
        size_t c = (i * i) % 5;
        double cx = 10.0 * (double)c, cy = -3.0 * (double)c, cz = (double)(c * c);
        p.x[i] = cx + scale[c] * nb_rng_normal(&r);
        p.y[i] = cy + scale[c] * nb_rng_normal(&r);
        p.z[i] = cz + scale[c] * nb_rng_normal(&r);
    }
    return p;
}

/* Only a few distinct positions, each shared by many points: every distance is tied. */
static pts duplicates(size_t n, size_t distinct)
{
    pts p = pts_alloc(n);
    for (size_t i = 0; i < n; i++) {
        size_t c = (i * 7) % distinct;
        p.x[i] = (double)c;
        p.y[i] = 0.5 * (double)(c % 3);
        p.z[i] = -0.25 * (double)(c % 2);
    }
    return p;
}

/* All points on one line, at integer positions (ties everywhere) in shuffled order. */
static pts on_a_line(size_t n)
{
    pts p = pts_alloc(n);
    for (size_t i = 0; i < n; i++) {
        double s = (double)((i * 37) % n);
        p.x[i] = 2.0 * s;
        p.y[i] = -1.0 * s;
        p.z[i] = 3.0;
    }
    return p;
}

/* A cubic lattice: six neighbours at exactly the same distance, then twelve, ... */
static pts lattice(size_t side)
{
    pts p = pts_alloc(side * side * side);
    for (size_t i = 0; i < p.n; i++) {
        p.x[i] = (double)(i % side);
        p.y[i] = (double)((i / side) % side);
        p.z[i] = (double)(i / (side * side));
    }
    return p;
}

/* ---- brute force ---- */

typedef struct cand {
    double d2;
    size_t j;
} cand;

static int cand_cmp(const cand *u, const cand *v)
{
    if (u->d2 != v->d2)
        return u->d2 < v->d2 ? -1 : 1;
    return u->j < v->j ? -1 : (u->j > v->j);
}

/* The k nearest to q among all points but `exclude`, sorted by (d2, index), the squared
 * distance computed exactly as documented in kdtree.h: a plain scan that keeps the best k
 * in a sorted array. Returns how many. */
static size_t brute_knn(const pts *p, double qx, double qy, double qz, size_t exclude,
                        size_t k, cand *out)
{
    size_t len = 0;
    for (size_t j = 0; j < p->n; j++) {
        if (j == exclude)
            continue;
        double dx = p->x[j] - qx, dy = p->y[j] - qy, dz = p->z[j] - qz;
        cand c = {dx * dx + dy * dy + dz * dz, j};
        if (len == k && (k == 0 || cand_cmp(&c, &out[k - 1]) >= 0))
            continue;
        size_t a = len < k ? len++ : k - 1;
        while (a > 0 && cand_cmp(&c, &out[a - 1]) < 0) {
            out[a] = out[a - 1];
            a--;
        }
        out[a] = c;
    }
    return len;
}

/* The split rule build() uses: the median (knn's) except in test_midpoint. */
static nb_kdtree_split split_rule = NB_KDTREE_SPLIT_MEDIAN;

static void build(nb_kdtree *t, const pts *p, size_t leaf, int threads)
{
    nb_error err;
    nb_error_clear(&err);
    if (split_rule == NB_KDTREE_SPLIT_MEDIAN)
        ck_assert_msg(nb_kdtree_init(t, p->n, leaf, &err) == NB_OK, "%s", err.msg);
    else
        ck_assert_msg(nb_kdtree_init_split(t, p->n, leaf, split_rule, &err) == NB_OK, "%s",
                      err.msg);
    ck_assert_msg(nb_kdtree_build(t, p->x, p->y, p->z, p->m, p->n, threads, &err) == NB_OK,
                  "%s", err.msg);
}

/* The tree's neighbours of query i (exclude itself) must be the brute-force ones, in the
 * same order, with the same distances, and each neighbour's tree position must hold it. */
static void expect_same(const nb_kdtree *t, const pts *p, const nb_kdtree_neighbour *got,
                        size_t nfound, const cand *want, size_t nwant, size_t i)
{
    /* Check writes a mark per assertion: test quietly first, assert in detail on failure */
    int same = nfound == nwant;
    for (size_t a = 0; same && a < nwant; a++)
        same = got[a].index == want[a].j && got[a].d2 == want[a].d2 &&
               t->index[got[a].pos] == got[a].index && t->x[got[a].pos] == p->x[want[a].j];
    if (same)
        return;
    ck_assert_msg(nfound == nwant, "query %zu: %zu neighbours, expected %zu", i, nfound, nwant);
    for (size_t a = 0; a < nwant; a++) {
        ck_assert_msg(got[a].index == want[a].j,
                      "query %zu, neighbour %zu: index %u, expected %zu (d2 %.17g vs %.17g)", i,
                      a, got[a].index, want[a].j, got[a].d2, want[a].d2);
        ck_assert(got[a].d2 == want[a].d2);
        ck_assert(t->index[got[a].pos] == got[a].index);
        ck_assert(t->x[got[a].pos] == p->x[want[a].j]);
    }
}

/* Every point's k nearest, through both queries (one point at a time, and in blocks of
 * tree-consecutive points), against brute force. */
static void check_all_knn(const pts *p, size_t k, size_t leaf)
{
    nb_kdtree t;
    build(&t, p, leaf, 1);
    size_t n = p->n, kk = k ? k : 1;
    cand *want = malloc((n + 1) * kk * sizeof *want);
    size_t *nwant = malloc((n + 1) * sizeof *nwant);
    nb_kdtree_neighbour *got = malloc(NB_KDTREE_LANES * kk * sizeof *got);
    size_t found[NB_KDTREE_LANES];
    ck_assert(want && nwant && got);
    for (size_t i = 0; i < n; i++) {
        nwant[i] = brute_knn(p, p->x[i], p->y[i], p->z[i], i, k, want + i * kk);
        size_t nf = nb_kdtree_knn(&t, p->x[i], p->y[i], p->z[i], i, k, got);
        expect_same(&t, p, got, nf, want + i * kk, nwant[i], i);
    }
    /* groups of every size from 1 to LANES, at every offset, cover all positions, on
     * every SIMD path this CPU has; every third group leaves out some of its points */
    nb_kdtree_knn_scratch sc = {0};
    nb_error err;
    ck_assert_int_eq(nb_kdtree_knn_scratch_reserve(&sc, kk, NB_KDTREE_LANES, &err), NB_OK);
    const nb_simd paths[] = {NB_SIMD_GENERIC, NB_SIMD_AVX2, NB_SIMD_AVX512};
    for (size_t s = 0; s < sizeof paths / sizeof paths[0]; s++) {
        if (!nb_simd_available(paths[s]))
            continue;
        size_t width = 1, ng = 0;
        for (size_t p0 = 0; p0 < n; p0 += width, width = width % NB_KDTREE_LANES + 1, ng++) {
            size_t c = width < n - p0 ? width : n - p0;
            unsigned mask = ng % 3 == 2 ? 0x5a5au : ~0u;
            ck_assert_uint_eq(nb_kdtree_knn_group(&t, p0, c, mask, k, paths[s], &sc, got,
                                                  found), c);
            for (size_t r = 0; r < c; r++) {
                size_t i = t.index[p0 + r];
                if ((mask >> r) & 1u)
                    expect_same(&t, p, got + r * k, found[r], want + i * kk, nwant[i], i);
                else
                    ck_assert_uint_eq(found[r], 0);
            }
        }
    }
    nb_kdtree_knn_scratch_free(&sc);
    free(want);
    free(nwant);
    free(got);
    nb_kdtree_free(&t);
}

/* ---- structure ---- */

static size_t check_subtree(const nb_kdtree *t, const pts *p, size_t node, size_t depth,
                            size_t *maxdepth)
{
    const nb_kdtree_node *nd = &t->nodes[node];
    ck_assert(nd->count >= 1);
    ck_assert((size_t)nd->start + nd->count <= t->n);
    if (depth > *maxdepth)
        *maxdepth = depth;
    /* the box is the tight box of the node's points */
    for (int d = 0; d < 3; d++) {
        const double *c = d == 0 ? t->x : d == 1 ? t->y : t->z;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t q = nd->start; q < (size_t)nd->start + nd->count; q++) {
            lo = fmin(lo, c[q]);
            hi = fmax(hi, c[q]);
        }
        ck_assert(nd->lo[d] == lo && nd->hi[d] == hi);
    }
    if (nd->left == 0) {
        ck_assert(nd->right == 0);
        ck_assert(nd->count <= t->leaf_size);
        return 1;
    }
    ck_assert(nd->count > t->leaf_size);
    ck_assert_uint_eq(nd->left, node + 1); /* pre-order */
    const nb_kdtree_node *l = &t->nodes[nd->left], *r = &t->nodes[nd->right];
    ck_assert_uint_eq(l->start, nd->start);
    if (split_rule == NB_KDTREE_SPLIT_MEDIAN || l->count == nd->count / 2) {
        ck_assert_uint_eq(l->count, nd->count / 2); /* median split */
    } else {
        /* midpoint split: the widest side of the box cut at its middle */
        int dim = 0;
        for (int d = 1; d < 3; d++)
            if (nd->hi[d] - nd->lo[d] > nd->hi[dim] - nd->lo[dim])
                dim = d;
        double mid = 0.5 * (nd->lo[dim] + nd->hi[dim]);
        ck_assert(l->count >= 1 && l->count < nd->count);
        ck_assert(l->hi[dim] < mid && r->lo[dim] >= mid);
    }
    ck_assert_uint_eq(r->start, nd->start + l->count);
    ck_assert_uint_eq(r->count, nd->count - l->count);
    size_t nl = check_subtree(t, p, nd->left, depth + 1, maxdepth);
    ck_assert_uint_eq(nd->right, node + 1 + nl); /* a subtree is one run of nodes */
    return 1 + nl + check_subtree(t, p, nd->right, depth + 1, maxdepth);
}

static void check_structure(const pts *p, size_t leaf)
{
    nb_kdtree t;
    build(&t, p, leaf, 1);
    ck_assert_uint_eq(t.n, p->n);
    /* index is a permutation and the tree-order copies match the input */
    char *seen = calloc(p->n + 1, 1);
    for (size_t q = 0; q < p->n; q++) {
        size_t i = t.index[q];
        ck_assert(i < p->n && !seen[i]);
        seen[i] = 1;
        ck_assert(t.x[q] == p->x[i] && t.y[q] == p->y[i] && t.z[q] == p->z[i]);
        ck_assert(t.m[q] == p->m[i]);
    }
    free(seen);
    if (p->n > 0) {
        size_t maxdepth = 0;
        ck_assert_uint_eq(check_subtree(&t, p, 0, 0, &maxdepth), t.nnodes);
        ck_assert(t.nnodes <= t.node_cap);
        if (split_rule == NB_KDTREE_SPLIT_MEDIAN)
            ck_assert((double)maxdepth <= ceil(log2((double)p->n)) + 1.0);
        else
            ck_assert(maxdepth <= NB_KDTREE_DEPTH_MAX);
    } else {
        ck_assert_uint_eq(t.nnodes, 0);
    }
    nb_kdtree_free(&t);
}

/* ---- tests ---- */

START_TEST(test_uniform)
{
    pts p = uniform_cube(1500, 1);
    check_all_knn(&p, 16, 0);
    check_all_knn(&p, 1, 0);
    check_all_knn(&p, 5, 1);
    check_all_knn(&p, 16, 64);
    check_all_knn(&p, 100, 3); /* beyond the sorted-array limit: the heap */
    check_structure(&p, 0);
    check_structure(&p, 1);
    check_structure(&p, 13);
    pts_free(&p);
}
END_TEST

START_TEST(test_clustered)
{
    pts p = clustered(2000, 2);
    check_all_knn(&p, 16, 0);
    check_all_knn(&p, 33, 5);
    check_structure(&p, 0);
    pts_free(&p);
}
END_TEST

START_TEST(test_duplicates)
{
    pts p = duplicates(600, 7); /* ~86 copies of each of 7 points */
    check_all_knn(&p, 16, 0);
    check_all_knn(&p, 120, 0); /* reaches past one pile into the next */
    check_structure(&p, 0);
    pts_free(&p);
    pts all = duplicates(300, 1); /* all 300 at one point */
    check_all_knn(&all, 16, 0);
    check_all_knn(&all, 299, 4);
    check_structure(&all, 2);
    pts_free(&all);
}
END_TEST

START_TEST(test_line_and_lattice)
{
    pts p = on_a_line(777);
    check_all_knn(&p, 16, 0);
    check_all_knn(&p, 2, 1);
    check_structure(&p, 0);
    pts_free(&p);
    pts g = lattice(9);
    check_all_knn(&g, 6, 0);
    check_all_knn(&g, 16, 0);
    check_all_knn(&g, 26, 8);
    check_structure(&g, 0);
    pts_free(&g);
}
END_TEST

/* The grouped search (every SIMD path, groups of every width and offset, some points left
 * out) against brute force for k = 1, 16 and 64: random points and a lattice, where most
 * distances tie and the index decides, neither a multiple of the leaf size. */
START_TEST(test_group_search)
{
    pts p = uniform_cube(1001, 7);
    check_all_knn(&p, 1, 0);
    check_all_knn(&p, 16, 0);
    check_all_knn(&p, 64, 0);
    check_all_knn(&p, 64, 13);
    pts_free(&p);
    pts g = lattice(9); /* 729 points */
    check_all_knn(&g, 1, 0);
    check_all_knn(&g, 16, 0);
    check_all_knn(&g, 64, 0);
    check_all_knn(&g, 18, 0); /* the 6 + 12 nearest exactly: a tie at the bound */
    pts_free(&g);
}
END_TEST

START_TEST(test_few_points)
{
    /* N <= k: every other point, and nothing for a lone point */
    for (size_t n = 0; n <= 20; n++) {
        pts p = uniform_cube(n, 10 + n);
        check_all_knn(&p, 16, 0);
        check_all_knn(&p, 16, 1);
        check_all_knn(&p, 0, 0);
        check_structure(&p, 0);
        pts_free(&p);
    }
}
END_TEST

START_TEST(test_free_queries)
{
    /* query points that are not tree points, nothing excluded */
    pts p = clustered(1000, 3);
    nb_kdtree t;
    build(&t, &p, 0, 1);
    cand want[20];
    nb_kdtree_neighbour got[20];
    nb_rng r;
    nb_rng_seed(&r, 4);
    for (int q = 0; q < 300; q++) {
        double qx = 50.0 * nb_rng_uniform(&r) - 5.0, qy = -15.0 * nb_rng_uniform(&r),
               qz = 20.0 * nb_rng_uniform(&r);
        if (q % 3 == 0) { /* exactly on a point, which now counts */
            size_t i = (size_t)q % p.n;
            qx = p.x[i];
            qy = p.y[i];
            qz = p.z[i];
        }
        size_t nw = brute_knn(&p, qx, qy, qz, SIZE_MAX, 20, want);
        size_t nf = nb_kdtree_knn(&t, qx, qy, qz, NB_KDTREE_NONE, 20, got);
        expect_same(&t, &p, got, nf, want, nw, (size_t)q);
    }
    nb_kdtree_free(&t);
    pts_free(&p);
}
END_TEST

START_TEST(test_threads_same_tree)
{
    /* big enough for the build to split into parallel tasks */
    pts p = clustered(100000, 5);
    nb_kdtree a, b;
    build(&a, &p, 0, 1);
    build(&b, &p, 0, 2);
    ck_assert_uint_eq(a.nnodes, b.nnodes);
    ck_assert(memcmp(a.nodes, b.nodes, a.nnodes * sizeof *a.nodes) == 0);
    ck_assert(memcmp(a.index, b.index, p.n * sizeof *a.index) == 0);
    /* rebuilding over the same storage gives the same tree again */
    nb_error err;
    nb_error_clear(&err);
    ck_assert(nb_kdtree_build(&b, p.x, p.y, p.z, p.m, p.n, 3, &err) == NB_OK);
    ck_assert(memcmp(a.nodes, b.nodes, a.nnodes * sizeof *a.nodes) == 0);
    ck_assert(memcmp(a.index, b.index, p.n * sizeof *a.index) == 0);
    nb_kdtree_free(&a);
    nb_kdtree_free(&b);
    pts_free(&p);
}
END_TEST

START_TEST(test_reuse_smaller)
{
    /* storage for 3000, builds of fewer points reuse it and stay correct */
    pts big = uniform_cube(3000, 6);
    nb_kdtree t;
    build(&t, &big, 0, 1);
    pts small = clustered(700, 7);
    nb_error err;
    nb_error_clear(&err);
    ck_assert(nb_kdtree_build(&t, small.x, small.y, small.z, NULL, small.n, 1, &err) == NB_OK);
    ck_assert_uint_eq(t.n, 700);
    cand want[16];
    nb_kdtree_neighbour got[16];
    for (size_t i = 0; i < small.n; i++) {
        size_t nw = brute_knn(&small, small.x[i], small.y[i], small.z[i], i, 16, want);
        size_t nf = nb_kdtree_knn(&t, small.x[i], small.y[i], small.z[i], i, 16, got);
        expect_same(&t, &small, got, nf, want, nw, i);
    }
    for (size_t q = 0; q < small.n; q++)
        ck_assert(t.m[q] == 0.0); /* no masses given */
    nb_kdtree_free(&t);
    pts_free(&big);
    pts_free(&small);
}
END_TEST

/* Points at 2^-k along a line, k = 0 .. n-1: midpoint splits peel one point off at a time,
 * so only the depth limit's fall-back to medians keeps the tree within NB_KDTREE_DEPTH_MAX. */
static pts geometric(size_t n)
{
    pts p = pts_alloc(n);
    for (size_t i = 0; i < n; i++) {
        p.x[i] = ldexp(1.0, -(int)i);
        p.y[i] = 0.5 * p.x[i];
        p.z[i] = 0.0;
        p.m[i] = 1.0;
    }
    return p;
}

/* The tree kernel's midpoint split rule: a valid tree (every split a midpoint or a median,
 * tight boxes, pre-order runs, depth bounded) that knn queries still answer exactly. */
START_TEST(test_midpoint)
{
    split_rule = NB_KDTREE_SPLIT_MIDPOINT;
    pts sets[] = {uniform_cube(1500, 11), clustered(2000, 12), duplicates(600, 7),
                  duplicates(300, 1), on_a_line(500), lattice(9), geometric(900)};
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        check_structure(&sets[k], 0);
        check_structure(&sets[k], 1);
        check_structure(&sets[k], 8);
        check_all_knn(&sets[k], 16, 8);
        pts_free(&sets[k]);
    }
    /* the same tree for any thread count; big enough for the parallel build's slots */
    pts p = clustered(40000, 13);
    check_structure(&p, 8);
    nb_kdtree a, b;
    build(&a, &p, 8, 1);
    build(&b, &p, 8, 3);
    ck_assert_uint_eq(a.nnodes, b.nnodes);
    ck_assert(memcmp(a.nodes, b.nodes, a.nnodes * sizeof *a.nodes) == 0);
    ck_assert(memcmp(a.index, b.index, p.n * sizeof *a.index) == 0);
    nb_kdtree_free(&a);
    nb_kdtree_free(&b);
    pts_free(&p);
    split_rule = NB_KDTREE_SPLIT_MEDIAN;
}
END_TEST

START_TEST(test_errors)
{
    nb_kdtree t;
    nb_error err;
    nb_error_clear(&err);
    ck_assert_int_eq(nb_kdtree_init(&t, 10, NB_KDTREE_LEAF_MAX + 1, &err), NB_ERR_INPUT);
    ck_assert_int_eq(nb_kdtree_init(&t, (size_t)UINT32_MAX + 1, 0, &err), NB_ERR_INPUT);
    pts p = uniform_cube(50, 8);
    ck_assert_int_eq(nb_kdtree_init(&t, 40, 0, &err), NB_OK);
    ck_assert_int_eq(nb_kdtree_build(&t, p.x, p.y, p.z, NULL, 50, 1, &err), NB_ERR_RUNTIME);
    p.y[17] = NAN;
    ck_assert_int_eq(nb_kdtree_build(&t, p.x, p.y, p.z, NULL, 40, 1, &err), NB_ERR_RUNTIME);
    ck_assert_msg(strstr(err.msg, "17") != NULL, "%s", err.msg);
    p.y[17] = INFINITY;
    ck_assert_int_eq(nb_kdtree_build(&t, p.x, p.y, p.z, NULL, 40, 1, &err), NB_ERR_RUNTIME);
    nb_kdtree_free(&t);
    pts_free(&p);
}
END_TEST

static Suite *kdtree_suite(void)
{
    Suite *s = suite_create("kdtree");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_uniform);
    tcase_add_test(tc, test_clustered);
    tcase_add_test(tc, test_duplicates);
    tcase_add_test(tc, test_line_and_lattice);
    tcase_add_test(tc, test_group_search);
    tcase_add_test(tc, test_few_points);
    tcase_add_test(tc, test_free_queries);
    tcase_add_test(tc, test_threads_same_tree);
    tcase_add_test(tc, test_reuse_smaller);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_midpoint);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kdtree_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
