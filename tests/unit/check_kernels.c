/* The exact kernels against an independent long-double brute-force sum (with and without
 * softening, coincident points, every SIMD path this CPU runs), momentum conservation,
 * the potential energy per SIMD path (check_potential.c has the rest), and bit-for-bit
 * agreement between direct, parallel and thread counts. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gravity/kernels.h"
#include "gravity/pairwise.h"
#include "gravity/potential.h"
#include "core/particles.h"
#include "kernel_reference.h"

/* ---- helpers ---- */

/* Independent brute force in long double, each pair from scratch. */
static void ref_compute(const nb_particles *p, double G, double eps, ref *r)
{
    ref_alloc(r, p->n);
    long double e2 = (long double)eps * eps;
    for (size_t i = 0; i < p->n; i++)
        for (size_t j = 0; j < p->n; j++)
            if (j != i)
                ref_add_pair(r, p, i, j, G, e2);
}

static void run_kernel(const char *name, int threads, double G, double eps, nb_particles *p,
                       double *pot)
{
    nb_kernel_params kp;
    nb_kernel_params_defaults(&kp);
    kp.G = G;
    kp.eps = eps;
    kp.neighbours = 16;
    kp.threads = threads;
    nb_force f;
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_force_init(&f, name, &kp, p->n, &err) == NB_OK, "%s", err.msg);
    ck_assert_msg(nb_force_compute(&f, p, pot, &err) == NB_OK, "%s", err.msg);
    nb_force_free(&f);
}

/* Sizes around SIMD widths and block edges: one block (n < 512), several blocks with
 * ragged ends (nb = 2, 4, 6). */
static const size_t sizes[] = {1, 2, 3, 5, 8, 9, 17, 31, 100, 600, 1029, 1300};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static const char *const exact_kernels[] = {"direct", "parallel"};

/* ---- tests ---- */

/* _i: kernel x softening x size */
START_TEST(test_kernel_vs_reference)
{
    int k = _i / (2 * NSIZES), soft = (_i / NSIZES) % 2;
    size_t n = sizes[_i % NSIZES];
    double G = 0.7, eps = soft ? 0.05 : 0.0;
    nb_particles p;
    make_gaussian(n, 1000 + (unsigned)n, &p);
    ref r;
    ref_compute(&p, G, eps, &r);
    double *pot = nb_alloc_doubles(n);
    ck_assert(pot);
    char what[64];
    snprintf(what, sizeof what, "%s eps=%g", exact_kernels[k], eps);
    run_kernel(exact_kernels[k], 2, G, eps, &p, pot);
    check_against_ref(what, &p, pot, &r);
    run_kernel(exact_kernels[k], 2, G, eps, &p, NULL);
    check_against_ref(what, &p, NULL, &r);
    free(pot);
    ref_free(&r);
    nb_particles_free(&p);
}
END_TEST

/* Every SIMD path this CPU runs, not just the one the kernels pick. */
START_TEST(test_simd_paths_vs_reference)
{
    static const nb_simd paths[] = {NB_SIMD_GENERIC, NB_SIMD_AVX2, NB_SIMD_AVX512};
    nb_simd s = paths[_i];
    if (!nb_simd_available(s))
        return;
    for (int soft = 0; soft < 2; soft++) {
        for (size_t c = 0; c < NSIZES; c++) {
            size_t n = sizes[c];
            double eps = soft ? 0.01 : 0.0;
            nb_particles p;
            make_gaussian(n, 7 + (unsigned)n, &p);
            if (n >= 12)
                add_coincident(&p);
            ref r;
            ref_compute(&p, 1.0, eps, &r);
            double *pot = nb_alloc_doubles(n);
            ck_assert(pot);
            char what[64];
            snprintf(what, sizeof what, "path %s eps=%g", nb_simd_name(s), eps);
            nb_pair_accel(s, &p, 1.0, eps * eps, pot);
            check_against_ref(what, &p, pot, &r);
            /* the exact potential energy through the same path */
            long double w = 0.0L;
            double wscale = 0.0;
            for (size_t i = 0; i < n; i++) {
                w += 0.5L * p.m[i] * r.pot[i];
                wscale += 0.5 * p.m[i] * r.pscale[i];
            }
            double we = nb_potential_energy_path(s, &p, 1.0, eps, 1);
            ck_assert_msg(fabsl(we - w) <= REL_TOL * wscale, "%s n=%zu: W = %.17g, ref %.17Lg",
                          what, n, we, w);
            free(pot);
            ref_free(&r);
            nb_particles_free(&p);
        }
    }
}
END_TEST

