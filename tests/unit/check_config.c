/* Parameter-file tests: defaults, every kind of bad value, --set overrides, and the
 * effective-configuration text reading back to the same settings. */
#include <check.h>
#include <math.h>
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
    ck_assert_int_eq(c.compression, 0);
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


/* The star-cluster systems: G against the IAU 2015 nominal GM_sun = 1.3271244e26 cm^3/s^2
 * (independent of the CODATA G and the solar mass the table multiplies) and the parsec of
 * IAU 2015 (648000/pi au), the Myr of 10^6 Julian years; published: G = 4.3009e-3
 * pc (km/s)^2 / Msun, 4.4985e-3 pc^3 / (Msun Myr^2). */
START_TEST(test_units_pc_systems)
{
    const double gm_sun = 1.3271244e26, pc = 648000.0 / 3.14159265358979323846 * 1.495978707e13;
    const double myr = 1e6 * 365.25 * 86400.0;
    nb_config c;
    nb_error err;
    ck_assert_int_eq(load_text("units: { system = \"pc_msun_kms\"; };", &c, &err), NB_OK);
    ck_assert_msg(fabs(c.G / (gm_sun / (pc * 1e10)) - 1) < 1e-12, "G = %.17g", c.G);
    ck_assert(fabs(c.G - 4.3009e-3) < 1e-7);
    ck_assert(fabs(c.length_in_cm / pc - 1) < 1e-15 && c.velocity_in_cm_per_s == 1e5);
    char line[512];
    nb_config_units_line(&c, line, sizeof line);
    ck_assert_msg(strstr(line, "(pc)") && strstr(line, "(0.978 Myr)"), "%s", line);
    ck_assert_int_eq(load_text("units: { system = \"pc_msun_myr\"; };", &c, &err), NB_OK);
    ck_assert_msg(fabs(c.G / (gm_sun * myr * myr / (pc * pc * pc)) - 1) < 1e-12, "G = %.17g",
                  c.G);
    ck_assert(fabs(c.G - 4.4985e-3) < 1e-7);
    ck_assert(fabs(c.velocity_in_cm_per_s / (pc / myr) - 1) < 1e-15);
    nb_config_units_line(&c, line, sizeof line);
    ck_assert_msg(strstr(line, "(pc/Myr)") && strstr(line, "time 3.15576e+13 s (Myr)"), "%s",
                  line);
}
END_TEST

/* The common keys reach nb_ics_params; their defaults are ics.c's. */
START_TEST(test_common_ic_keys)
{
    nb_config c;
    nb_error err;
    nb_ics_params def;
    memset(&def, 0, sizeof def);
    nb_ics_params_defaults(&def);
    ck_assert_int_eq(load_text("", &c, &err), NB_OK);
    nb_ics_params ip[NB_MAX_COMPONENTS];
    ck_assert_int_eq((int)nb_config_ics(&c, ip), 1);
    ck_assert(ip[0].mass == def.mass && ip[0].scale_radius == def.scale_radius);
    ck_assert(ip[0].m_min == def.m_min && ip[0].m_max == def.m_max);
    ck_assert_int_eq(ip[0].particle_type, def.particle_type);
    ck_assert_str_eq(ip[0].mass_function, def.mass_function);
    ck_assert_int_eq(load_text("run: { seed = 7; };\ninitial_conditions: { n = 10; mass = 3.5; "
                               "scale_radius = 2.0; centre = [1.0, -2.0, 3e3]; bulk_velocity = "
                               "(0, 1, 2.5); particle_type = 0; seed_offset = 12; mass_function "
                               "= \"kroupa\"; m_min = 0.1; m_max = 50.0; };", &c, &err), NB_OK);
    ck_assert_int_eq((int)nb_config_ics(&c, ip), 1);
    ck_assert(ip[0].mass == 3.5 && ip[0].scale_radius == 2.0);
    ck_assert(ip[0].centre[0] == 1.0 && ip[0].centre[1] == -2.0 && ip[0].centre[2] == 3e3);
    ck_assert(ip[0].bulk_velocity[0] == 0 && ip[0].bulk_velocity[2] == 2.5);
    ck_assert_int_eq(ip[0].particle_type, 0);
    ck_assert(ip[0].seed_offset == 12 && ip[0].seed == 7 && ip[0].n == 10);
    ck_assert_str_eq(ip[0].mass_function, "kroupa");
    ck_assert(ip[0].m_min == 0.1 && ip[0].m_max == 50.0);
    expect_error("initial_conditions: { particle_type = 6; };", "t.cfg:1: initial_conditions."
                 "particle_type: 6 is out of range");
    expect_error("initial_conditions: {\n mass_function = \"kroupa\";\n m_min = 2.0;\n m_max "
                 "= 1.0; };", "t.cfg:4: initial_conditions.m_min = 2 is not below");
    expect_error("initial_conditions: { mass_function = \"chabrier\"; };",
                 "initial_conditions.mass_function: unknown mass function 'chabrier'");
    expect_error("initial_conditions: { centre = [1.0, 2.0]; };",
                 "initial_conditions.centre: expected three numbers");
    expect_error("initial_conditions: { type = \"two_body\"; mass = 2.0; };",
                 "initial_conditions.mass: does not apply to two_body");
    /* the effective configuration of a two_body run writes mass and scale_radius at their
     * defaults: those read back (a restart reads them from /Parameters) */
    ck_assert_int_eq(load_text("initial_conditions: { type = \"two_body\"; };", &c, &err),
                     NB_OK);
    char *text = nb_config_format(&c);
    nb_config back;
    int rc = nb_config_load_string(&back, text, "formatted", NULL, 0, &err);
    ck_assert_msg(rc == NB_OK, "%s\n%s", err.msg, text);
    free(text);
}
END_TEST

