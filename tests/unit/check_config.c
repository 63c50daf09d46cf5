/* Parameter-file tests: defaults, every kind of bad value, --set overrides, and the
 * effective-configuration text reading back to the same settings. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/config.h"
#include "gravity/kernels.h"

static char tmpdir[] = "/tmp/nbody_check_config_XXXXXX";

static const char *write_cfg(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text; returns the status and leaves the message in err. */
static int load_text(const char *text, nb_config *c, nb_error *err)
{
    const char *path = write_cfg("t.cfg", text);
    nb_error_clear(err);
    return nb_config_load(c, path, NULL, 0, err);
}

static void expect_error(const char *text, const char *fragment)
{
    nb_config c;
    nb_error err;
    int rc = load_text(text, &c, &err);
    ck_assert_msg(rc == NB_ERR_INPUT, "expected an input error for:\n%s\ngot rc=%d", text, rc);
    ck_assert_msg(strstr(err.msg, fragment) != NULL, "message '%s' lacks '%s'", err.msg,
                  fragment);
    ck_assert_msg(strstr(err.msg, "t.cfg") != NULL, "message '%s' lacks the file name",
                  err.msg);
}

START_TEST(test_defaults_and_empty_file)
{
    nb_config c;
    nb_error err;
    ck_assert_int_eq(load_text("", &c, &err), NB_OK);
    ck_assert_str_eq(c.kernel, "parallel");
    ck_assert_str_eq(c.ic_type, "plummer");
    ck_assert_int_eq(c.n, 4096);
    ck_assert(c.softening == 0.01);
    ck_assert(c.dt == 1e-3 && c.t_end == 1.0);
    ck_assert_int_eq(c.snapshot_every, 100);
    ck_assert_int_eq(c.diagnostics_every, 10);
    ck_assert_int_eq(c.compression, 4);
    ck_assert_str_eq(c.snapshot_base, "snapshot");
    ck_assert_int_eq(nb_config_steps(&c), 1000);
}
END_TEST

START_TEST(test_full_file)
{
    nb_config c;
    nb_error err;
    int rc = load_text("run: { name = \"x\"; output_dir = \"/tmp/o\"; seed = 7; max_wall_seconds = 5; };\n"
                       "units: { G = 2.5; };\n"
                       "initial_conditions: { type = \"gaussian\"; n = 1000; };\n"
                       "gravity: { kernel = \"direct\"; softening = 0; neighbours = 8; threads = 3; };\n"
                       "integrator: { dt = 0.01; t_end = 2; };\n"
                       "output: { snapshot_every = 0; diagnostics_every = 5; compression = 0; };\n",
                       &c, &err);
    ck_assert_msg(rc == NB_OK, "%s", err.msg);
    ck_assert_str_eq(c.name, "x");
    ck_assert_str_eq(c.output_dir, "/tmp/o");
    ck_assert_uint_eq(c.seed, 7);
    ck_assert(c.max_wall_seconds == 5.0);
    ck_assert(c.G == 2.5);
    ck_assert_str_eq(c.ic_type, "gaussian");
    ck_assert_int_eq(c.n, 1000);
    ck_assert_str_eq(c.kernel, "direct");
    ck_assert(c.softening == 0.0);
    const nb_kernel *owner;
    const nb_kernel_key *k = nb_kernel_key_find("neighbours", &owner);
    ck_assert(k && nb_param_get(nb_kernel_own_const(&c.kp, owner), k) == 8);
    ck_assert_int_eq(c.threads, 3);
    ck_assert_int_eq(nb_config_steps(&c), 200);
    ck_assert_int_eq(c.snapshot_every, 0);
}
END_TEST

