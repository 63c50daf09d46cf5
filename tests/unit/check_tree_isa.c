/* The tree's inner loops on every instruction-set path this CPU runs (portable, AVX2,
 * AVX-512), forced one by one through nb_tree_eval_cells / nb_tree_eval_parts as
 * check_potential forces the pairwise tiles, so an AVX-512 machine tests the AVX2 loops
 * too: each path against a long-double sum of the same terms (cells: the softened
 * monopole + quadrupole of tree.c's header; particles: point masses, near pairs, the
 * group's own points, coincident ones), force-only sums equal to the force part of a
 * force + potential one, bit for bit. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gravity/pairwise.h"
#include "gravity/tree.h"

/* Float paths: a relative error of about 1e-7 per term (one Newton step on the 1/sqrt
 * estimate), float sums over runs of 128: well under 1e-5 of the sum of the terms'
 * magnitudes. Leaving out a term, a quadrupole component or the potential's cell part is
 * 1e-3 .. 1 of it. */
#define FLOAT_TOL 1e-5
/* Double paths: a few ulp per term. */
#define DOUBLE_TOL 1e-13

#define NCELL 300 /* not a multiple of 16, more than two runs of 128 */
#define NPART 250
#define CAP (NB_TREE_LIST_CAP + NB_TREE_CELL_LANES)

static const nb_simd paths[] = {NB_SIMD_GENERIC, NB_SIMD_AVX2, NB_SIMD_AVX512};
#define NPATHS (sizeof paths / sizeof paths[0])

/* The frame tree.c puts a group in: origin o, lengths times S, masses times MS. */
static const double O[3] = {0.25, -0.5, 1.0};
#define S 2.0
#define MS 0.25
#define TWO_PI 6.283185307179586

static uint64_t rng_state;
static double urand(void) /* [0, 1) */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) * 0x1p-53;
}

typedef struct setup {
    nb_tree_lists l;
    nb_tree_group g;
    double x[NB_TREE_GROUP_MAX], y[NB_TREE_GROUP_MAX], z[NB_TREE_GROUP_MAX],
        m[NB_TREE_GROUP_MAX];
    double eps2;
    /* the reference: sums and the sums of the terms' magnitudes, per target */
    long double ax[NB_TREE_GROUP_MAX], ay[NB_TREE_GROUP_MAX], az[NB_TREE_GROUP_MAX],
        ph[NB_TREE_GROUP_MAX];
    double amag[NB_TREE_GROUP_MAX], pmag[NB_TREE_GROUP_MAX];
} setup;

static float *fbuf(void)
{
    float *p = calloc(CAP, sizeof *p);
    ck_assert_ptr_nonnull(p);
    return p;
}

