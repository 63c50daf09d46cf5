/* The exact potential energy (potential.c) against a long-double brute-force sum, softened
 * and unsoftened with coincident points, over one and several blocks; the same bits for
 * any thread count; every SIMD path this CPU runs against the portable one. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gravity/potential.h"
#include "core/particles.h"
#include "kernel_reference.h"

/* Blocked sums of a few ulp per pair and a log-depth final sum: ~1e-15 in practice. */
#define POT_TOL 1e-13

/* Odd sizes: one block (1, 2, 7), four blocks (1000), twenty ragged ones (5000). */
static const size_t sizes[] = {1, 2, 7, 1000, 5000};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* -G sum_{i<j} m_i m_j / r in long double, each pair from scratch; *scale the sum of the
 * terms' magnitudes. */
static long double ref_energy(const nb_particles *p, double G, double eps, double *scale)
{
    long double w = 0.0L, e2 = (long double)eps * eps;
    *scale = 0.0;
    for (size_t i = 0; i < p->n; i++)
        for (size_t j = i + 1; j < p->n; j++) {
            long double dx = (long double)p->x[j] - p->x[i];
            long double dy = (long double)p->y[j] - p->y[i];
            long double dz = (long double)p->z[j] - p->z[i];
            long double r2 = dx * dx + dy * dy + dz * dz + e2;
            if (r2 > 0.0L) {
                long double t = (long double)G * p->m[i] * p->m[j] / sqrtl(r2);
                w -= t;
                *scale += (double)t;
            }
        }
    return w;
}

static void make_set(size_t n, unsigned seed, nb_particles *p)
{
    make_gaussian(n, seed, p);
    if (n >= 12)
        add_coincident(p);
}

/* _i: size x softening; every available path, 2 threads */
START_TEST(test_vs_reference)
{
    size_t n = sizes[_i % NSIZES];
    double eps = _i / NSIZES ? 0.03 : 0.0, G = 1.7;
    nb_particles p;
    make_set(n, 100 + (unsigned)n, &p);
    double scale;
    long double w = ref_energy(&p, G, eps, &scale);
    static const nb_simd paths[] = {NB_SIMD_AUTO, NB_SIMD_GENERIC, NB_SIMD_AVX2,
                                    NB_SIMD_AVX512};
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
        if (!nb_simd_available(paths[k]))
            continue;
        double we = nb_potential_energy_path(paths[k], &p, G, eps, 2);
        ck_assert_msg(isfinite(we) && fabsl(we - w) <= POT_TOL * scale,
                      "path %s n=%zu eps=%g: W = %.17g, reference %.17Lg (rel %.3g)",
                      nb_simd_name(paths[k]), n, eps, we, w,
                      scale > 0 ? (double)(fabsl(we - w) / scale) : 0.0);
        if (n == 1)
            ck_assert(we == 0.0);
    }
    nb_particles_free(&p);
}
END_TEST

/* 1, 2 and 3 threads (and the OpenMP default) give the same bits, on every path. */
START_TEST(test_thread_count_bits)
{
    static const nb_simd paths[] = {NB_SIMD_GENERIC, NB_SIMD_AVX2, NB_SIMD_AVX512};
    static const size_t ns[] = {7, 1000, 5000, 20011};
    for (size_t c = 0; c < sizeof ns / sizeof ns[0]; c++) {
        for (int soft = 0; soft < 2; soft++) {
            double eps = soft ? 0.02 : 0.0;
            nb_particles p;
            make_set(ns[c], 9, &p);
            for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
                if (!nb_simd_available(paths[k]))
                    continue;
                double w1 = nb_potential_energy_path(paths[k], &p, 1.0, eps, 1);
                for (int t = 0; t <= 3; t++) {
                    double wt = nb_potential_energy_path(paths[k], &p, 1.0, eps, t);
                    ck_assert_msg(!memcmp(&w1, &wt, sizeof w1),
                                  "path %s n=%zu: W on %d threads %.17g != %.17g on 1",
                                  nb_simd_name(paths[k]), p.n, t, wt, w1);
                }
            }
            nb_particles_free(&p);
        }
    }
}
END_TEST

