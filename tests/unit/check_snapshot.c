/* Tests of the HDF5 snapshots (snapshot.c, snapshot_read.c), part 1: bit-exact round
 * trips, the GADGET layout, initial conditions made the way a user would with h5py,
 * failed and atomic writes, and finding the newest whole snapshot. Damaged files are in
 * check_snapshot_damaged.c. */
#include <check.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/snapshot.h"
#include "snapshot_testutil.h"

/* ---- round trips and layout ---- */

START_TEST(test_roundtrip)
{
    static const struct { size_t n; int compression; } cases[] = {
        {1, 0}, {1, 4}, {1000, 0}, {1000, 4}, {70001, 1}}; /* last: 3 chunks, a partial one */
    make_root();
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *path = in_root(0, "snapshot_0042.h5");
        write_ok(path, cases[c].n, c + 1, 1000 + (long)c, cases[c].compression);
        ck_assert(!exists(in_root(1, "snapshot_0042.h5.tmp")));
        nb_particles want, got, got2;
        fill(&want, cases[c].n, c + 1);
        nb_snapshot_meta wm = make_meta(1000 + (long)c), m;
        nb_error err;
        int rc = nb_snapshot_read(path, &got, &m, &err);
        ck_assert_msg(rc == NB_OK, "read: %s", err.msg);
        assert_same_particles(&want, &got, 1);
        ck_assert_int_eq(m.step, wm.step);
        ck_assert_int_eq(m.output_index, wm.output_index);
        ck_assert_int_eq(m.step_origin, wm.step_origin);
        SAME(&m.time_origin, &wm.time_origin, sizeof m.time_origin, "time_origin");
        SAME(&m.time, &wm.time, sizeof m.time, "time"); SAME(&m.dt, &wm.dt, sizeof m.dt, "dt");
        SAME(&m.e0, &wm.e0, sizeof m.e0, "E0"); SAME(&m.G, &wm.G, sizeof m.G, "G");
        SAME(&m.softening, &wm.softening, sizeof m.softening, "softening");
        ck_assert_str_eq(m.kernel, "parallel");
        ck_assert_str_eq(m.version, "0.1.0-test");
        ck_assert_str_eq(m.parameters, PARAMS);
        nb_snapshot_meta_free(&m);
        ck_assert_ptr_null(m.parameters);
        /* the same file as initial conditions: everything but the accelerations */
        rc = nb_snapshot_read_particles(path, &got2, &err);
        ck_assert_msg(rc == NB_OK, "read_particles: %s", err.msg);
        assert_same_particles(&want, &got2, 0);
        for (size_t i = 0; i < got2.n; i++)
            ck_assert(got2.ax[i] == 0 && got2.ay[i] == 0 && got2.az[i] == 0);
        nb_particles_free(&want); nb_particles_free(&got); nb_particles_free(&got2);
    }
    remove_root();
}
END_TEST

static void read_attr(hid_t loc, const char *name, hid_t mtype, void *out)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    ck_assert_msg(a >= 0, "attribute %s missing", name);
    ck_assert(H5Aread(a, mtype, out) >= 0);
    H5Aclose(a);
}

static void assert_attr_type(hid_t loc, const char *name, hid_t want)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t = H5Aget_type(a);
    ck_assert_msg(H5Tequal(t, want) > 0, "attribute %s has an unexpected type", name);
    H5Tclose(t);
    H5Aclose(a);
}

