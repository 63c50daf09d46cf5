/* Tests of the HDF5 snapshots, part 2: every kind of damaged or malformed file is
 * rejected with NB_ERR_INPUT and one clear line, never a crash, never HDF5's own error
 * stack on stderr. Damage is made with HDF5 itself and by flipping bytes on disk. */
#include <check.h>
#include <fcntl.h>
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

START_TEST(test_truncated_and_garbage)
{
    make_root();
    const char *good = in_root(0, "good.h5"), *bad = in_root(1, "bad.h5");
    write_ok(good, 1000, 3, 1, 4);
    struct stat st;
    ck_assert_int_eq(stat(good, &st), 0);
    long sizes[] = {0, 7, 100, 700, (long)st.st_size / 2, (long)st.st_size - 100,
                    (long)st.st_size - 1};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        copy_file(good, bad, sizes[k]);
        expect_reject(bad, "", BOTH);
    }
    FILE *f = fopen(bad, "w");
    fputs("this is not HDF5\n", f);
    fclose(f);
    expect_reject(bad, "not an HDF5 file", BOTH);
    expect_reject(in_root(1, "no_such_file.h5"), "No such file", BOTH);
    expect_reject(root, "is a directory", BOTH);
    remove_root();
}
END_TEST

/* Flips one byte in the middle of chunk 0 of each dataset: Fletcher32 must catch it. */
START_TEST(test_flipped_byte)
{
    make_root();
    const char *ds[] = {"Coordinates", "Velocities", "Masses", "ParticleIDs", "Acceleration"};
    for (int compression = 0; compression <= 4; compression += 4) {
        const char *good = in_root(0, "good.h5"), *bad = in_root(1, "bad.h5");
        write_ok(good, 1000, 9, 1, compression);
        for (int k = 0; k < 5; k++) {
            char name[64];
            snprintf(name, sizeof name, "PartType1/%s", ds[k]);
            hid_t f = H5Fopen(good, H5F_ACC_RDONLY, H5P_DEFAULT);
            hid_t d = H5Dopen2(f, name, H5P_DEFAULT), space = H5Dget_space(d);
            hsize_t offset[2], size = 0;
            unsigned mask;
            haddr_t addr = 0;
            ck_assert(H5Dget_chunk_info(d, space, 0, offset, &mask, &addr, &size) >= 0);
            H5Sclose(space);
            H5Dclose(d);
            H5Fclose(f);
            ck_assert(size > 8);
            copy_file(good, bad, -1);
            FILE *fp = fopen(bad, "r+b");
            ck_assert(fseek(fp, (long)(addr + size / 2), SEEK_SET) == 0);
            int c = fgetc(fp);
            ck_assert(fseek(fp, (long)(addr + size / 2), SEEK_SET) == 0);
            fputc(c ^ 0xff, fp);
            fclose(fp);
            expect_reject(bad, ds[k], k < 4 ? BOTH : FULL);
            expect_reject(bad, "Fletcher32", k < 4 ? BOTH : FULL);
            if (k == 4) { /* initial conditions do not need the accelerations */
                nb_particles p;
                nb_error err;
                ck_assert_int_eq(nb_snapshot_read_particles(bad, &p, &err), NB_OK);
                nb_particles_free(&p);
            }
        }
    }
    remove_root();
}
END_TEST

/* Flips every EVERY-th byte of a whole small snapshot, one at a time: metadata and data alike
 * carry checksums (HDF5 1.10 format, fixed-length strings, Fletcher32), so each read
 * either fails cleanly or returns exactly what was written. Never a crash or a hang. */
#define EVERY 23 /* ~400 reads, about a second; 1 checks all (done by hand: all pass) */