static double *dbuf(void)
{
    double *p = calloc(CAP, sizeof *p);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void lists_alloc(nb_tree_lists *l)
{
    float **f[] = {&l->cx, &l->cy, &l->cz, &l->cm, &l->qxx, &l->qyy, &l->qzz,
                   &l->qxy, &l->qxz, &l->qyz, &l->ctr, &l->fpx, &l->fpy, &l->fpz, &l->fpm};
    double **d[] = {&l->dcx, &l->dcy, &l->dcz, &l->dcm, &l->dqxx, &l->dqyy, &l->dqzz,
                    &l->dqxy, &l->dqxz, &l->dqyz, &l->dctr, &l->px, &l->py, &l->pz, &l->pm};
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
        *f[k] = fbuf();
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        *d[k] = dbuf();
}

static void lists_free(nb_tree_lists *l)
{
    float *f[] = {l->cx, l->cy, l->cz, l->cm, l->qxx, l->qyy, l->qzz,
                  l->qxy, l->qxz, l->qyz, l->ctr, l->fpx, l->fpy, l->fpz, l->fpm};
    double *d[] = {l->dcx, l->dcy, l->dcz, l->dcm, l->dqxx, l->dqyy, l->dqzz,
                   l->dqxy, l->dqxz, l->dqyz, l->dctr, l->px, l->py, l->pz, l->pm};
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
        free(f[k]);
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        free(d[k]);
}

/* cnt targets in the unit box around O, eps, the group's float frame as walk_group sets it. */
static void group_init(setup *s, size_t cnt, double eps, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    rng_state = seed;
    lists_alloc(&s->l);
    s->l.self0 = SIZE_MAX;
    nb_tree_group *g = &s->g;
    for (size_t r = 0; r < cnt; r++) {
        s->x[r] = O[0] + urand() - 0.5;
        s->y[r] = O[1] + urand() - 0.5;
        s->z[r] = O[2] + urand() - 0.5;
        s->m[r] = 0.5 + urand();
        g->fx[r] = (float)((s->x[r] - O[0]) * S);
        g->fy[r] = (float)((s->y[r] - O[1]) * S);
        g->fz[r] = (float)((s->z[r] - O[2]) * S);
    }
    g->x = s->x;
    g->y = s->y;
    g->z = s->z;
    g->m = s->m;
    g->cnt = cnt;
    s->eps2 = eps * eps;
    g->feps2 = (float)(s->eps2 * S * S);
    g->ascale = S * S / MS;
    g->pscale = S / MS;
    g->fnear2 = (float)(ldexp(3.0, -12) * S * S); /* 1/64 of the box's diagonal */
    g->want_pot = 1;
}

/* A term of the reference: acceleration (ax, ay, az) and potential of one source. */
static void ref_add(setup *s, size_t r, long double ax, long double ay, long double az,
                    long double ph)
{
    s->ax[r] += ax;
    s->ay[r] += ay;
    s->az[r] += az;
    s->ph[r] += ph;
    s->amag[r] += (double)sqrtl(ax * ax + ay * ay + az * az);
    s->pmag[r] += (double)fabsl(ph);
}

/* The expansion of tree.c's header for R = target - centre: a = g5 Q R - (M g3 + 5/2 g7
 * (R.Q.R - et)) R, phi = g5 (et - R.Q.R) / 2 - M g1, et = eps^2 tr; q = xx yy zz xy xz yz. */
static void cell_term(setup *s, size_t r, const long double R[3], long double M,
                      const long double q[6], long double et, long double e2,
                      long double as, long double ps)
{
    long double r2 = R[0] * R[0] + R[1] * R[1] + R[2] * R[2] + e2;
    long double g1 = 1.0L / sqrtl(r2), g2 = g1 * g1, g3 = g1 * g2, g5 = g3 * g2,
                g7 = g5 * g2;
    long double qr[3] = {q[0] * R[0] + q[3] * R[1] + q[4] * R[2],
                         q[3] * R[0] + q[1] * R[1] + q[5] * R[2],
                         q[4] * R[0] + q[5] * R[1] + q[2] * R[2]};
    long double rqr = R[0] * qr[0] + R[1] * qr[1] + R[2] * qr[2];
    long double w = M * g3 + 2.5L * g7 * (rqr - et);
    ref_add(s, r, as * (g5 * qr[0] - w * R[0]), as * (g5 * qr[1] - w * R[1]),
            as * (g5 * qr[2] - w * R[2]), ps * (0.5L * g5 * (et - rqr) - M * g1));
}

/* NCELL cells 3 to 10 box sizes away, masses 0.5 .. 1.5, quadrupoles of size-1 nodes. */
static void cells_fill(setup *s, int dbl)
{
    nb_tree_lists *l = &s->l;
    l->dbl = dbl;
    l->nc = NCELL;
    for (size_t k = 0; k < NCELL; k++) {
        double u = 2.0 * urand() - 1.0, phi = TWO_PI * urand(), d = 3.0 + 7.0 * urand();
        double st = sqrt(1.0 - u * u);
        double c[3] = {O[0] + d * st * cos(phi), O[1] + d * st * sin(phi), O[2] + d * u};
        double M = 0.5 + urand(), q[6], tr = M * (0.1 + 0.2 * urand());
        for (int j = 0; j < 6; j++)
            q[j] = M * (urand() - 0.5) * 0.5;
        q[2] = -q[0] - q[1]; /* traceless */
        if (dbl) {
            l->dcx[k] = c[0];
            l->dcy[k] = c[1];
            l->dcz[k] = c[2];
            l->dcm[k] = M;
            l->dqxx[k] = q[0];
            l->dqyy[k] = q[1];
            l->dqzz[k] = q[2];
            l->dqxy[k] = q[3];
            l->dqxz[k] = q[4];
            l->dqyz[k] = q[5];
            l->dctr[k] = tr;
            for (size_t r = 0; r < s->g.cnt; r++) {
                long double R[3] = {(long double)s->x[r] - c[0], (long double)s->y[r] - c[1],
                                    (long double)s->z[r] - c[2]};
                long double lq[6] = {q[0], q[1], q[2], q[3], q[4], q[5]};
                cell_term(s, r, R, M, lq, (long double)s->eps2 * tr, s->eps2, 1.0L, 1.0L);
            }
            continue;
        }
        /* float, in the group's frame (tree.c's put_cell): the reference takes the
         * float numbers as they are */
        l->cx[k] = (float)((c[0] - O[0]) * S);
        l->cy[k] = (float)((c[1] - O[1]) * S);
        l->cz[k] = (float)((c[2] - O[2]) * S);
        l->cm[k] = (float)(M * MS);
        float fq[6];
        for (int j = 0; j < 6; j++)
            fq[j] = (float)(q[j] * MS * S * S);
        l->qxx[k] = fq[0];
        l->qyy[k] = fq[1];
        l->qzz[k] = fq[2];
        l->qxy[k] = fq[3];
        l->qxz[k] = fq[4];
        l->qyz[k] = fq[5];
        l->ctr[k] = (float)(s->eps2 * tr * MS * S * S * S * S);
        for (size_t r = 0; r < s->g.cnt; r++) {
            long double R[3] = {(long double)s->g.fx[r] - l->cx[k],
                                (long double)s->g.fy[r] - l->cy[k],
                                (long double)s->g.fz[r] - l->cz[k]};
            long double lq[6] = {fq[0], fq[1], fq[2], fq[3], fq[4], fq[5]};
            cell_term(s, r, R, l->cm[k], lq, l->ctr[k], s->g.feps2, s->g.ascale,
                      s->g.pscale);
        }
    }
}

/* Appends one particle at (px, py, pz) of mass pm, in double and float. */
static void part_put(setup *s, double px, double py, double pz, double pm)
{
    nb_tree_lists *l = &s->l;
    size_t k = l->np++;
    l->px[k] = px;
    l->py[k] = py;
    l->pz[k] = pz;
    l->pm[k] = pm;
    l->fpx[k] = (float)((px - O[0]) * S);
    l->fpy[k] = (float)((py - O[1]) * S);
    l->fpz[k] = (float)((pz - O[2]) * S);
    l->fpm[k] = (float)(pm * MS);
}

/* NPART particles 0.6 to 3 box sizes away, some within the near distance of a target (1/64
 * of the box: summed in double by the float paths), the first one near target 1, one on
 * target 0; with self, the group's own points after them (self0) as the walk appends them
 * last, else none (a list flushed in the middle of a walk). The reference: every pair in
 * long double but r = 0 and a target with itself. */
static void parts_fill(setup *s, int pfloat, int self)
{
    nb_tree_lists *l = &s->l;
    nb_tree_group *g = &s->g;
    l->pfloat = pfloat;
    for (size_t k = 0; k < NPART; k++) {
        double px, py, pz;
        if (k % 50 == 7 || k == 0) { /* near target k % cnt, or 1 */
            size_t r = k ? k % g->cnt : 1 % g->cnt;
            px = s->x[r] + 1e-3 * (urand() - 0.5);
            py = s->y[r] + 1e-3 * (urand() - 0.5);
            pz = s->z[r] + 1e-3 * (urand() - 0.5);
        } else if (k == 11) { /* on target 0 */
            px = s->x[0];
            py = s->y[0];
            pz = s->z[0];
        } else {
            double u = 2.0 * urand() - 1.0, phi = TWO_PI * urand(), d = 0.6 + 2.4 * urand();
            double st = sqrt(1.0 - u * u);
            px = O[0] + d * st * cos(phi);
            py = O[1] + d * st * sin(phi);
            pz = O[2] + d * u;
        }
        part_put(s, px, py, pz, 0.5 + urand());
    }
    if (pfloat && self) {
        l->self0 = l->np;
        for (size_t r = 0; r < g->cnt; r++)
            part_put(s, s->x[r], s->y[r], s->z[r], s->m[r]);
    }
    for (size_t r = 0; r < g->cnt; r++)
        for (size_t k = 0; k < l->np; k++) {
            if (l->self0 != SIZE_MAX && k == l->self0 + r)
                continue;
            long double dx = (long double)l->px[k] - s->x[r];
            long double dy = (long double)l->py[k] - s->y[r];
            long double dz = (long double)l->pz[k] - s->z[r];
            long double r2 = dx * dx + dy * dy + dz * dz + s->eps2;
            if (r2 == 0.0L)
                continue;
            long double g1 = 1.0L / sqrtl(r2), mg1 = l->pm[k] * g1, w = mg1 * g1 * g1;
            ref_add(s, r, w * dx, w * dy, w * dz, -mg1);
        }
}

/* Every target's sums against the reference, to tol of the terms' magnitudes. */
static void check_sums(const setup *s, const char *what, nb_simd p, double tol)
{
    const nb_tree_group *g = &s->g;
    for (size_t r = 0; r < g->cnt; r++) {
        double ea = (double)sqrtl(powl(g->sx[r] - s->ax[r], 2) + powl(g->sy[r] - s->ay[r], 2) +
                                  powl(g->sz[r] - s->az[r], 2));
        double ep = (double)fabsl(g->sp[r] - s->ph[r]);
        ck_assert_msg(ea <= tol * s->amag[r] && ep <= tol * s->pmag[r],
                      "%s, path %s, target %zu of %zu: acceleration off by %.3g of %.3g, "
                      "potential by %.3g of %.3g (tolerance %g)",
                      what, nb_simd_name(p), r, g->cnt, ea, s->amag[r], ep, s->pmag[r], tol);
    }
}

/* Runs the list through path p twice, without and with the potential (which the AVX
 * float loops then leave out): force-only sums equal to the full ones bit for bit. */
static void run_path(setup *s, nb_simd p, int cells, double eps2)
{
    nb_tree_lists *l = &s->l;
    nb_tree_group *g = &s->g;
    size_t nc = l->nc, np = l->np, self0 = l->self0;
    double fx[NB_TREE_GROUP_MAX], fy[NB_TREE_GROUP_MAX], fz[NB_TREE_GROUP_MAX];
    for (int want = 0; want < 2; want++) {
        l->nc = nc;
        l->np = np;
        l->self0 = self0;
        g->want_pot = want;
        for (size_t r = 0; r < g->cnt; r++)
            g->sx[r] = g->sy[r] = g->sz[r] = g->sp[r] = 0.0;
        if (cells)
            nb_tree_eval_cells(p, l, g, eps2);
        else
            nb_tree_eval_parts(p, l, g, eps2);
        ck_assert_msg(l->nc == (cells ? 0 : nc) && l->np == (cells ? np : 0),
                      "path %s: the evaluated list is emptied", nb_simd_name(p));
        for (size_t r = 0; r < g->cnt; r++) {
            if (!want) {
                fx[r] = g->sx[r];
                fy[r] = g->sy[r];
                fz[r] = g->sz[r];
            } else {
                ck_assert_msg(memcmp(&fx[r], &g->sx[r], sizeof fx[r]) == 0 &&
                                  memcmp(&fy[r], &g->sy[r], sizeof fy[r]) == 0 &&
                                  memcmp(&fz[r], &g->sz[r], sizeof fz[r]) == 0,
                              "path %s, target %zu: force-only sums differ from the force "
                              "part of force + potential", nb_simd_name(p), r);
            }
        }
    }
    l->nc = nc;
    l->np = np;
    l->self0 = self0;
}

/* Group sizes: one target, an odd count (AVX-512's two-target passes and a tail), full. */
static const size_t counts[] = {1, 37, NB_TREE_GROUP_MAX};
#define NCOUNTS (sizeof counts / sizeof counts[0])

/* _i: group size x softened or not x float or double lists */
START_TEST(test_cells_every_path)
{
    size_t cnt = counts[_i % NCOUNTS];
    double eps = (_i / NCOUNTS) % 2 ? 0.05 : 0.0;
    int dbl = _i / (2 * NCOUNTS);
    int tested = 0;
    for (size_t k = 0; k < NPATHS; k++) {
        if (!nb_simd_available(paths[k])) {
            printf("# cells: path %s not available on this CPU\n", nb_simd_name(paths[k]));
            continue;
        }
        setup *s = malloc(sizeof *s);
        ck_assert_ptr_nonnull(s);
        group_init(s, cnt, eps, 1234 + _i);
        cells_fill(s, dbl);
        run_path(s, paths[k], 1, s->eps2);
        char what[96];
        snprintf(what, sizeof what, "%s cells, %zu targets, eps %g", dbl ? "double" : "float",
                 cnt, eps);
        check_sums(s, what, paths[k], dbl ? DOUBLE_TOL : FLOAT_TOL);
        lists_free(&s->l);
        free(s);
        tested++;
    }
    ck_assert_int_ge(tested, 1);
}
END_TEST

/* _i: group size x softened or not x double, float with the group's points, float without */
START_TEST(test_parts_every_path)
{
    size_t cnt = counts[_i % NCOUNTS];
    double eps = (_i / NCOUNTS) % 2 ? 0.05 : 0.0;
    int pfloat = _i / (2 * NCOUNTS) > 0, self = _i / (2 * NCOUNTS) == 1;
    for (size_t k = 0; k < NPATHS; k++) {
        if (!nb_simd_available(paths[k]))
            continue;
        setup *s = malloc(sizeof *s);
        ck_assert_ptr_nonnull(s);
        group_init(s, cnt, eps, 99 + _i);
        parts_fill(s, pfloat, self);
        run_path(s, paths[k], 0, s->eps2);
        char what[96];
        snprintf(what, sizeof what, "%s particles%s, %zu targets, eps %g",
                 pfloat ? "float" : "double", self ? " and the group's own" : "", cnt, eps);
        check_sums(s, what, paths[k], pfloat ? FLOAT_TOL : DOUBLE_TOL);
        lists_free(&s->l);
        free(s);
    }
}
END_TEST

/* The float paths really are different code: on a CPU with AVX2 (AVX-512) the AVX2
 * (AVX-512) cell sums differ from the portable ones in some bit, so a dispatch that fell
 * back to the portable loop would show here. */
START_TEST(test_paths_differ)
{
    double sx[NPATHS][NB_TREE_GROUP_MAX];
    int have[NPATHS] = {0};
    for (size_t k = 0; k < NPATHS; k++) {
        if (!nb_simd_available(paths[k]))
            continue;
        setup *s = malloc(sizeof *s);
        ck_assert_ptr_nonnull(s);
        group_init(s, NB_TREE_GROUP_MAX, 0.05, 7);
        cells_fill(s, 0);
        run_path(s, paths[k], 1, s->eps2);
        memcpy(sx[k], s->g.sx, sizeof sx[k]);
        lists_free(&s->l);
        free(s);
        have[k] = 1;
    }
    for (size_t k = 1; k < NPATHS; k++)
        if (have[k])
            ck_assert_msg(memcmp(sx[k], sx[k - 1], sizeof sx[k]) != 0,
                          "path %s gives the bits of path %s: not its own loop",
                          nb_simd_name(paths[k]), nb_simd_name(paths[k - 1]));
}
END_TEST

static Suite *tree_isa_suite(void)
{
    Suite *s = suite_create("tree_isa");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_cells_every_path, 0, 4 * NCOUNTS);
    tcase_add_loop_test(tc, test_parts_every_path, 0, 6 * NCOUNTS);
    tcase_add_test(tc, test_paths_differ);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tree_isa_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