START_TEST(test_layout)
{
    make_root();
    for (int compression = 0; compression <= 4; compression += 4) {
        const char *path = in_root(0, "snapshot_0001.h5");
        write_ok(path, 100, 7, 5, compression);
        hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        ck_assert(f >= 0);
        hid_t h = H5Gopen2(f, "Header", H5P_DEFAULT);
        int32_t np[6];
        uint32_t total[6], high[6];
        double mt[6], time, hubble;
        int32_t files, dbl, sfr;
        assert_attr_type(h, "NumPart_ThisFile", H5T_STD_I32LE);
        assert_attr_type(h, "NumPart_Total", H5T_STD_U32LE);
        assert_attr_type(h, "NumPart_Total_HighWord", H5T_STD_U32LE);
        read_attr(h, "NumPart_ThisFile", H5T_NATIVE_INT32, np);
        read_attr(h, "NumPart_Total", H5T_NATIVE_UINT32, total);
        read_attr(h, "NumPart_Total_HighWord", H5T_NATIVE_UINT32, high);
        read_attr(h, "MassTable", H5T_NATIVE_DOUBLE, mt);
        read_attr(h, "Time", H5T_NATIVE_DOUBLE, &time);
        read_attr(h, "HubbleParam", H5T_NATIVE_DOUBLE, &hubble);
        read_attr(h, "NumFilesPerSnapshot", H5T_NATIVE_INT32, &files);
        read_attr(h, "Flag_DoublePrecision", H5T_NATIVE_INT32, &dbl);
        read_attr(h, "Flag_Sfr", H5T_NATIVE_INT32, &sfr);
        for (int k = 0; k < 6; k++) {
            ck_assert_int_eq(np[k], k == 1 ? 100 : 0);
            ck_assert_uint_eq(total[k], k == 1 ? 100u : 0u);
            ck_assert_uint_eq(high[k], 0);
            ck_assert(mt[k] == 0.0);
        }
        ck_assert(time == make_meta(5).time);
        ck_assert(hubble == 1.0 && files == 1 && dbl == 1 && sfr == 0);
        H5Gclose(h);
        const char *ds[] = {"PartType1/Coordinates", "PartType1/Velocities",
                            "PartType1/Acceleration", "PartType1/Masses", "PartType1/ParticleIDs"};
        for (int k = 0; k < 5; k++) {
            hid_t d = H5Dopen2(f, ds[k], H5P_DEFAULT);
            ck_assert_msg(d >= 0, "%s missing", ds[k]);
            hid_t t = H5Dget_type(d), s = H5Dget_space(d), pl = H5Dget_create_plist(d);
            hsize_t dims[2];
            int rank = H5Sget_simple_extent_dims(s, dims, NULL);
            ck_assert_int_eq(rank, k < 3 ? 2 : 1);
            ck_assert_uint_eq(dims[0], 100);
            if (k < 3)
                ck_assert_uint_eq(dims[1], 3);
            ck_assert(H5Tequal(t, k == 4 ? H5T_STD_U64LE : H5T_IEEE_F64LE) > 0);
            ck_assert_int_eq(H5Pget_layout(pl), H5D_CHUNKED);
            unsigned flags, cd[8];
            size_t ncd = 8;
            ck_assert_msg(H5Pget_filter_by_id2(pl, H5Z_FILTER_FLETCHER32, &flags, &ncd, cd, 0,
                                               NULL, NULL) >= 0, "%s: no Fletcher32", ds[k]);
            ncd = 8;
            herr_t gz = H5Pget_filter_by_id2(pl, H5Z_FILTER_DEFLATE, &flags, &ncd, cd, 0, NULL,
                                             NULL);
            ck_assert_msg((gz >= 0) == (compression > 0), "%s: gzip filter presence", ds[k]);
            if (compression)
                ck_assert_uint_eq(cd[0], (unsigned)compression);
            H5Pclose(pl); H5Sclose(s); H5Tclose(t); H5Dclose(d);
        }
        ck_assert(H5Lexists(f, "Parameters", H5P_DEFAULT) > 0);
        ck_assert(H5Aexists_by_name(f, "Parameters", "ParameterFile", H5P_DEFAULT) > 0);
        const char *integ[] = {"step", "time", "dt", "output_index", "E0", "G", "softening",
                               "kernel", "version", "step_origin", "time_origin"};
        for (int k = 0; k < 11; k++)
            ck_assert_msg(H5Aexists_by_name(f, "Integrator", integ[k], H5P_DEFAULT) > 0,
                          "/Integrator attribute %s missing", integ[k]);
        H5Fclose(f);
    }
    remove_root();
}
END_TEST