static const char two_components[] =
    "run: { seed = 5; };\n"
    "initial_conditions = (\n"
    "  { type = \"plummer\"; n = 100; mass = 2.0; centre = [-1.0, 0.0, 0.0];\n"
    "    bulk_velocity = [0.5, 0.0, 0.0]; },\n"
    "  { type = \"hernquist\"; n = 50; particle_type = 2; seed_offset = 3;\n"
    "    central_mass = 0.5; scale_radius = 0.25; }\n"
    ");\n";

/* A list of components: each group's keys, the total n, the round trip through the
 * effective configuration, --set of one component's key, and the refusals. */
START_TEST(test_components)
{
    nb_config a, b;
    nb_error err;
    ck_assert_int_eq(load_text(two_components, &a, &err), NB_OK);
    ck_assert_int_eq(a.ic_list, 1);
    ck_assert_int_eq(a.ncomp, 2);
    ck_assert_int_eq(a.n, 150);
    nb_ics_params ip[NB_MAX_COMPONENTS];
    ck_assert_int_eq((int)nb_config_ics(&a, ip), 2);
    ck_assert_str_eq(ip[0].type, "plummer");
    ck_assert_str_eq(ip[1].type, "hernquist");
    ck_assert(ip[0].n == 100 && ip[1].n == 50 && ip[0].seed == 5 && ip[1].seed == 5);
    ck_assert(ip[0].mass == 2.0 && ip[0].centre[0] == -1.0 && ip[0].bulk_velocity[0] == 0.5);
    ck_assert(ip[1].particle_type == 2 && ip[1].seed_offset == 3);
    ck_assert(ip[1].central_mass == 0.5 && ip[1].scale_radius == 0.25);
    ck_assert_int_eq(ip[0].particle_type, 1);

    char *text = nb_config_format(&a);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "initial_conditions:\n(\n  {\n    type = \"plummer\";\n"), "%s",
                  text);
    int rc = nb_config_load_string(&b, text, "formatted", NULL, 0, &err);
    ck_assert_msg(rc == NB_OK, "%s\n%s", err.msg, text);
    memcpy(b.source, a.source, sizeof a.source);
    ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "round trip differs:\n%s", text);
    free(text);

    const char *path = write_cfg("c.cfg", two_components);
    const char *ov[] = {"initial_conditions.[1].n=70", "initial_conditions.[0].centre=[0.0, "
                        "2.0, 0.0]"};
    ck_assert_int_eq(nb_config_load(&b, path, ov, 2, &err), NB_OK);
    ck_assert(b.comp[1].n == 70 && b.n == 170 && b.comp[0].ic.centre[1] == 2.0);
    const char *bad[] = {"initial_conditions.n=70", "initial_conditions.[2].n=1",
                         "initial_conditions.[1].file=\"x.h5\"", "initial_conditions.[a].n=1"};
    const char *frag[] = {"initial_conditions is a list of 2 components (expected "
                          "initial_conditions.[K].n=VALUE with K from 0 to 1)",
                          "has 2 components", "not a key of a component",
                          "expected initial_conditions.[K].KEY=VALUE"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        nb_error_clear(&err);
        ck_assert_int_eq(nb_config_load(&b, path, &bad[k], 1, &err), NB_ERR_INPUT);
        ck_assert_msg(strstr(err.msg, frag[k]), "%s: %s", bad[k], err.msg);
    }
    const char *one = "initial_conditions: { n = 10; };";
    path = write_cfg("g.cfg", one);
    ck_assert_int_eq(nb_config_load(&b, path, NULL, 0, &err), NB_OK);
    ck_assert(b.ic_list == 0 && b.ncomp == 1 && b.comp[0].n == 10);
    const char *onelist[] = {"initial_conditions.[0].n=5"};
    ck_assert_int_eq(nb_config_load(&b, path, onelist, 1, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "initial_conditions is not a list"), "%s", err.msg);

    expect_error("initial_conditions = (\n { type = \"plummer\"; n = 10; },\n"
                 " { type = \"plummer\"; }\n);", "t.cfg:3: initial_conditions.[1].n: missing");
    expect_error("initial_conditions = ( { n = 1; },\n { type = \"kingg\"; n = 5; } );",
                 "t.cfg:2: initial_conditions.[1].type: unknown type 'kingg'");
    expect_error("initial_conditions = ( { type = \"file\"; file = \"a.h5\"; } );",
                 "initial_conditions.[0].file: not a key of a component");
    expect_error("initial_conditions = ( { type = \"file\"; } );",
                 "initial_conditions.[0].type: \"file\" cannot be a component");
    expect_error("initial_conditions = ( { n = 1; particle_type = -1; } );",
                 "initial_conditions.[0].particle_type: -1 is out of range");
    expect_error("initial_conditions = ( { n = 1; mass_function = \"salpeter\"; m_min = 5.0; "
                 "m_max = 5.0; } );", "initial_conditions.[0].m_min = 5 is not below");
    expect_error("initial_conditions = ( { n = 1; } , 3 );",
                 "initial_conditions.[1]: expected a group");
    expect_error("initial_conditions = ( );", "a list of 0 components (expected 1 to 16");
    char many[2048] = "initial_conditions = (";
    for (int k = 0; k <= NB_MAX_COMPONENTS; k++)
        strcat(many, k ? ", { n = 1; }" : "{ n = 1; }");
    strcat(many, ");");
    expect_error(many, "a list of 17 components (expected 1 to 16");
    expect_error("initial_conditions = ( { n = 600000000; }, { n = 600000000; } );",
                 "initial_conditions.[1].n: the components hold more than 1000000000");
}
END_TEST

