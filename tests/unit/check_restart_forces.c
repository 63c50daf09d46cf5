/* A restart keeps the snapshot's accelerations as its first force only under the forces
 * that computed them (app/restart.h nb_restart_same_forces): for a kernel whose forces read
 * the previous ones (the tree's relative opening test) any change of kernel, G, softening or
 * kernel key must evaluate the first force again. */
#include <check.h>
#include <stdio.h>

#include "app/restart.h"

static const char *BASE =
    "initial_conditions: { type = \"plummer\"; n = 100; };\n"
    "gravity: { kernel = \"tree\"; softening = 0.02; opening = \"relative\";"
    " force_accuracy = 0.002; opening_angle = 0.6; threads = 2; };\n"
    "integrator: { dt = 1.0e-3; t_end = 0.1; };\n";

/* BASE with --set override (NULL: none). */
static void load(nb_config *c, const char *override)
{
    nb_error err;
    const char *ov[1] = {override};
    int rc = nb_config_load_string(c, BASE, "base", ov, override ? 1 : 0, &err);
    ck_assert_msg(rc == NB_OK, "%s: %s", override ? override : "base", err.msg);
}

static int same_after(const char *override)
{
    static nb_config was, c;
    load(&was, NULL);
    load(&c, override);
    return nb_restart_same_forces(&c, &was);
}

START_TEST(test_same_forces)
{
    ck_assert_int_eq(same_after(NULL), 1);
    /* what does not change a force */
    ck_assert_int_eq(same_after("gravity.threads=1"), 1);
    ck_assert_int_eq(same_after("integrator.dt=5e-4"), 1);
    ck_assert_int_eq(same_after("integrator.t_end=0.5"), 1);
    ck_assert_int_eq(same_after("gravity.force_accuracy=0.002"), 1);
    /* what does */
    ck_assert_int_eq(same_after("gravity.force_accuracy=0.02"), 0);
    ck_assert_int_eq(same_after("gravity.opening_angle=0.7"), 0);
    ck_assert_int_eq(same_after("gravity.opening=\"geometric\""), 0);
    ck_assert_int_eq(same_after("gravity.leaf_size=4"), 0);
    ck_assert_int_eq(same_after("gravity.softening=0.05"), 0);
    ck_assert_int_eq(same_after("gravity.kernel=\"direct\""), 0);
    ck_assert_int_eq(same_after("units.G=2"), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("restart_forces");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_same_forces);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
