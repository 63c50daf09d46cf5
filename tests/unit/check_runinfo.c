/* Tests of what a run prints about itself: the progress line without an energy error
 * before one is measured (app/progress.c), the shortest dynamical time and the step
 * warnings (app/runinfo.c), the continuing command's shell quoting, and energy.csv's
 * shortest round-trip numbers (core/format.c). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/progress.h"
#include "app/runinfo.h"
#include "core/format.h"

/* What fn wrote to stderr, into buf. */
static void stderr_of(void (*fn)(void *), void *arg, char *buf, size_t size)
{
    FILE *tmp = tmpfile();
    ck_assert_ptr_nonnull(tmp);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);
    fn(arg);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    size_t k = fread(buf, 1, size - 1, tmp);
    buf[k] = '\0';
    fclose(tmp);
}

static void progress_line(void *arg)
{
    nb_progress pr;
    nb_progress_init(&pr, 0, 0);
    nb_progress_update(&pr, 5, 10, 0.5, *(double *)arg, 1);
    nb_progress_done(&pr);
}

START_TEST(test_progress_without_error)
{
    char out[512];
    double e = NAN;
    stderr_of(progress_line, &e, out, sizeof out);
    ck_assert_msg(strstr(out, "step 5/10") && !strstr(out, "dE/E"), "got '%s'", out);
    e = -2.5e-7;
    stderr_of(progress_line, &e, out, sizeof out);
    ck_assert_msg(strstr(out, "dE/E=-2.500e-07"), "got '%s'", out);
}
END_TEST

/* Two particles of mass m at distance r, softening eps: |a| = m r / (r^2 + eps^2)^(3/2)
 * (G = 1), so the shortest time is sqrt(eps / |a|). */
START_TEST(test_shortest_time)
{
    nb_particles p;
    ck_assert_int_eq(nb_particles_alloc(&p, 3, NULL), NB_OK);
    double m = 0.5, r = 0.3, eps = 0.1;
    double a = m * r / pow(r * r + eps * eps, 1.5);
    p.ax[0] = a;
    p.ax[1] = -a; /* the third has no acceleration */
    p.ay[0] = p.az[0] = 0.0;
    double t = nb_runinfo_shortest_time(&p, eps);
    ck_assert_double_eq_tol(t, sqrt(eps / a), 1e-15 * t);
    ck_assert(isinf(nb_runinfo_shortest_time(&p, 0.0))); /* no length, no time */

    nb_config c;
    nb_config_defaults(&c);
    c.softening = eps;
    c.dt = 0.6 * sqrt(eps / a); /* above half of it */
    FILE *null = fopen("/dev/null", "w");
    ck_assert_int_eq(nb_runinfo_check_step(&c, &p, null), 1);
    c.dt = 0.4 * sqrt(eps / a);
    ck_assert_int_eq(nb_runinfo_check_step(&c, &p, null), 0);
    snprintf(c.timestep, sizeof c.timestep, "adaptive");
    c.dt = 0.6 * sqrt(eps / a) * 8;
    c.max_bins = 3; /* the deepest bin's step, dt / 8, is what counts */
    ck_assert_int_eq(nb_runinfo_check_step(&c, &p, null), 1);
    c.max_bins = 4;
    ck_assert_int_eq(nb_runinfo_check_step(&c, &p, null), 0);
    ck_assert_int_eq(nb_runinfo_check_energy(&c, 0.011, null), 1);
    ck_assert_int_eq(nb_runinfo_check_energy(&c, -0.011, null), 1);
    ck_assert_int_eq(nb_runinfo_check_energy(&c, 0.009, null), 0);
    ck_assert_int_eq(nb_runinfo_check_energy(&c, NAN, null), 0);
    fclose(null);
    nb_particles_free(&p);
}
END_TEST

START_TEST(test_continue_command)
{
    char buf[256];
    nb_runinfo_continue_command(buf, sizeof buf, "outputs/run-1");
    ck_assert_str_eq(buf, "nbody restart outputs/run-1");
    nb_runinfo_continue_command(buf, sizeof buf, "my run's dir");
    ck_assert_str_eq(buf, "nbody restart 'my run'\\''s dir'");
    nb_runinfo_continue_command(buf, sizeof buf, "$HOME/x");
    ck_assert_str_eq(buf, "nbody restart '$HOME/x'");
}
END_TEST

/* The significant digits of a decimal text: no sign, exponent, point, leading or trailing
 * zeros. */
static size_t sig_digits(const char *text)
{
    char m[48];
    size_t n = 0;
    for (const char *s = text; *s && *s != 'e' && n + 1 < sizeof m; s++)
        if (*s >= '0' && *s <= '9' && (n || *s != '0'))
            m[n++] = *s;
    while (n && m[n - 1] == '0')
        n--;
    return n;
}

/* The shortest decimal that reads back: the values and the texts, and for a sweep of
 * doubles the same digits as nb_format_double, which tries every count from 1. */
START_TEST(test_format_number)
{
    static const struct {
        double v;
        const char *text;
    } cases[] = {{0.03, "0.03"},
                 {3 * 0.01, "0.03"},
                 {0.1 + 0.2, "0.30000000000000004"},
                 {100.0, "100"},
                 {1e-5, "1e-05"},
                 {-0.25628648149535421, "-0.2562864814953542"},
                 {0.0, "0"},
                 {1e300, "1e+300"},
                 {123456789012345678.0, "1.2345678901234568e+17"}};
    char buf[40], ref[40];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        ck_assert_str_eq(nb_format_number(buf, sizeof buf, cases[k].v), cases[k].text);
    double x = 1.0 / 3.0;
    for (int k = 0; k < 20000; k++) {
        x = x * 1.37 + 1e-3;
        if (x > 1e12)
            x = x * 1e-13 + (double)k * 1e-7;
        nb_format_number(buf, sizeof buf, x);
        ck_assert(strtod(buf, NULL) == x);
        nb_format_double(ref, sizeof ref, x);
        ck_assert_msg(sig_digits(buf) == sig_digits(ref), "%s against %s", buf, ref);
    }
}
END_TEST

static Suite *runinfo_suite(void)
{
    Suite *s = suite_create("runinfo");
    TCase *tc = tcase_create("runinfo");
    tcase_add_test(tc, test_progress_without_error);
    tcase_add_test(tc, test_shortest_time);
    tcase_add_test(tc, test_continue_command);
    tcase_add_test(tc, test_format_number);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(runinfo_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