START_TEST(test_path)
{
    char buf[128];
    nb_snapshot_path(buf, sizeof buf, "out/run", "snapshot", 7);
    ck_assert_str_eq(buf, "out/run/snapshot_0007.h5");
    nb_snapshot_path(buf, sizeof buf, "out/", "snapshot", 12345);
    ck_assert_str_eq(buf, "out/snapshot_12345.h5");
    nb_snapshot_path(buf, sizeof buf, "out", "galaxy", 3);
    ck_assert_str_eq(buf, "out/galaxy_0003.h5");
}
END_TEST

/* Names with a custom base (output.snapshot_base) built and read back, and the base rules. */
START_TEST(test_names)
{
    unsigned long long k = 0;
    ck_assert(nb_snapshot_index("galaxy_0004.h5", "galaxy", &k) && k == 4);
    ck_assert(!nb_snapshot_index("galaxy_0004.h5", "snapshot", &k));
    ck_assert(!nb_snapshot_index("galaxy_0004.h5.tmp", "galaxy", &k));
    ck_assert(!nb_snapshot_index("galaxy_0004.h5", "gal", &k));
    /* a base may hold '_' and digits: the index follows the last '_' */
    nb_snapshot_name n;
    ck_assert(nb_snapshot_name_parse("run_2_0012.h5", &n));
    ck_assert_str_eq(n.base, "run_2");
    ck_assert(n.index == 12 && !n.tmp);
    ck_assert(nb_snapshot_name_parse("m31.v2-a_123456.h5.tmp", &n));
    ck_assert_str_eq(n.base, "m31.v2-a");
    ck_assert(n.index == 123456 && n.tmp);
    ck_assert(nb_snapshot_index("snapshot_12345.h5", "snapshot", &k) && k == 12345);
    /* what nb_snapshot_path builds, nb_snapshot_index reads back */
    char buf[128];
    nb_snapshot_path(buf, sizeof buf, "d", "a_b.c-9", 42);
    ck_assert(nb_snapshot_index(buf + 2, "a_b.c-9", &k) && k == 42);
    const char *not_names[] = {"galaxy.h5", "galaxy_.h5", "_0001.h5", "galaxy_0001.h5x",
                               "galaxy_00a1.h5", ".hidden_0001.h5", "-opt_0001.h5",
                               "sp ace_0001.h5", "galaxy_0001.hdf5", "energy.csv",
                               "galaxy_1234567890123456789.h5"};
    for (size_t i = 0; i < sizeof not_names / sizeof *not_names; i++)
        ck_assert_msg(!nb_snapshot_name_parse(not_names[i], &n), "%s parsed", not_names[i]);
    char why[64];
    ck_assert_int_eq(nb_snapshot_base_check("galaxy", why, sizeof why), 0);
    ck_assert_int_eq(nb_snapshot_base_check("a.b-c_9", why, sizeof why), 0);
    ck_assert_int_eq(nb_snapshot_base_check("", why, sizeof why), -1);
    ck_assert_str_eq(why, "is empty");
    ck_assert_int_eq(nb_snapshot_base_check("out/snap", why, sizeof why), -1);
    ck_assert_str_eq(why, "contains '/' (character 4)");
    ck_assert_int_eq(nb_snapshot_base_check(".snap", why, sizeof why), -1);
    ck_assert_str_eq(why, "starts with '.'");
    ck_assert_int_eq(nb_snapshot_base_check("a\tb", why, sizeof why), -1);
    ck_assert_str_eq(why, "contains byte 0x09 (character 2)");
    char longest[NB_SNAPSHOT_BASE_MAX + 2];
    memset(longest, 'x', sizeof longest - 1);
    longest[NB_SNAPSHOT_BASE_MAX] = '\0';
    ck_assert_int_eq(nb_snapshot_base_check(longest, why, sizeof why), 0);
    longest[NB_SNAPSHOT_BASE_MAX] = 'x';
    longest[NB_SNAPSHOT_BASE_MAX + 1] = '\0';
    ck_assert_int_eq(nb_snapshot_base_check(longest, why, sizeof why), -1);
}
END_TEST