/* output.snapshot_base: the file-name prefix, checked to be one plain name */
START_TEST(test_snapshot_base)
{
    nb_config c;
    nb_error err;
    int rc = load_text("output: { snapshot_base = \"m31.run-2_a\"; };\n", &c, &err);
    ck_assert_msg(rc == NB_OK, "%s", err.msg);
    ck_assert_str_eq(c.snapshot_base, "m31.run-2_a");
    expect_error("output: { snapshot_base = \"\"; };\n",
                 "t.cfg:1: output.snapshot_base: is empty, expected 1 to 64 characters");
    expect_error("\noutput: { snapshot_base = \"out/snap\"; };\n",
                 "t.cfg:2: output.snapshot_base: contains '/' (character 4), expected");
    expect_error("output: { snapshot_base = \".snap\"; };\n", "starts with '.'");
    expect_error("output: { snapshot_base = \"-snap\"; };\n", "starts with '-'");
    expect_error("output: { snapshot_base = \"a b\"; };\n", "contains ' ' (character 2)");
    expect_error("output: { snapshot_base = \"a\\tb\"; };\n", "contains byte 0x09");
    expect_error("output: { snapshot_base = 3; };\n", "output.snapshot_base: expected");
    expect_error("output: { snapshot_base = "
                 "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"; };\n",
                 "output.snapshot_base: too long (at most 64 characters)");
    /* --set takes a bare word, and the base goes into the effective configuration */
    const char *ov[] = {"output.snapshot_base=galaxy"};
    ck_assert_int_eq(nb_config_load(&c, write_cfg("b.cfg", ""), ov, 1, &err), NB_OK);
    ck_assert_str_eq(c.snapshot_base, "galaxy");
    char *text = nb_config_format(&c);
    ck_assert_ptr_nonnull(strstr(text, "  snapshot_base = \"galaxy\";\n"));
    free(text);
}
END_TEST

START_TEST(test_bad_values)
{
    expect_error("run: { name = \"x\" \n", "syntax error");
    expect_error("\n\ngravity: { kernel = ; };\n", "t.cfg:3");
    expect_error("graviti: { kernel = \"direct\"; };\n", "unknown section 'graviti'");
    expect_error("gravity: { sofening = 0.1; };\n", "unknown key 'gravity.sofening'");
    expect_error("gravity = 3;\n", "expected a group");
    expect_error("gravity: { softening = \"small\"; };\n", "expected a number");
    expect_error("initial_conditions: { n = 10.5; };\n", "expected an integer");
    expect_error("initial_conditions: { n = 1e12; };\n", "expected an integer");
    expect_error("initial_conditions: { n = 1000000000000L; };\n", "out of range");
    expect_error("initial_conditions: { n = 0; };\n", "initial_conditions.n");
    expect_error("initial_conditions: { n = -5; };\n", "out of range");
    expect_error("integrator: { dt = 0.0; };\n", "integrator.dt");
    expect_error("integrator: { dt = -1e-3; };\n", "integrator.dt");
    expect_error("integrator: { t_end = 0.0; };\n", "integrator.t_end");
    expect_error("integrator: { t_end = 1e-9; };\n", "shorter than half a step");
    expect_error("gravity: { softening = -0.1; };\n", "gravity.softening");
    expect_error("gravity: { threads = -1; };\n", "gravity.threads");
    expect_error("gravity: { kernel = \"fmm\"; };\n", "unknown kernel 'fmm'");
    expect_error("gravity: { kernel = 3; };\n", "expected a kernel name in quotes");
    expect_error("initial_conditions: { type = \"disk\"; };\n", "unknown type 'disk'");
    expect_error("initial_conditions: { type = \"two_body\"; n = 3; };\n", "exactly 2");
    expect_error("initial_conditions: { type = \"two_body\"; eccentricity = 1.0; };\n",
                 "eccentricity");
    expect_error("initial_conditions: { type = \"file\"; };\n", "initial_conditions.file");
    expect_error("output: { compression = 10; };\n", "output.compression");
    expect_error("output: { diagnostics_every = 0; };\n", "output.diagnostics_every");
    expect_error("units: { G = 0.0; };\n", "units.G");
    expect_error("run: { name = \"\"; };\n", "run.name");
    expect_error("run: { seed = -1; };\n", "run.seed");
    expect_error("run: { max_wall_seconds = -1.0; };\n", "run.max_wall_seconds");
    expect_error("integrator: { dt = 1e-300; t_end = 1e300; };\n", "too many");
    if (nb_kernel_find("knn"))
        expect_error("initial_conditions: { n = 16; };\ngravity: { kernel = \"knn\"; neighbours = 16; };\n",
                     "t.cfg:2: gravity.neighbours");
}
END_TEST