START_TEST(test_every_byte)
{
    make_root();
    const char *good = in_root(0, "good.h5"), *bad = in_root(1, "bad.h5");
    write_ok(good, 10, 12, 3, 4);
    nb_particles want, got;
    fill(&want, 10, 12);
    FILE *f = fopen(good, "rb");
    ck_assert(f && fseek(f, 0, SEEK_END) == 0);
    long size = ftell(f);
    unsigned char *bytes = malloc((size_t)size);
    rewind(f);
    ck_assert(fread(bytes, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    int rejected = 0;
    for (long k = 0; k < size; k += EVERY) {
        bytes[k] ^= 0xff;
        f = fopen(bad, "wb");
        ck_assert(fwrite(bytes, 1, (size_t)size, f) == (size_t)size);
        fclose(f);
        bytes[k] ^= 0xff;
        nb_snapshot_meta m;
        nb_error err;
        int rc = nb_snapshot_read(bad, &got, &m, &err);
        ck_assert_msg(rc == NB_OK || rc == NB_ERR_INPUT, "byte %ld: status %d", k, rc);
        if (rc) {
            rejected++;
            continue;
        }
        /* unused bytes (padding, free space) may change: the content may not */
        assert_same_particles(&want, &got, 1);
        nb_snapshot_meta wm = make_meta(3);
        ck_assert(m.step == wm.step && m.output_index == wm.output_index);
        SAME(&m.time, &wm.time, sizeof m.time, "time"); SAME(&m.dt, &wm.dt, sizeof m.dt, "dt");
        SAME(&m.e0, &wm.e0, sizeof m.e0, "E0"); SAME(&m.G, &wm.G, sizeof m.G, "G");
        SAME(&m.softening, &wm.softening, sizeof m.softening, "softening");
        ck_assert_str_eq(m.kernel, wm.kernel);
        ck_assert_str_eq(m.version, wm.version);
        ck_assert_str_eq(m.parameters, PARAMS);
        nb_snapshot_meta_free(&m);
        nb_particles_free(&got);
    }
    ck_assert_int_gt(rejected, size / EVERY / 2); /* most bytes matter */
    free(bytes);
    nb_particles_free(&want);
    remove_root();
}
END_TEST

START_TEST(test_missing_parts)
{
    make_root();
    const char *good = in_root(0, "good.h5"), *bad = in_root(1, "bad.h5");
    write_ok(good, 50, 4, 1, 0);
    static const struct { const char *link, *want; int readers; } links[] = {
        {"Header", "/Header: missing", BOTH}, {"PartType1", "/PartType1: missing", BOTH},
        {"PartType1/Coordinates", "/PartType1/Coordinates: missing", BOTH},
        {"PartType1/Velocities", "/PartType1/Velocities: missing", FULL},
        {"PartType1/Masses", "/PartType1/Masses: missing", BOTH},
        {"PartType1/ParticleIDs", "/PartType1/ParticleIDs: missing", FULL},
        {"PartType1/Acceleration", "/PartType1/Acceleration: missing", FULL},
        {"Parameters", "/Parameters: missing", FULL}, {"Integrator", "/Integrator: missing", FULL}};
    for (size_t k = 0; k < sizeof links / sizeof links[0]; k++) {
        hid_t f = edit_copy(good, bad);
        ck_assert(H5Ldelete(f, links[k].link, H5P_DEFAULT) >= 0);
        H5Fclose(f);
        expect_reject(bad, links[k].want, links[k].readers);
    }
    static const struct { const char *obj, *attr; int readers; } attrs[] = {
        {"Header", "NumPart_ThisFile", BOTH}, {"Header", "NumPart_Total", FULL},
        {"Header", "MassTable", FULL}, {"Parameters", "ParameterFile", FULL},
        {"Integrator", "step", FULL}, {"Integrator", "dt", FULL}, {"Integrator", "kernel", FULL},
        {"Integrator", "E0", FULL}};
    for (size_t k = 0; k < sizeof attrs / sizeof attrs[0]; k++) {
        hid_t f = edit_copy(good, bad);
        ck_assert(H5Adelete_by_name(f, attrs[k].obj, attrs[k].attr, H5P_DEFAULT) >= 0);
        H5Fclose(f);
        char want[96];
        snprintf(want, sizeof want, "/%s attribute %s: missing", attrs[k].obj, attrs[k].attr);
        expect_reject(bad, want, attrs[k].readers);
    }
    remove_root();
}
END_TEST

START_TEST(test_header_disagrees)
{
    make_root();
    const char *good = in_root(0, "good.h5"), *bad = in_root(1, "bad.h5");
    write_ok(good, 50, 5, 1, 4);
    /* N + 1, N - 1, and a huge N that must be refused before any allocation */
    int64_t counts[][6] = {{0, 51, 0, 0, 0, 0}, {0, 49, 0, 0, 0, 0},
                           {0, 1LL << 40, 0, 0, 0, 0}, {3, 50, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}};
    const char *wants[] = {"expected shape (51, 3)", "expected shape (49, 3)",
                           "expected shape (1099511627776, 3)",
                           "/PartType0: ", /* missing (a restart), gas (initial conditions) */
                           "NumPart_ThisFile: counts 0 particles in all"};
    for (int k = 0; k < 5; k++) {
        /* a self-consistent Header (totals split into words as GADGET does) */
        uint32_t low[6], high[6];
        for (int t = 0; t < 6; t++) {
            low[t] = (uint32_t)counts[k][t];
            high[t] = (uint32_t)(counts[k][t] >> 32);
        }
        hid_t f = edit_copy(good, bad);
        set_attr(f, "Header", "NumPart_ThisFile", H5T_STD_I64LE, H5T_NATIVE_INT64, 6, counts[k]);
        set_attr(f, "Header", "NumPart_Total", H5T_STD_U32LE, H5T_NATIVE_UINT32, 6, low);
        set_attr(f, "Header", "NumPart_Total_HighWord", H5T_STD_U32LE, H5T_NATIVE_UINT32, 6,
                 high);
        H5Fclose(f);
        expect_reject(bad, wants[k], BOTH);
    }
    uint32_t total[6] = {0, 60, 0, 0, 0, 0};
    hid_t f = edit_copy(good, bad);
    set_attr(f, "Header", "NumPart_Total", H5T_STD_U32LE, H5T_NATIVE_UINT32, 6, total);
    H5Fclose(f);
    expect_reject(bad, "NumPart_Total: says 60", BOTH);
    int32_t files = 2;
    f = edit_copy(good, bad);
    set_attr(f, "Header", "NumFilesPerSnapshot", H5T_STD_I32LE, H5T_NATIVE_INT32, 0, &files);
    H5Fclose(f);
    expect_reject(bad, "NumFilesPerSnapshot: is 2", BOTH);
    double dt = -1;
    f = edit_copy(good, bad);
    set_attr(f, "Integrator", "dt", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, &dt);
    H5Fclose(f);
    expect_reject(bad, "/Integrator attribute dt: is -1", FULL);
    remove_root();
}
END_TEST

/* Overwrites element (row, col) of a dataset with v (the checksum is recomputed). */
static void poke(hid_t f, const char *name, hsize_t row, hsize_t col, double v)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT), s = H5Dget_space(d);
    int rank = H5Sget_simple_extent_ndims(s);
    hsize_t start[2] = {row, col}, one[2] = {1, 1};
    hid_t ms = H5Screate_simple(1, one, NULL);
    ck_assert(H5Sselect_hyperslab(s, H5S_SELECT_SET, start, NULL, one, NULL) >= 0);
    ck_assert(rank >= 1 && H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, s, H5P_DEFAULT, &v) >= 0);
    H5Sclose(ms); H5Sclose(s); H5Dclose(d);
}