/* eps = 0: coincident points are skipped, not turned into NaN or inf. */
START_TEST(test_coincident_points)
{
    for (int k = 0; k < 2; k++) {
        nb_particles p;
        make_gaussian(1300, 5, &p);
        add_coincident(&p);
        ref r;
        ref_compute(&p, 1.0, 0.0, &r);
        double *pot = nb_alloc_doubles(p.n);
        ck_assert(pot);
        run_kernel(exact_kernels[k], 3, 1.0, 0.0, &p, pot);
        for (size_t i = 0; i < p.n; i++)
            ck_assert_msg(isfinite(p.ax[i]) && isfinite(p.ay[i]) && isfinite(p.az[i]) &&
                              isfinite(pot[i]),
                          "%s: non-finite result for particle %zu", exact_kernels[k], i);
        check_against_ref(exact_kernels[k], &p, pot, &r);
        free(pot);
        ref_free(&r);
        nb_particles_free(&p);

        /* all particles at one point: nothing to sum */
        nb_particles_alloc(&p, 20, NULL);
        for (size_t i = 0; i < p.n; i++) {
            p.x[i] = 1.5;
            p.m[i] = 1.0;
        }
        run_kernel(exact_kernels[k], 2, 1.0, 0.0, &p, NULL);
        for (size_t i = 0; i < p.n; i++)
            ck_assert(p.ax[i] == 0.0 && p.ay[i] == 0.0 && p.az[i] == 0.0);
        nb_particles_free(&p);
    }
}
END_TEST

/* Newton's third law: sum_i m_i a_i = 0 up to round-off. */
START_TEST(test_momentum_balance)
{
    for (int k = 0; k < 2; k++) {
        for (int soft = 0; soft < 2; soft++) {
            nb_particles p;
            make_gaussian(1029, 11, &p);
            run_kernel(exact_kernels[k], 2, 1.0, soft ? 0.1 : 0.0, &p, NULL);
            long double sx = 0, sy = 0, sz = 0;
            double mag = 0.0;
            for (size_t i = 0; i < p.n; i++) {
                sx += (long double)p.m[i] * p.ax[i];
                sy += (long double)p.m[i] * p.ay[i];
                sz += (long double)p.m[i] * p.az[i];
                mag += p.m[i] * sqrt(p.ax[i] * p.ax[i] + p.ay[i] * p.ay[i] + p.az[i] * p.az[i]);
            }
            long double tot = sqrtl(sx * sx + sy * sy + sz * sz);
            ck_assert_msg(tot <= 1e-13 * mag, "%s: |sum m a| = %Lg, sum |m a| = %g",
                          exact_kernels[k], tot, mag);
            nb_particles_free(&p);
        }
    }
}
END_TEST

/* direct and parallel, any thread count, potential asked for or not: the same bits. */
START_TEST(test_bitwise_agreement)
{
    static const size_t ns[] = {13, 600, 1300, 4100};
    for (size_t c = 0; c < sizeof ns / sizeof ns[0]; c++) {
        for (int soft = 0; soft < 2; soft++) {
            double eps = soft ? 0.02 : 0.0;
            nb_particles p;
            make_gaussian(ns[c], 3, &p);
            add_coincident(&p);
            double *pot = nb_alloc_doubles(p.n);
            ck_assert(pot);
            run_kernel("direct", 1, 1.0, eps, &p, pot);
            result d = save(&p, pot);
            run_kernel("direct", 1, 1.0, eps, &p, NULL);
            result dn = save(&p, NULL);
            same_bits("direct with and without the potential", &d, &dn, 0);
            for (int t = 1; t <= 3; t++) {
                char what[64];
                snprintf(what, sizeof what, "parallel, %d threads, vs direct", t);
                memset(pot, 0, p.n * sizeof *pot);
                run_kernel("parallel", t, 1.0, eps, &p, pot);
                result q = save(&p, pot);
                same_bits(what, &d, &q, 1);
                result_free(&q);
                run_kernel("parallel", t, 1.0, eps, &p, NULL);
                q = save(&p, NULL);
                same_bits(what, &d, &q, 0);
                result_free(&q);
            }
            result_free(&d);
            result_free(&dn);
            free(pot);
            nb_particles_free(&p);
        }
    }
}
END_TEST

