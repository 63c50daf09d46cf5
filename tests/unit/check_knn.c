/* The knn kernel: with k >= N-1 it is the exact sum (against direct and a long-double brute
 * force); with small k it is the sum over a brute-force k-nearest set; its bits do not
 * depend on the thread count or on earlier calls. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gravity/force.h"
#include "core/particles.h"
#include "kernel_reference.h"

static int run_knn(int k, int threads, double G, double eps, nb_particles *p, double *pot,
                   nb_error *err)
{
    /* k set unchecked: the kernel checks it */
    nb_kernel_params kp = test_kernel_params(G, eps, 16, threads);
    const nb_kernel *owner;
    const nb_kernel_key *key = nb_kernel_key_find("neighbours", &owner);
    nb_param_set(nb_kernel_own(&kp, owner), key, k);
    nb_force f;
    int rc = nb_force_init(&f, "knn", &kp, p->n, err);
    if (rc)
        return rc;
    rc = nb_force_compute(&f, p, pot, err);
    nb_force_free(&f);
    return rc;
}

static void knn_ok(int k, int threads, double G, double eps, nb_particles *p, double *pot)
{
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(run_knn(k, threads, G, eps, p, pot, &err) == NB_OK, "%s", err.msg);
}

/* The brute-force reference: for each i, the k others nearest by (d2, index), the squared
 * distance in double exactly as the tree computes it (so ties fall the same way), then
 * the force and potential from those summed in long double. k >= n-1: all others. */
static void ref_compute(const nb_particles *p, size_t k, double G, double eps, ref *r)
{
    size_t n = p->n, kk = k < n ? k : n;
    ref_alloc(r, n);
    double *bd = malloc((kk + 1) * sizeof *bd);
    size_t *bj = malloc((kk + 1) * sizeof *bj);
    ck_assert(bd && bj);
    long double e2 = (long double)eps * eps;
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            if (kk + 1 >= n) { /* all others: no selection needed */
                bj[len++] = j;
                continue;
            }
            double dx = p->x[j] - p->x[i], dy = p->y[j] - p->y[i], dz = p->z[j] - p->z[i];
            double d2 = dx * dx + dy * dy + dz * dz;
            if (len == kk && (kk == 0 || d2 > bd[kk - 1] || (d2 == bd[kk - 1] && j > bj[kk - 1])))
                continue;
            size_t a = len < kk ? len++ : kk - 1;
            while (a > 0 && (bd[a - 1] > d2 || (bd[a - 1] == d2 && bj[a - 1] > j))) {
                bd[a] = bd[a - 1];
                bj[a] = bj[a - 1];
                a--;
            }
            bd[a] = d2;
            bj[a] = j;
        }
        for (size_t a = 0; a < len; a++)
            ref_add_pair(r, p, i, bj[a], G, e2);
    }
    free(bd);
    free(bj);
}

/* ---- tests ---- */