/* Each vector path against the portable one. */
/* The per-particle sums of a range of particles (a distributed run's rank, any block cut)
 * are those of the whole schedule, bit for bit, on 1 and 2 threads. */
START_TEST(test_range_bits)
{
    static const size_t ns[] = {300, 2600, 5000};
    for (size_t c = 0; c < sizeof ns / sizeof ns[0]; c++) {
        size_t n = ns[c];
        nb_particles p;
        make_set(n, 4, &p);
        double *whole = nb_alloc_doubles(n), *part = nb_alloc_doubles(n);
        ck_assert(whole && part);
        nb_pair_pot_range(NB_SIMD_AUTO, &p, 0, n, 1e-4, whole, 1);
        size_t cuts[][2] = {{0, n / 3}, {n / 3, 2 * n / 3}, {2 * n / 3, n}, {n / 2, n / 2 + 1},
                            {7, 9}};
        for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++)
            for (int t = 1; t <= 2; t++) {
                nb_pair_pot_range(NB_SIMD_AUTO, &p, cuts[k][0], cuts[k][1], 1e-4, part, t);
                for (size_t i = cuts[k][0]; i < cuts[k][1]; i++)
                    ck_assert_msg(!memcmp(&whole[i], &part[i], sizeof part[i]),
                                  "n=%zu range %zu..%zu on %d threads: phi[%zu] %.17g != %.17g",
                                  n, cuts[k][0], cuts[k][1], t, i, part[i], whole[i]);
            }
        free(whole);
        free(part);
        nb_particles_free(&p);
    }
}
END_TEST

START_TEST(test_paths_vs_generic)
{
    static const nb_simd paths[] = {NB_SIMD_AVX2, NB_SIMD_AVX512};
    for (size_t c = 0; c < NSIZES; c++) {
        for (int soft = 0; soft < 2; soft++) {
            double eps = soft ? 0.01 : 0.0;
            nb_particles p;
            make_set(sizes[c], 33, &p);
            double scale;
            ref_energy(&p, 1.0, eps, &scale);
            double wg = nb_potential_energy_path(NB_SIMD_GENERIC, &p, 1.0, eps, 2);
            for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
                if (!nb_simd_available(paths[k]))
                    continue;
                double ws = nb_potential_energy_path(paths[k], &p, 1.0, eps, 2);
                ck_assert_msg(fabs(ws - wg) <= POT_TOL * scale,
                              "path %s n=%zu eps=%g: W = %.17g, generic %.17g",
                              nb_simd_name(paths[k]), p.n, eps, ws, wg);
            }
            nb_particles_free(&p);
        }
    }
}
END_TEST

/* All points at one place. eps = 1: every pair is exactly -1, so a pair missed or counted
 * twice shows as an error of 1 in n(n-1)/2. eps = 0: every pair skipped, W = 0. */
START_TEST(test_pair_count_and_coincident)
{
    nb_particles p;
    ck_assert(nb_particles_alloc(&p, 2001, NULL) == NB_OK); /* 8 blocks, ragged end */
    for (size_t i = 0; i < p.n; i++) {
        p.x[i] = 0.25;
        p.m[i] = 1.0;
    }
    double pairs = (double)p.n * (double)(p.n - 1) / 2.0;
    for (int t = 1; t <= 3; t++) {
        double w = nb_potential_energy(&p, 1.0, 1.0, t);
        ck_assert_msg(fabs(w + pairs) < 1e-6, "W = %.17g, not -%.17g", w, pairs);
        w = nb_potential_energy(&p, 1.0, 0.0, t);
        ck_assert_msg(w == 0.0, "coincident points, eps = 0: W = %.17g, not 0", w);
    }
    nb_particles_free(&p);
}
END_TEST

static Suite *potential_suite(void)
{
    Suite *s = suite_create("potential");
    TCase *tc = tcase_create("potential");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_vs_reference, 0, (int)(2 * NSIZES));
    tcase_add_test(tc, test_thread_count_bits);
    tcase_add_test(tc, test_range_bits);
    tcase_add_test(tc, test_paths_vs_generic);
    tcase_add_test(tc, test_pair_count_and_coincident);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(potential_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