/* The schedule's shape, and that it covers every pair exactly once. */
START_TEST(test_schedule)
{
    static const size_t ns[] = {0, 1, 511, 512, 1300, 4096, 16384, 300000};
    for (size_t c = 0; c < sizeof ns / sizeof ns[0]; c++) {
        nb_pair_plan pl = nb_pair_plan_make(ns[c]);
        ck_assert(pl.nb >= 1 && (pl.nb == 1 || pl.nb % 2 == 0));
        ck_assert_uint_eq(nb_pair_rounds(&pl), pl.nb);
        ck_assert_uint_eq(nb_pair_round_tiles(&pl, 0), pl.nb);
        for (size_t r = 1; r < nb_pair_rounds(&pl); r++)
            ck_assert_uint_eq(nb_pair_round_tiles(&pl, r), pl.nb / 2);
    }
    /* all points coincident and eps = 1: every pair adds -1 to both potentials, so a
     * missed pair or one counted twice shows as an error of 1 in n - 1 */
    nb_particles p;
    ck_assert(nb_particles_alloc(&p, 2000, NULL) == NB_OK); /* 8 blocks */
    for (size_t i = 0; i < p.n; i++)
        p.m[i] = 1.0;
    double *pot = nb_alloc_doubles(p.n);
    ck_assert(pot);
    for (int k = 0; k < 2; k++) {
        run_kernel(exact_kernels[k], 3, 1.0, 1.0, &p, pot);
        for (size_t i = 0; i < p.n; i++)
            ck_assert_msg(fabs(pot[i] + (double)(p.n - 1)) < 1e-9,
                          "%s: pot[%zu] = %.17g, not %zu: a pair missed or counted twice",
                          exact_kernels[k], i, pot[i], p.n - 1);
    }
    free(pot);
    nb_particles_free(&p);
}
END_TEST

/* accel_range (distributed runs, docs/mpi.md): each kernel's targets i0 .. i1-1, and a
 * target's bits the same in any range and on any thread count; for the exact kernels the
 * bits of the whole schedule (the plain build's), ranges cutting through tiles' blocks
 * (1029: 4 blocks, 2600: 10) included; the tree's are its accel's (ranges in its tree
 * order cut through groups and blocks); knn writes nothing outside its range.
 * _i: kernel x softening x size */
static const char *const range_kernels[] = {"direct", "parallel", "knn", "tree"};
static const size_t range_sizes[] = {2, 9, 100, 1029, 2600};
#define NRANGE_SIZES (sizeof range_sizes / sizeof range_sizes[0])

/* accel_range on positions i0 .. i1-1; order (n entries, when not NULL) receives the
 * target order they refer to (index order unless the kernel has its own). */
static void run_range(const char *name, int threads, double eps, nb_particles *p, size_t i0,
                      size_t i1, double *pot, size_t *order)
{
    nb_kernel_params kp;
    nb_kernel_params_defaults(&kp);
    kp.G = 0.7;
    kp.eps = eps;
    kp.neighbours = 4;
    kp.threads = threads;
    nb_force f;
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_force_init(&f, name, &kp, p->n, &err) == NB_OK, "%s", err.msg);
    ck_assert(f.kernel->accel_range);
    ck_assert_msg(f.kernel->accel_range(f.state, &f.params, p, i0, i1, pot, &err) == NB_OK,
                  "%s", err.msg);
    const uint32_t *o = f.kernel->target_order ? f.kernel->target_order(f.state) : NULL;
    for (size_t k = 0; order && k < p->n; k++)
        order[k] = o ? o[k] : k;
    nb_force_free(&f);
}