/* 1100: k = N-1 > 1024, where the kernel walks the tree one particle at a time */
static const size_t sizes[] = {2, 3, 9, 17, 64, 300, 1100};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* _i: size x softening. k = N-1 and k far beyond N: the exact sum, as direct computes it. */
START_TEST(test_all_neighbours_is_direct)
{
    size_t n = sizes[_i % NSIZES];
    double G = 0.7, eps = _i / NSIZES ? 0.05 : 0.0;
    nb_particles p;
    make_gaussian(n, 500 + (unsigned)n, &p);
    if (n >= 12)
        add_coincident(&p);
    ref r;
    ref_compute(&p, n, G, eps, &r);
    double *pot = nb_alloc_doubles(n), *dpot = nb_alloc_doubles(n);
    ck_assert(pot && dpot);

    /* direct, the exact kernel */
    nb_kernel_params kp = test_kernel_params(G, eps, 16, 1);
    nb_force f;
    nb_error err;
    nb_error_clear(&err);
    ck_assert(nb_force_init(&f, "direct", &kp, n, &err) == NB_OK);
    ck_assert(nb_force_compute(&f, &p, dpot, &err) == NB_OK);
    nb_force_free(&f);
    result direct = save(&p, dpot);

    const int ks[] = {(int)n - 1, (int)n, 100000};
    for (size_t c = 0; c < sizeof ks / sizeof ks[0]; c++) {
        if (ks[c] < 1)
            continue;
        char what[64];
        snprintf(what, sizeof what, "knn k=%d eps=%g", ks[c], eps);
        knn_ok(ks[c], 2, G, eps, &p, pot);
        check_against_ref(what, &p, pot, &r);
        for (size_t i = 0; i < n; i++) {
            double tol = REL_TOL * r.scale[i] + 1e-300;
            ck_assert_msg(fabs(p.ax[i] - direct.ax[i]) <= tol &&
                              fabs(p.ay[i] - direct.ay[i]) <= tol &&
                              fabs(p.az[i] - direct.az[i]) <= tol,
                          "%s: a[%zu] differs from direct beyond round-off", what, i);
            ck_assert(fabs(pot[i] - direct.pot[i]) <= REL_TOL * r.pscale[i] + 1e-300);
        }
    }
    result_free(&direct);
    free(pot);
    free(dpot);
    ref_free(&r);
    nb_particles_free(&p);
}
END_TEST

/* _i: k x softening. Small k against the brute-force neighbour sets. */
START_TEST(test_truncated_vs_brute_force)
{
    static const int ks[] = {1, 16, 50};
    int k = ks[_i % 3];
    double G = 1.3, eps = _i / 3 ? 0.01 : 0.0;
    nb_particles p;
    make_gaussian(1500, 7, &p);
    add_coincident(&p);
    ref r;
    ref_compute(&p, (size_t)k, G, eps, &r);
    double *pot = nb_alloc_doubles(p.n);
    ck_assert(pot);
    char what[64];
    snprintf(what, sizeof what, "knn k=%d eps=%g", k, eps);
    knn_ok(k, 2, G, eps, &p, pot);
    check_against_ref(what, &p, pot, &r);
    knn_ok(k, 1, G, eps, &p, NULL); /* without the potential: the same forces */
    check_against_ref(what, &p, NULL, &r);
    /* the truncation really truncates: k = 16 is far from the exact force somewhere */
    if (k == 16) {
        ref all;
        ref_compute(&p, p.n, G, eps, &all);
        double worst = 0.0;
        for (size_t i = 0; i < p.n; i++)
            worst = fmax(worst, (double)fabsl(p.ax[i] - all.ax[i]) / all.scale[i]);
        ck_assert_msg(worst > 1e-3, "k=16 matches the exact force everywhere (%g)", worst);
        ref_free(&all);
    }
    free(pot);
    ref_free(&r);
    nb_particles_free(&p);
}
END_TEST

/* Same bits for 1, 2 and 3 threads, on a set big enough to build the tree in parallel. */
START_TEST(test_threads_same_bits)
{
    nb_particles p;
    make_gaussian(40000, 11, &p);
    add_coincident(&p);
    double *pot = nb_alloc_doubles(p.n);
    ck_assert(pot);
    knn_ok(16, 1, 1.0, 0.0, &p, pot);
    result one = save(&p, pot);
    for (int t = 2; t <= 3; t++) {
        knn_ok(16, t, 1.0, 0.0, &p, pot);
        result other = save(&p, pot);
        char what[32];
        snprintf(what, sizeof what, "threads=%d vs 1", t);
        same_bits(what, &one, &other, 1);
        result_free(&other);
    }
    result_free(&one);
    free(pot);
    nb_particles_free(&p);
}
END_TEST

/* The kernel's state (tree, scratch) carries nothing from one call to the next: a call
 * after other positions, and after more particles than at create(), matches a fresh one. */