/* What the run generates from a list: the components' counts per particle type, the store
 * in ascending type, each component's mass (each type's own 1). */
START_TEST(test_components_generate)
{
    nb_config c;
    nb_error err;
    ck_assert_int_eq(load_text("initial_conditions = (\n"
                               "  { type = \"plummer\"; n = 30; particle_type = 4; },\n"
                               "  { type = \"uniform_sphere\"; n = 20; particle_type = 0; },\n"
                               "  { type = \"plummer\"; n = 10; seed_offset = 2; }\n);",
                               &c, &err), NB_OK);
    nb_ics_params ip[NB_MAX_COMPONENTS];
    size_t nc = nb_config_ics(&c, ip);
    nb_particles p;
    ck_assert_int_eq(nb_ics_generate_components(ip, nc, &p, &err), NB_OK);
    ck_assert_int_eq((int)p.n, 60);
    size_t count[NB_NTYPES] = {0};
    long double mass[NB_NTYPES] = {0};
    for (size_t i = 0; i < p.n; i++) {
        count[p.type[i]]++;
        mass[p.type[i]] += p.m[i];
        if (i)
            ck_assert_int_le(p.type[i - 1], p.type[i]);
    }
    ck_assert(count[0] == 20 && count[1] == 10 && count[4] == 30);
    ck_assert(count[2] == 0 && count[3] == 0 && count[5] == 0);
    for (int t = 0; t < NB_NTYPES; t++)
        ck_assert_msg(count[t] == 0 || fabsl(mass[t] - 1.0L) < 1e-12L, "type %d: mass %Lg", t,
                      mass[t]);
    nb_particles_free(&p);
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
    tcase_add_test(tc, test_units_pc_systems);
    tcase_add_test(tc, test_common_ic_keys);
    tcase_add_test(tc, test_components);
    tcase_add_test(tc, test_components_generate);
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