START_TEST(test_error_names_line)
{
    nb_config c;
    nb_error err;
    int rc = load_text("# comment\nrun: { name = \"x\"; };\n\ngravity:\n{\n  softening = -2.0;\n};\n",
                       &c, &err);
    ck_assert_int_eq(rc, NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "t.cfg:6: gravity.softening") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(test_missing_file)
{
    nb_config c;
    nb_error err;
    nb_error_clear(&err);
    ck_assert_int_eq(nb_config_load(&c, "/nonexistent/x.cfg", NULL, 0, &err), NB_ERR_INPUT);
    ck_assert(strstr(err.msg, "/nonexistent/x.cfg") != NULL);
}
END_TEST

START_TEST(test_overrides)
{
    const char *path = write_cfg("o.cfg", "gravity: { softening = 0.5; kernel = \"direct\"; };\n");
    nb_config c;
    nb_error err;
    const char *ov[] = {"gravity.softening=0.02", "gravity.kernel=parallel",
                        "run.name=\"quoted name\"", "integrator.t_end=3",
                        "initial_conditions.n=100"};
    ck_assert_int_eq(nb_config_load(&c, path, ov, 5, &err), NB_OK);
    ck_assert(c.softening == 0.02);
    ck_assert_str_eq(c.kernel, "parallel");
    ck_assert_str_eq(c.name, "quoted name");
    ck_assert(c.t_end == 3.0);
    ck_assert_int_eq(c.n, 100);

    const char *later_wins[] = {"gravity.softening=0.1", "gravity.softening=0.2"};
    ck_assert_int_eq(nb_config_load(&c, path, later_wins, 2, &err), NB_OK);
    ck_assert(c.softening == 0.2);

    const char *bad[][1] = {{"gravity.sofening=1"}, {"gravity.softening"},
                            {"softening=1"}, {"gravity.softening=-1"},
                            {"gravity.softening=\"x\""}, {"nosuch.key=1"},
                            {"initial_conditions.n=1.5"}};
    const char *frag[] = {"unknown key", "expected SECTION.KEY=VALUE", "expected SECTION.KEY=VALUE",
                          "(--set): gravity.softening", "expected a number", "unknown section",
                          "expected an integer"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        nb_error_clear(&err);
        ck_assert_int_eq(nb_config_load(&c, path, bad[k], 1, &err), NB_ERR_INPUT);
        ck_assert_msg(strstr(err.msg, frag[k]) != NULL, "'%s': message '%s' lacks '%s'",
                      bad[k][0], err.msg, frag[k]);
    }
}
END_TEST

START_TEST(test_format_round_trip)
{
    nb_config a, b;
    nb_error err;
    const char *ov[] = {"run.name=\"we\\\"ird\\\\name\"", "gravity.softening=0.1",
                        "integrator.dt=0.0001220703125", "units.G=6.674e-11", "run.seed=123456789012345L",
                        "output.snapshot_base=m31.v2"};
    const char *path = write_cfg("r.cfg", "");
    ck_assert_int_eq(nb_config_load(&a, path, ov, 6, &err), NB_OK);
    ck_assert_str_eq(a.name, "we\"ird\\name");
    char *text = nb_config_format(&a);
    ck_assert_ptr_nonnull(text);
    int rc = nb_config_load_string(&b, text, "formatted", NULL, 0, &err);
    ck_assert_msg(rc == NB_OK, "%s\n%s", err.msg, text);
    memcpy(b.source, a.source, sizeof a.source);
    ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "round trip differs:\n%s", text);
    free(text);
}
END_TEST

