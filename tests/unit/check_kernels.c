/* The exact kernels against an independent long-double brute-force sum (with and without
 * softening, coincident points, every SIMD path this CPU runs), momentum conservation,
 * the potential energy per SIMD path (check_potential.c has the rest), bit-for-bit
 * agreement between direct, parallel and thread counts, and every kernel's evaluation of
 * target lists against its all-targets bits. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gravity/force.h"
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

/* Target lists (sub-steps, and a distributed run's share of the targets): for every
 * registered kernel, a target's accelerations and potential from a list are the bits of
 * the all-targets evaluation, whatever else the list holds, in whatever order, on any
 * thread count; nothing outside the list is written. Sizes cut through the exact kernels'
 * tile blocks (1029: 4 blocks, 2600: 10) and the trees' groups and blocks; the lists run
 * from one target (one-sided sums) to all of them (tiles).
 * _i: kernel x softening x size */
static const size_t list_sizes[] = {2, 9, 100, 1029, 2600};
#define NLIST_SIZES (sizeof list_sizes / sizeof list_sizes[0])

static void kernel_params(nb_kernel_params *kp, double eps, int threads)
{
    nb_error err;
    nb_kernel_params_defaults(kp);
    kp->G = 0.7;
    kp->eps = eps;
    kp->threads = threads;
    ck_assert(nb_kernel_set(kp, "neighbours", 4, &err) == NB_OK);
}

/* A deterministic pseudo-random stream for the lists. */
static uint32_t lcg(uint64_t *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*st >> 33);
}

START_TEST(test_target_lists)
{
    size_t nk;
    const nb_kernel *const *kernels = nb_kernel_list(&nk);
    int k = _i / (2 * (int)NLIST_SIZES), soft = (_i / (int)NLIST_SIZES) % 2;
    if ((size_t)k >= nk)
        return; /* fewer kernels than the loop's room */
    size_t n = list_sizes[_i % NLIST_SIZES];
    double eps = soft ? 0.05 : 0.0;
    const char *name = kernels[k]->name;
    nb_particles whole, part;
    make_gaussian(n, 77 + (unsigned)n, &whole);
    make_gaussian(n, 77 + (unsigned)n, &part);
    if (n >= 12) {
        add_coincident(&whole);
        add_coincident(&part);
    }
    double *pw = nb_alloc_doubles(n), *pp = nb_alloc_doubles(n);
    uint32_t *list = malloc(n * sizeof *list);
    char *listed = calloc(n, 1);
    ck_assert(pw && pp && list && listed);
    nb_kernel_params kp;
    kernel_params(&kp, eps, 2);
    nb_force f;
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_force_init(&f, name, &kp, n, &err) == NB_OK, "%s", err.msg);
    ck_assert_msg(nb_force_compute(&f, &whole, pw, &err) == NB_OK, "%s", err.msg);
    nb_force_free(&f);
    /* lists of 1, about 1%, 30%, 70% and all targets, the last in reverse index order;
     * each on its own force (threads 1, 3, 2, 1, 3) and with pot or without */
    const double frac[] = {0.0, 0.01, 0.3, 0.7, 1.0};
    const int threads[] = {1, 3, 2, 1, 3};
    uint64_t st = 1234 + n;
    for (int c = 0; c < 5; c++) {
        size_t nt = 0;
        memset(listed, 0, n);
        if (c == 4)
            for (size_t i = n; i-- > 0;)
                list[nt++] = (uint32_t)i;
        else if (c == 0)
            list[nt++] = lcg(&st) % (uint32_t)n;
        else
            for (size_t i = 0; i < n; i++)
                if (lcg(&st) % 1000 < (uint32_t)(frac[c] * 1000))
                    list[nt++] = (uint32_t)i;
        /* a shuffled list: the order must not matter */
        for (size_t a = nt; a > 1; a--) {
            size_t b = lcg(&st) % a;
            uint32_t t = list[a - 1];
            list[a - 1] = list[b];
            list[b] = t;
        }
        for (size_t a = 0; a < nt; a++)
            listed[list[a]] = 1;
        int want_pot = c % 2 == 0;
        for (size_t i = 0; i < n; i++)
            part.ax[i] = part.ay[i] = part.az[i] = pp[i] = 12345.0;
        kernel_params(&kp, eps, threads[c]);
        ck_assert_msg(nb_force_init(&f, name, &kp, n, &err) == NB_OK, "%s", err.msg);
        ck_assert_msg(nb_force_prepare(&f, &part, &err) == NB_OK, "%s", err.msg);
        ck_assert_msg(nb_force_evaluate(&f, &part, list, nt, want_pot ? pp : NULL, &err) ==
                          NB_OK, "%s", err.msg);
        nb_force_free(&f);
        for (size_t i = 0; i < n; i++) {
            if (listed[i])
                ck_assert_msg(part.ax[i] == whole.ax[i] && part.ay[i] == whole.ay[i] &&
                                  part.az[i] == whole.az[i] && (!want_pot || pp[i] == pw[i]),
                              "%s n=%zu eps=%g: target %zu of a list of %zu differs from the "
                              "all-targets evaluation (%.17g, not %.17g)", name, n, eps, i,
                              nt, part.ax[i], whole.ax[i]);
            else
                ck_assert_msg(part.ax[i] == 12345.0 && part.ay[i] == 12345.0 &&
                                  part.az[i] == 12345.0 && pp[i] == 12345.0,
                              "%s n=%zu: a list of %zu wrote particle %zu, not in it", name,
                              n, nt, i);
        }
    }
    free(list);
    free(listed);
    free(pw);
    free(pp);
    nb_particles_free(&whole);
    nb_particles_free(&part);
}
END_TEST