START_TEST(test_accel_range)
{
    int k = _i / (2 * (int)NRANGE_SIZES), soft = (_i / (int)NRANGE_SIZES) % 2;
    size_t n = range_sizes[_i % NRANGE_SIZES];
    double eps = soft ? 0.05 : 0.0;
    const char *name = range_kernels[k];
    nb_particles whole, part;
    make_gaussian(n, 77 + (unsigned)n, &whole);
    make_gaussian(n, 77 + (unsigned)n, &part);
    double *pw = nb_alloc_doubles(n), *pp = nb_alloc_doubles(n);
    ck_assert(pw && pp);
    size_t *order = malloc(n * sizeof *order);
    ck_assert(order);
    run_range(name, 1, eps, &whole, 0, n, pw, NULL);
    if (k != 2) { /* the kernel's own accel: the plain build's bits */
        nb_particles plain;
        make_gaussian(n, 77 + (unsigned)n, &plain);
        double *pa = nb_alloc_doubles(n);
        ck_assert(pa);
        run_kernel(name, 2, 0.7, eps, &plain, pa);
        for (size_t i = 0; i < n; i++)
            ck_assert_msg(plain.ax[i] == whole.ax[i] && plain.ay[i] == whole.ay[i] &&
                              plain.az[i] == whole.az[i] && pa[i] == pw[i],
                          "%s n=%zu: range 0..n differs from accel at %zu", name, n, i);
        free(pa);
        nb_particles_free(&plain);
    }
    /* three ranges as three ranks would take them, on 3, 1 and 2 threads; a sentinel shows
     * what each call wrote */
    size_t cut[4] = {0, n / 3, 2 * n / 3, n};
    const int threads[3] = {3, 1, 2};
    for (int r = 0; r < 3; r++) {
        for (size_t i = 0; i < n; i++)
            part.ax[i] = part.ay[i] = part.az[i] = pp[i] = 12345.0;
        run_range(name, threads[r], eps, &part, cut[r], cut[r + 1], pp, order);
        /* which targets the range's positions hold */
        char *in_range = calloc(n, 1);
        ck_assert(in_range);
        for (size_t q = cut[r]; q < cut[r + 1]; q++)
            in_range[order[q]] = 1;
        for (size_t i = 0; i < n; i++) {
            int in = in_range[i];
            if (in)
                ck_assert_msg(part.ax[i] == whole.ax[i] && part.ay[i] == whole.ay[i] &&
                                  part.az[i] == whole.az[i] && pp[i] == pw[i],
                              "%s n=%zu eps=%g: target %zu differs in range %d", name, n, eps,
                              i, r);
            else if (k == 2)
                ck_assert_msg(part.ax[i] == 12345.0 && pp[i] == 12345.0,
                              "%s n=%zu: range %d wrote outside itself at %zu", name, n, r, i);
        }
        free(in_range);
    }
    free(order);
    if (k < 2) { /* the exact sums: against the reference, as the tiles are */
        ref r;
        ref_compute(&whole, 0.7, eps, &r);
        char what[64];
        snprintf(what, sizeof what, "%s range eps=%g", name, eps);
        check_against_ref(what, &whole, pw, &r);
        ref_free(&r);
    } else if (k == 2) { /* knn: the range path is its accel, bit for bit */
        double *pa = nb_alloc_doubles(n);
        ck_assert(pa);
        run_kernel(name, 2, 0.7, eps, &part, pa); /* k = 16 there: compare with k = 16 */
        nb_particles again;
        make_gaussian(n, 77 + (unsigned)n, &again);
        nb_kernel_params kp = {.G = 0.7, .eps = eps, .neighbours = 16, .threads = 1};
        nb_force f;
        nb_error err;
        ck_assert(nb_force_init(&f, name, &kp, n, &err) == NB_OK);
        ck_assert(f.kernel->accel_range(f.state, &f.params, &again, 0, n, pw, &err) == NB_OK);
        nb_force_free(&f);
        for (size_t i = 0; i < n; i++)
            ck_assert(again.ax[i] == part.ax[i] && again.az[i] == part.az[i] && pw[i] == pa[i]);
        nb_particles_free(&again);
        free(pa);
    }
    free(pw);
    free(pp);
    nb_particles_free(&whole);
    nb_particles_free(&part);
}
END_TEST

static Suite *kernels_suite(void)
{
    Suite *s = suite_create("kernels");
    TCase *tc = tcase_create("accuracy");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_kernel_vs_reference, 0, (int)(2 * 2 * NSIZES));
    tcase_add_loop_test(tc, test_simd_paths_vs_reference, 0, 3);
    tcase_add_test(tc, test_coincident_points);
    tcase_add_test(tc, test_momentum_balance);
    suite_add_tcase(s, tc);

    tc = tcase_create("determinism");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bitwise_agreement);
    tcase_add_test(tc, test_schedule);
    tcase_add_loop_test(tc, test_accel_range, 0, (int)(4 * 2 * NRANGE_SIZES));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kernels_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
