/* Helpers shared by the snapshot tests; see snapshot_testutil.h. */
#include "snapshot_testutil.h"

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64];
char root[96];

void make_root(void)
{
    snprintf(root, sizeof root, "%s/tXXXXXX", base);
    ck_assert_ptr_nonnull(mkdtemp(root));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st; (void)flag; (void)f;
    chmod(path, 0700);
    return remove(path);
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void remove_root(void)
{
    remove_tree(root);
}

const char *in_root(int slot, const char *name)
{
    static char buf[4][160];
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", root, name);
    return buf[slot];
}

int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* xorshift64*: test data only */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dULL;
}

/* Random bits as a double, so any conversion or rounding on the way through shows. */
static double rnd_double(uint64_t *s)
{
    uint64_t u = rnd(s);
    double v;
    memcpy(&v, &u, sizeof v);
    return isfinite(v) ? v : (double)(u >> 11) * 0x1p-53;
}

void fill(nb_particles *p, size_t n, uint64_t seed)
{
    ck_assert_int_eq(nb_particles_alloc(p, n, NULL), NB_OK);
    uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 1;
    double *f[] = {p->x, p->y, p->z, p->vx, p->vy, p->vz, p->ax, p->ay, p->az};
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 9; k++)
            f[k][i] = rnd_double(&s);
        p->m[i] = fabs(rnd_double(&s));
        if (!(p->m[i] > 0))
            p->m[i] = 0x1p-1074; /* the smallest subnormal: still a positive mass */
        p->id[i] = rnd(&s);
        p->bin[i] = (int32_t)(rnd(&s) % 61);
    }
    p->x[0] = -0.0;
    p->id[0] = UINT64_MAX;
}

const char PARAMS[] = "# effective configuration, \"quoted\", UTF-8: \xcf\x80 \xe2\x89\x88 3.14\n"
                      "run: { name = \"t\"; output_dir = \"out\"; };\n";

nb_snapshot_meta make_meta(long step)
{
    nb_snapshot_meta m;
    memset(&m, 0, sizeof m);
    m.step = step;
    m.time = 0.1 * step + 0x1p-40;
    m.dt = 1.0 / 3.0;
    m.output_index = 42;
    m.step_origin = step / 2;
    m.time_origin = 0.05 * step + 0x1p-41;
    m.e0 = -0.2475921875654321;
    m.G = 6.674e-11;
    m.softening = 0.01;
    snprintf(m.kernel, sizeof m.kernel, "parallel");
    snprintf(m.version, sizeof m.version, "0.1.0-test");
    snprintf(m.run_id, sizeof m.run_id, "0123456789abcdef0123456789abcdef");
    snprintf(m.timestep, sizeof m.timestep, "adaptive");
    m.force_evaluations = 123456789012345L;
    m.parameters = (char *)PARAMS;
    return m;
}

void write_ok(const char *path, size_t n, uint64_t seed, long step, int compression)
{
    nb_particles p;
    fill(&p, n, seed);
    nb_snapshot_meta m = make_meta(step);
    nb_error err;
    nb_error_clear(&err);
    int rc = nb_snapshot_write(path, &p, &m, compression, 0, &err);
    ck_assert_msg(rc == NB_OK, "write %s: %s", path, err.msg);
    nb_particles_free(&p);
}

void assert_same_particles(const nb_particles *a, const nb_particles *b, int with_acc)
{
    ck_assert_uint_eq(a->n, b->n);
    size_t bytes = a->n * sizeof(double);
    SAME(a->x, b->x, bytes, "x"); SAME(a->y, b->y, bytes, "y"); SAME(a->z, b->z, bytes, "z");
    SAME(a->vx, b->vx, bytes, "vx"); SAME(a->vy, b->vy, bytes, "vy");
    SAME(a->vz, b->vz, bytes, "vz"); SAME(a->m, b->m, bytes, "m");
    SAME(a->id, b->id, a->n * sizeof(uint64_t), "id");
    SAME(a->type, b->type, a->n, "type");
    if (with_acc) { /* a restart's read: also what initial conditions do not read */
        SAME(a->ax, b->ax, bytes, "ax"); SAME(a->ay, b->ay, bytes, "ay");
        SAME(a->az, b->az, bytes, "az");
        SAME(a->bin, b->bin, a->n * sizeof(int32_t), "bin");
    }
}

void expect_reject(const char *path, const char *want, int readers)
{
    for (int k = 0; k < 2; k++) {
        if (!(readers & (1 << k)))
            continue;
        nb_particles p;
        nb_snapshot_meta m;
        nb_error err;
        nb_error_clear(&err);
        int rc = k == 0 ? nb_snapshot_read(path, &p, &m, &err)
                        : nb_snapshot_read_particles(path, &p, &err);
        ck_assert_msg(rc == NB_ERR_INPUT, "%s read of %s gave %d (%s), expected NB_ERR_INPUT",
                      k ? "particles" : "full", path, rc, err.msg);
        if (getenv("NB_SHOW_ERRORS"))
            fprintf(stderr, "%s\n", err.msg);
        ck_assert_int_eq(err.code, NB_ERR_INPUT);
        ck_assert_msg(strstr(err.msg, path) == err.msg, "message does not start with the "
                      "file: %s", err.msg);
        ck_assert_msg(strstr(err.msg, want), "message lacks \"%s\": %s", want, err.msg);
        ck_assert_msg(!strchr(err.msg, '\n'), "message is not one line: %s", err.msg);
        ck_assert_ptr_null(p.x); /* nothing left allocated */
        if (k == 0)
            ck_assert_ptr_null(m.parameters);
    }
}

void copy_file(const char *src, const char *dst, long keep)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    ck_assert(in && out);
    int c;
    for (long k = 0; (keep < 0 || k < keep) && (c = fgetc(in)) != EOF; k++)
        fputc(c, out);
    fclose(in);
    ck_assert_int_eq(fclose(out), 0);
}

hid_t edit_copy(const char *good, const char *bad)
{
    copy_file(good, bad, -1);
    hid_t f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    ck_assert(f >= 0);
    return f;
}

void set_attr(hid_t f, const char *obj, const char *name, hid_t ftype, hid_t mtype, hsize_t n,
              const void *v)
{
    if (H5Aexists_by_name(f, obj, name, H5P_DEFAULT) > 0)
        H5Adelete_by_name(f, obj, name, H5P_DEFAULT);
    hid_t s = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate_by_name(f, obj, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert(a >= 0 && H5Awrite(a, mtype, v) >= 0);
    H5Aclose(a);
    H5Sclose(s);
}

int snaptest_main(Suite *s)
{
    snprintf(base, sizeof base, "/tmp/nb_check_snapshot_XXXXXX");
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_tree(base);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