START_TEST(test_shipped_quickstart)
{
    const char *src = getenv("SRCDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/configs/quickstart.cfg", src ? src : ".");
    nb_config c;
    nb_error err;
    int rc = nb_config_load(&c, path, NULL, 0, &err);
    ck_assert_msg(rc == NB_OK, "%s", err.msg);
    ck_assert_str_eq(c.name, "quickstart");
}
END_TEST

/* Untrusted text (a snapshot's /Parameters) must not read other files, and no text may
 * be big enough to make libconfig's parser crawl. */
START_TEST(test_string_refuses_include_and_size)
{
    nb_config c;
    nb_error err;
    nb_error_clear(&err);
    ck_assert_int_eq(nb_config_load_string(&c, "run: { name = \"x\"; };\n  @include \"/etc/passwd\"\n",
                                           "snap.h5:/Parameters", NULL, 0, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "snap.h5:/Parameters:2: @include '/etc/passwd': not allowed"),
                  "%s", err.msg);
    /* inside a comment or a string it is not a directive */
    ck_assert_int_eq(nb_config_load_string(&c, "/* @include \"x\" */\nrun: { name = "
                                           "\"@include \\\"y\\\"\"; };\n", "p", NULL, 0, &err),
                     NB_OK);
    size_t big = 1100 * 1024;
    char *text = malloc(big + 64);
    ck_assert_ptr_nonnull(text);
    strcpy(text, "# ");
    memset(text + 2, 'x', big);
    text[big + 2] = '\0';
    ck_assert_int_eq(nb_config_load_string(&c, text, "p", NULL, 0, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "p: 1.1 MB, larger than the 1 MB limit"), "%s", err.msg);
    free(text);
}
END_TEST

START_TEST(test_set_one_setting_only)
{
    nb_config c;
    nb_error err;
    const char *path = write_cfg("s.cfg", "");
    const char *bad[] = {"run.seed=1; output.compression = 5", "run.name=a; b = 1",
                         "run.seed=1\n@include \"/etc/passwd\""};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        nb_error_clear(&err);
        ck_assert_int_eq(nb_config_load(&c, path, &bad[k], 1, &err), NB_ERR_INPUT);
        ck_assert_msg(strstr(err.msg, "--set "), "%s", err.msg);
    }
    const char *good[] = {"run.seed=7", "run.name=plain words", "run.name=\"a; b = 1\""};
    ck_assert_int_eq(nb_config_load(&c, path, good, 3, &err), NB_OK);
    ck_assert_str_eq(c.name, "a; b = 1");
    ck_assert_int_eq((int)c.seed, 7);
}
END_TEST

/* A message longer than nb_error.msg loses its middle, never its end: the reason. */
START_TEST(test_long_message_keeps_reason)
{
    static char path[3001];
    memset(path, 'a', 3000);
    for (int k = 0; k < 3000; k += 200)
        path[k] = '/'; /* components the system takes, for the loader below */
    path[2999] = 'z';
    nb_error err;
    ck_assert_int_eq(nb_fail(&err, NB_ERR_RUNTIME, "cannot write snapshot %s: %s", path,
                             "No space left on device"), NB_ERR_RUNTIME);
    size_t len = strlen(err.msg);
    ck_assert_msg(len == sizeof err.msg - 1, "length %zu", len);
    ck_assert(!strncmp(err.msg, "cannot write snapshot /aaa", 26));
    ck_assert_ptr_nonnull(strstr(err.msg, "a ... a"));
    ck_assert(!strncmp(err.msg + 256, " ... ", 5));
    const char *end = "aaz: No space left on device";
    ck_assert_msg(!strcmp(err.msg + len - strlen(end), end), "%s", err.msg);

    /* the loader's own message for a long path that does not exist */
    char missing[3100];
    snprintf(missing, sizeof missing, "%s/x.cfg", path);
    nb_config c;
    ck_assert_int_eq(nb_config_load(&c, missing, NULL, 0, &err), NB_ERR_INPUT);
    end = "z/x.cfg: cannot read the parameter file: No such file or directory";
    len = strlen(err.msg);
    ck_assert_msg(len > strlen(end) && !strcmp(err.msg + len - strlen(end), end), "%s",
                  err.msg);

    /* a short one is untouched */
    nb_fail(&err, NB_ERR_INPUT, "%s: %s", "f.cfg:3", "why");
    ck_assert_str_eq(err.msg, "f.cfg:3: why");
}
END_TEST