/* An initial-conditions file the way a user makes one with h5py: float32 positions,
 * masses from MassTable, no velocities or ids, plain contiguous datasets. */
static void write_user_ics(const char *path, hsize_t n, double mass1, int write_coords)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t h = H5Gcreate2(f, "Header", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    uint32_t np[6] = {0, (uint32_t)n, 0, 0, 0, 0};
    double mt[6] = {0, mass1, 0, 0, 0, 0};
    set_attr(f, "Header", "NumPart_ThisFile", H5T_STD_U32LE, H5T_NATIVE_UINT32, 6, np);
    set_attr(f, "Header", "MassTable", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 6, mt);
    H5Gclose(h);
    hid_t g = H5Gcreate2(f, "PartType1", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t dims[2] = {n, 3};
    hid_t s = H5Screate_simple(2, dims, NULL);
    hid_t d = H5Dcreate2(g, "Coordinates", H5T_IEEE_F32BE, s, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    float *buf = malloc(n * 3 * sizeof *buf);
    for (hsize_t i = 0; i < 3 * n; i++)
        buf[i] = (float)(i + 1) / 7.0f;
    if (write_coords)
        ck_assert(H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    free(buf);
    H5Dclose(d); H5Sclose(s); H5Gclose(g); H5Fclose(f);
}

START_TEST(test_user_ics)
{
    make_root();
    const char *path = in_root(0, "ics.h5");
    write_user_ics(path, 300, 0.25, 1);
    nb_particles p;
    nb_error err;
    int rc = nb_snapshot_read_particles(path, &p, &err);
    ck_assert_msg(rc == NB_OK, "%s", err.msg);
    ck_assert_uint_eq(p.n, 300);
    for (size_t i = 0; i < p.n; i++) {
        ck_assert(p.x[i] == (double)((float)(3 * i + 1) / 7.0f));
        ck_assert(p.y[i] == (double)((float)(3 * i + 2) / 7.0f));
        ck_assert(p.z[i] == (double)((float)(3 * i + 3) / 7.0f));
        ck_assert(p.vx[i] == 0 && p.vy[i] == 0 && p.vz[i] == 0);
        ck_assert(p.m[i] == 0.25);
        ck_assert_uint_eq(p.id[i], i);
    }
    nb_particles_free(&p);
    /* not a restart file */
    nb_snapshot_meta m;
    ck_assert_int_eq(nb_snapshot_read(path, &p, &m, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "missing, expected"), "%s", err.msg);
    write_user_ics(path, 300, 0.0, 1);
    expect_reject(path, "Masses: missing, and /Header MassTable[1] is 0", PARTICLES);
    write_user_ics(path, 300, 0.25, 0); /* declared, never written */
    expect_reject(path, "Coordinates: holds 0 bytes of data, expected 3600", PARTICLES);
    remove_root();
}
END_TEST

/* ---- writing: failures, atomic replacement ---- */

static int write_status(const char *path, const nb_particles *p, int compression, char *msg)
{
    nb_snapshot_meta m = make_meta(1);
    nb_error err;
    nb_error_clear(&err);
    int rc = nb_snapshot_write(path, p, &m, compression, 0, &err);
    snprintf(msg, 1024, "%s", err.msg);
    return rc;
}

START_TEST(test_failed_writes)
{
    make_root();
    nb_particles p;
    fill(&p, 10, 11);
    char msg[1024];
    const char *path = in_root(0, "missing_dir/snapshot_0001.h5");
    ck_assert_int_eq(write_status(path, &p, 0, msg), NB_ERR_RUNTIME);
    ck_assert_msg(strstr(msg, "No such file or directory") && strstr(msg, path), "%s", msg);
    ck_assert(!exists(in_root(1, "missing_dir")));
    if (geteuid() != 0) { /* root writes anywhere */
        ck_assert_int_eq(mkdir(in_root(1, "ro"), 0500), 0);
        path = in_root(0, "ro/snapshot_0001.h5");
        ck_assert_int_eq(write_status(path, &p, 0, msg), NB_ERR_RUNTIME);
        ck_assert_msg(strstr(msg, "Permission denied"), "%s", msg);
        ck_assert(!exists(path));
    }
    /* the final name is a directory: the rename fails after a complete write */
    path = in_root(0, "snapshot_0002.h5");
    ck_assert_int_eq(mkdir(path, 0700), 0);
    ck_assert_int_eq(write_status(path, &p, 4, msg), NB_ERR_RUNTIME);
    ck_assert_msg(strstr(msg, "renaming"), "%s", msg);
    ck_assert(!exists(in_root(1, "snapshot_0002.h5.tmp")));
    /* data the reader would reject is refused, nothing created */
    path = in_root(0, "snapshot_0003.h5");
    ck_assert_int_eq(write_status(path, &p, 10, msg), NB_ERR_RUNTIME);
    p.vy[3] = NAN;
    ck_assert_int_eq(write_status(path, &p, 0, msg), NB_ERR_RUNTIME);
    ck_assert_msg(strstr(msg, "particle 3"), "%s", msg);
    p.vy[3] = 0;
    p.m[4] = 0;
    ck_assert_int_eq(write_status(path, &p, 0, msg), NB_ERR_RUNTIME);
    ck_assert(!exists(path) && !exists(in_root(1, "snapshot_0003.h5.tmp")));
    nb_particles_free(&p);
    remove_root();
}
END_TEST

START_TEST(test_rewrite_replaces)
{
    make_root();
    const char *path = in_root(0, "snapshot_0005.h5"), *tmp = in_root(1, "snapshot_0005.h5.tmp");
    write_ok(path, 100, 1, 1, 0);
    struct stat a, b;
    ck_assert_int_eq(stat(path, &a), 0);
    write_ok(path, 200, 2, 2, 4); /* a different N, data and step */
    ck_assert_int_eq(stat(path, &b), 0);
    ck_assert_msg(a.st_ino != b.st_ino, "rewritten in place rather than renamed over");
    ck_assert(!exists(tmp));
    nb_particles p, want;
    nb_snapshot_meta m;
    nb_error err;
    ck_assert_int_eq(nb_snapshot_read(path, &p, &m, &err), NB_OK);
    fill(&want, 200, 2);
    assert_same_particles(&want, &p, 1);
    ck_assert_int_eq(m.step, 2);
    nb_snapshot_meta_free(&m);
    nb_particles_free(&p);
    /* a write that fails (its temporary name is taken) leaves the old file untouched */
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    char msg[1024];
    ck_assert_int_eq(write_status(path, &want, 0, msg), NB_ERR_RUNTIME);
    ck_assert_int_eq(stat(path, &a), 0);
    ck_assert(a.st_ino == b.st_ino && a.st_size == b.st_size);
    ck_assert_int_eq(nb_snapshot_read(path, &p, &m, &err), NB_OK);
    assert_same_particles(&want, &p, 1);
    nb_snapshot_meta_free(&m);
    nb_particles_free(&p);
    nb_particles_free(&want);
    remove_root();
}
END_TEST

START_TEST(test_find_latest)
{
    make_root();
    char path[512];
    nb_error err;
    ck_assert_int_eq(nb_snapshot_find_latest(root, path, sizeof path, &err), NB_ERR_INPUT);
    ck_assert_int_eq(nb_snapshot_find_latest(in_root(0, "nope"), path, sizeof path, &err),
                     NB_ERR_INPUT);
    for (long k = 1; k <= 3; k++) {
        char p[256];
        nb_snapshot_path(p, sizeof p, root, "snapshot", k);
        write_ok(p, 30, (uint64_t)k, k, 0);
    }
    /* the newest is cut short, a newer temporary file and other files are around */
    copy_file(in_root(0, "snapshot_0003.h5"), in_root(1, "cut.h5"), 4000);
    ck_assert_int_eq(rename(in_root(1, "cut.h5"), in_root(0, "snapshot_0003.h5")), 0);
    FILE *f = fopen(in_root(0, "snapshot_0004.h5.tmp"), "w");
    fputs("half", f);
    fclose(f);
    f = fopen(in_root(0, "notes.txt"), "w");
    fclose(f);
    int rc = nb_snapshot_find_latest(root, path, sizeof path, &err);
    ck_assert_msg(rc == NB_OK, "%s", err.msg);
    ck_assert_str_eq(path, in_root(0, "snapshot_0002.h5"));
    /* numeric order: 12345 is newer than 0002 */
    char p5[256];
    nb_snapshot_path(p5, sizeof p5, root, "snapshot", 12345);
    write_ok(p5, 30, 5, 5, 0);
    ck_assert_int_eq(nb_snapshot_find_latest(root, path, sizeof path, &err), NB_OK);
    ck_assert_str_eq(path, p5);
    /* none whole */
    const char *dir = in_root(2, "bad");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    char bad[300];
    snprintf(bad, sizeof bad, "%s/snapshot_0001.h5", dir);
    copy_file(in_root(0, "snapshot_0001.h5"), bad, 100);
    ck_assert_int_eq(nb_snapshot_find_latest(dir, path, sizeof path, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "none of its 1") && strstr(err.msg, bad), "%s", err.msg);
    remove_root();
}
END_TEST

/* restart RUNDIR with output.snapshot_base: the base is read off the names; a user's own
 * HDF5 file named like a snapshot is no second base, two runs' bases are refused */
START_TEST(test_find_latest_base)
{
    make_root();
    char path[512], p[256];
    nb_error err;
    for (long k = 0; k <= 2; k++) {
        nb_snapshot_path(p, sizeof p, root, "galaxy", k);
        write_ok(p, 30, (uint64_t)k, k, 0);
    }
    ck_assert_int_eq(nb_snapshot_find_latest(root, path, sizeof path, &err), NB_OK);
    ck_assert_str_eq(path, in_root(0, "galaxy_0002.h5"));
    /* an HDF5 file that is not a snapshot, a text file, a newer temporary: not candidates */
    hid_t f = H5Fcreate(in_root(0, "data_0007.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert(f >= 0);
    H5Fclose(f);
    FILE *t = fopen(in_root(0, "notes_0008.h5"), "w");
    fputs("not HDF5", t);
    fclose(t);
    copy_file(in_root(0, "galaxy_0002.h5"), in_root(1, "galaxy_0003.h5.tmp"), 100);
    ck_assert_int_eq(nb_snapshot_is_nbody(in_root(0, "galaxy_0000.h5")), 1);
    ck_assert_int_eq(nb_snapshot_is_nbody(in_root(0, "data_0007.h5")), 0);
    ck_assert_int_eq(nb_snapshot_is_nbody(in_root(0, "notes_0008.h5")), 0);
    int rc = nb_snapshot_find_latest(root, path, sizeof path, &err);
    ck_assert_msg(rc == NB_OK, "%s", err.msg);
    ck_assert_str_eq(path, in_root(0, "galaxy_0002.h5"));
    /* a second run's snapshots: which history to continue is the user's call */
    nb_snapshot_path(p, sizeof p, root, "snapshot", 9);
    write_ok(p, 30, 9, 9, 0);
    ck_assert_int_eq(nb_snapshot_find_latest(root, path, sizeof path, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "2 base names (galaxy_NNNN.h5, snapshot_NNNN.h5)") &&
                      strstr(err.msg, "nbody restart"), "%s", err.msg);
    remove_root();
}
END_TEST

static Suite *snapshot_suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("round trip");
    tcase_add_test(tc, test_roundtrip);
    tcase_add_test(tc, test_layout);
    tcase_add_test(tc, test_path);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_user_ics);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("writing");
    tcase_add_test(tc, test_failed_writes);
    tcase_add_test(tc, test_rewrite_replaces);
    tcase_add_test(tc, test_find_latest);
    tcase_add_test(tc, test_find_latest_base);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return snaptest_main(snapshot_suite());
}