START_TEST(test_bad_values)
{
    make_root();
    const char *good = in_root(0, "good.h5"), *bad = in_root(1, "bad.h5");
    write_ok(good, 1000, 6, 1, 4);
    static const struct { const char *ds; hsize_t row, col; double v; const char *want; } c[] = {
        {"PartType1/Coordinates", 500, 1, NAN, "row 500 column 1 is nan"},
        {"PartType1/Velocities", 999, 2, INFINITY, "row 999 column 2 is inf"},
        {"PartType1/Masses", 7, 0, 0.0, "row 7 is 0, expected a positive"},
        {"PartType1/Masses", 8, 0, -1.0, "row 8 is -1"}};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        hid_t f = edit_copy(good, bad);
        poke(f, c[k].ds, c[k].row, c[k].col, c[k].v);
        H5Fclose(f);
        expect_reject(bad, c[k].want, BOTH);
    }
    remove_root();
}
END_TEST

/* Replaces dataset name with an uninitialised-free one of the given shape and type. */
static void replace_dataset(hid_t f, const char *name, int rank, hsize_t d0, hsize_t d1,
                            hid_t ftype)
{
    H5Ldelete(f, name, H5P_DEFAULT);
    hsize_t dims[2] = {d0, d1};
    hid_t s = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(f, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert(d >= 0);
    double *buf = calloc(d0 * (rank == 2 ? d1 : 1), sizeof *buf);
    for (hsize_t i = 0; i < d0 * (rank == 2 ? d1 : 1); i++)
        buf[i] = 1.0;
    ck_assert(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    free(buf);
    H5Dclose(d);
    H5Sclose(s);
}

START_TEST(test_wrong_shape_or_type)
{
    make_root();
    const char *good = in_root(0, "good.h5"), *bad = in_root(1, "bad.h5");
    write_ok(good, 20, 8, 1, 0);
    static const struct { const char *ds; int rank; hsize_t d0, d1; int is_int; const char *want; }
    c[] = {{"PartType1/Coordinates", 2, 20, 2, 0, "has shape (20, 2), expected shape (20, 3)"},
           {"PartType1/Coordinates", 1, 60, 0, 0, "has shape (60,)"},
           {"PartType1/Coordinates", 2, 20, 3, 1, "holds integers, expected shape (20, 3) of floats"},
           {"PartType1/Masses", 2, 20, 3, 0, "Masses: has shape (20, 3), expected shape (20,)"},
           {"PartType1/Masses", 1, 19, 0, 0, "Masses: has shape (19,)"},
           {"PartType1/ParticleIDs", 1, 20, 0, 0, "ParticleIDs: holds floats"}};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        hid_t f = edit_copy(good, bad);
        replace_dataset(f, c[k].ds, c[k].rank, c[k].d0, c[k].d1,
                        c[k].is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE);
        H5Fclose(f);
        expect_reject(bad, c[k].want, BOTH);
    }
    /* strings as h5py writes them by default: variable-length, refused unread */
    hid_t f = edit_copy(good, bad), t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    const char *text = "run: {};";
    set_attr(f, "Parameters", "ParameterFile", t, t, 0, &text);
    H5Tclose(t);
    H5Fclose(f);
    expect_reject(bad, "/Parameters attribute ParameterFile: is a variable-length string, "
                  "expected a fixed-length string", FULL);
    nb_particles p;
    nb_error err;
    ck_assert_int_eq(nb_snapshot_read_particles(bad, &p, &err), NB_OK); /* not needed there */
    nb_particles_free(&p);
    int32_t kernel = 3;
    f = edit_copy(good, bad);
    set_attr(f, "Integrator", "kernel", H5T_STD_I32LE, H5T_NATIVE_INT32, 0, &kernel);
    H5Fclose(f);
    expect_reject(bad, "/Integrator attribute kernel: holds 1 integer value(s), expected a "
                  "string", FULL);
    remove_root();
}
END_TEST

/* HDF5 must not print its error stack: every failure is our one line. */
START_TEST(test_quiet)
{
    make_root();
    /* HDF5's default: print the stack to stderr (main() turned it off for the others) */
    H5Eset_auto2(H5E_DEFAULT, (H5E_auto2_t)H5Eprint2, NULL);
    fflush(stderr);
    int saved = dup(2);
    const char *log = in_root(3, "stderr.txt");
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert(saved >= 0 && fd >= 0 && dup2(fd, 2) == 2);
    close(fd);
    const char *good = in_root(0, "good.h5"), *bad = in_root(1, "bad.h5");
    write_ok(good, 100, 1, 1, 4);
    copy_file(good, bad, 1500);
    nb_particles p;
    nb_snapshot_meta m;
    nb_error err;
    int r1 = nb_snapshot_read(bad, &p, &m, &err);
    hid_t f = edit_copy(good, bad);
    poke(f, "PartType1/Coordinates", 3, 0, NAN);
    H5Ldelete(f, "PartType1/ParticleIDs", H5P_DEFAULT);
    H5Fclose(f);
    int r2 = nb_snapshot_read(bad, &p, &m, &err);
    int r3 = nb_snapshot_read_particles(bad, &p, &err);
    nb_particles q;
    fill(&q, 10, 1);
    m = make_meta(1);
    int r4 = nb_snapshot_write(in_root(2, "none/x.h5"), &q, &m, 0, 0, &err);
    nb_particles_free(&q);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    H5E_auto2_t func;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    ck_assert_msg(func == (H5E_auto2_t)H5Eprint2, "the caller's HDF5 error handler was not "
                  "restored");
    ck_assert(r1 == NB_ERR_INPUT && r2 == NB_ERR_INPUT && r3 == NB_ERR_INPUT &&
              r4 == NB_ERR_RUNTIME);
    struct stat st;
    ck_assert_int_eq(stat(log, &st), 0);
    ck_assert_msg(st.st_size == 0, "something was printed to stderr (%lld bytes)",
                  (long long)st.st_size);
    remove_root();
}
END_TEST

static Suite *damaged_suite(void)
{
    Suite *s = suite_create("snapshot_damaged");
    TCase *tc = tcase_create("damaged");
    tcase_add_test(tc, test_truncated_and_garbage);
    tcase_add_test(tc, test_flipped_byte);
    tcase_add_test(tc, test_every_byte);
    tcase_add_test(tc, test_missing_parts);
    tcase_add_test(tc, test_header_disagrees);
    tcase_add_test(tc, test_bad_values);
    tcase_add_test(tc, test_wrong_shape_or_type);
    tcase_add_test(tc, test_quiet);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return snaptest_main(damaged_suite());
}