/* Every path a run writes must fit the system's limit: checked with the configuration,
 * before anything is written, naming the key. */
START_TEST(test_output_path_length)
{
    static char text[8192], dir[4001];
    nb_config c;
    nb_error err;
    memset(dir, 'd', sizeof dir - 1);
    dir[sizeof dir - 1] = '\0';
    snprintf(text, sizeof text, "run: { output_dir = \"%.3000s\"; };\n", dir);
    ck_assert_int_eq(load_text(text, &c, &err), NB_OK);
    snprintf(text, sizeof text, "run:\n{\n  output_dir = \"%s\";\n};\n"
             "output: { snapshot_base = \"%.64s\"; };\n", dir, dir);
    ck_assert_int_eq(load_text(text, &c, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "t.cfg:3: run.output_dir: 4000 characters, which with "
                                  "output.snapshot_base (64) make the run's longest path") &&
                      strstr(err.msg, "more than the 4095 a path may have (expected a shorter "
                                      "directory or base)"), "%s", err.msg);
}
END_TEST

/* The unit trap: an explicit G that contradicts physical units is refused at its line,
 * naming both values; one that agrees (as a snapshot's /Parameters writes it) is used. */
START_TEST(test_units_G_contradiction)
{
    nb_config c;
    nb_error err;
    ck_assert_int_eq(load_text("units:\n{\n  system = \"kpc_msun_kms\";\n  G = 1.0;\n};\n", &c,
                               &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "t.cfg:4: units.G = 1 contradicts the physical units, which "
                                  "give G = G_cgs M / (L V^2) = 4.30091727003628e-06"),
                  "%s", err.msg);
    ck_assert_int_eq(load_text("units: { system = \"kpc_msun_kms\"; G = 4.30091727003628e-06; };",
                               &c, &err), NB_OK);
    ck_assert(c.G == 4.30091727003628e-06);
    ck_assert_int_eq(load_text("units: { system = \"kpc_msun_kms\"; };", &c, &err), NB_OK);
    ck_assert(c.G == 4.30091727003628e-06);
    ck_assert_int_eq(nb_config_has_units(&c), 1);
    /* G with two scales fixes the third: nothing to contradict */
    ck_assert_int_eq(load_text("units: { G = 2.0; length_in_cm = 1e18; mass_in_g = 1e33; };",
                               &c, &err), NB_OK);
    ck_assert(c.G == 2.0 && c.velocity_in_cm_per_s > 0);
}
END_TEST

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, test_defaults_and_empty_file);
    tcase_add_test(tc, test_full_file);
    tcase_add_test(tc, test_snapshot_base);
    tcase_add_test(tc, test_bad_values);
    tcase_add_test(tc, test_error_names_line);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_overrides);
    tcase_add_test(tc, test_format_round_trip);
    tcase_add_test(tc, test_shipped_quickstart);
    tcase_add_test(tc, test_string_refuses_include_and_size);
    tcase_add_test(tc, test_set_one_setting_only);
    tcase_add_test(tc, test_long_message_keeps_reason);
    tcase_add_test(tc, test_output_path_length);
    tcase_add_test(tc, test_units_G_contradiction);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