/* The one-sided sum (nb_pair_target) on each SIMD path this CPU runs that promises the
 * tiles' bits, every target of sizes cutting through blocks, against the tiles of the
 * same path: the kernels take the one-sided sum for sparse lists on the best path only. */
START_TEST(test_onesided_bits)
{
    static const size_t ns[] = {1, 2, 9, 600, 1029, 2600};
    const nb_simd paths[] = {NB_SIMD_AVX2, NB_SIMD_AVX512};
    int ran = 0;
    for (int k = 0; k < 2; k++) {
        if (!nb_simd_available(paths[k]) || !nb_pair_target_exact(paths[k]))
            continue;
        ran++;
        for (size_t c = 0; c < sizeof ns / sizeof ns[0]; c++)
            for (int soft = 0; soft < 3; soft++) {
                size_t n = ns[c];
                double eps2 = soft == 1 ? 0.05 * 0.05 : 0.0;
                nb_particles p;
                make_gaussian(n, 5 + (unsigned)n, &p);
                if (n >= 12)
                    add_coincident(&p);
                /* soft == 2: every third particle 1e19 times farther out, so vectors of
                 * pairs mix r^2 beyond AVX2's float estimate (2^120) with ordinary ones */
                for (size_t i = 0; soft == 2 && i < n; i += 3) {
                    p.x[i] *= 1e19;
                    p.y[i] *= 1e19;
                    p.z[i] *= 1e19;
                }
                double *pot = nb_alloc_doubles(n);
                ck_assert(pot);
                nb_pair_accel(paths[k], &p, 0.7, eps2, pot);
                nb_pair_plan pl = nb_pair_plan_make(n);
                for (size_t q = 0; q < n; q++) {
                    double out[4];
                    nb_pair_target(paths[k], &pl, &p, q, 0.7, eps2, 1, out);
                    ck_assert_msg(out[0] == p.ax[q] && out[1] == p.ay[q] &&
                                      out[2] == p.az[q] && out[3] == pot[q],
                                  "%s n=%zu eps2=%g: one-sided target %zu: ax %.17g, tiles "
                                  "%.17g", nb_simd_name(paths[k]), n, eps2, q, out[0],
                                  p.ax[q]);
                }
                free(pot);
                nb_particles_free(&p);
            }
    }
    if (!ran)
        printf("check_kernels: no SIMD path with a one-sided sum on this CPU: not tested\n");
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
    tcase_add_loop_test(tc, test_target_lists, 0, (int)(NB_KERNELS_MAX * 2 * NLIST_SIZES));
    tcase_add_test(tc, test_onesided_bits);
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