START_TEST(test_state_reuse)
{
    nb_particles p, q;
    make_gaussian(3000, 21, &p);
    make_gaussian(5000, 22, &q);
    double *pot = nb_alloc_doubles(5000);
    ck_assert(pot);
    knn_ok(16, 2, 1.0, 0.02, &q, pot);
    result fresh_q = save(&q, pot);
    knn_ok(16, 2, 1.0, 0.02, &p, pot);
    result fresh_p = save(&p, pot);

    nb_kernel_params kp = test_kernel_params(1.0, 0.02, 16, 2);
    nb_force f;
    nb_error err;
    nb_error_clear(&err);
    ck_assert(nb_force_init(&f, "knn", &kp, p.n, &err) == NB_OK);
    ck_assert(nb_force_compute(&f, &q, pot, &err) == NB_OK); /* grows past create()'s n */
    result again_q = save(&q, pot);
    ck_assert(nb_force_compute(&f, &p, pot, &err) == NB_OK);
    result again_p = save(&p, pot);
    ck_assert(nb_force_compute(&f, &p, pot, &err) == NB_OK);
    result twice_p = save(&p, pot);
    nb_force_free(&f);
    same_bits("larger n than created", &fresh_q, &again_q, 1);
    same_bits("after another set", &fresh_p, &again_p, 1);
    same_bits("repeated", &fresh_p, &twice_p, 1);
    result_free(&fresh_q); result_free(&fresh_p);
    result_free(&again_q); result_free(&again_p); result_free(&twice_p);
    free(pot);
    nb_particles_free(&p);
    nb_particles_free(&q);
}
END_TEST

START_TEST(test_edge_cases)
{
    /* one particle: no neighbours, no force */
    nb_particles p;
    make_gaussian(1, 3, &p);
    double pot[1] = {1.0};
    p.ax[0] = p.ay[0] = p.az[0] = 1.0;
    knn_ok(16, 2, 1.0, 0.0, &p, pot);
    ck_assert(p.ax[0] == 0.0 && p.ay[0] == 0.0 && p.az[0] == 0.0 && pot[0] == 0.0);
    nb_particles_free(&p);

    /* all particles at one point, unsoftened: every pair skipped, all zero and finite */
    make_gaussian(50, 4, &p);
    for (size_t i = 0; i < p.n; i++) {
        p.x[i] = 1.5;
        p.y[i] = -2.0;
        p.z[i] = 0.25;
    }
    double *pp = nb_alloc_doubles(p.n);
    knn_ok(16, 2, 1.0, 0.0, &p, pp);
    for (size_t i = 0; i < p.n; i++)
        ck_assert(p.ax[i] == 0.0 && p.ay[i] == 0.0 && p.az[i] == 0.0 && pp[i] == 0.0);
    free(pp);

    /* bad input */
    nb_error err;
    nb_error_clear(&err);
    ck_assert_int_eq(run_knn(0, 1, 1.0, 0.0, &p, NULL, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "neighbours") != NULL, "%s", err.msg);
    p.z[7] = NAN;
    ck_assert_int_eq(run_knn(16, 1, 1.0, 0.0, &p, NULL, &err), NB_ERR_RUNTIME);
    ck_assert_msg(strstr(err.msg, "7") != NULL, "%s", err.msg);
    nb_particles_free(&p);
}
END_TEST

START_TEST(test_registered)
{
    const nb_kernel *k = nb_kernel_find("knn");
    ck_assert(k != NULL);
    ck_assert_str_eq(k->name, "knn");
    ck_assert(strstr(nb_kernel_names(), "knn") != NULL);
}
END_TEST

static Suite *knn_suite(void)
{
    Suite *s = suite_create("knn");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_all_neighbours_is_direct, 0, 2 * NSIZES);
    tcase_add_loop_test(tc, test_truncated_vs_brute_force, 0, 6);
    tcase_add_test(tc, test_threads_same_bits);
    tcase_add_test(tc, test_state_reuse);
    tcase_add_test(tc, test_edge_cases);
    tcase_add_test(tc, test_registered);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(knn_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
