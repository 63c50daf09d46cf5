/* Tests of particle types in snapshots: a store of several types is written as one
 * /PartTypeT group per type present with GADGET's NumPart_* and MassTable, reads back bit
 * for bit (types included) by both readers, masses come from MassTable where a type has no
 * Masses, gas is refused as initial conditions unless asked for, and files whose counts,
 * groups or masses disagree are refused. */
#include <check.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/snapshot.h"
#include "snapshot_testutil.h"

/* Rows per type of the test store: type 0 (gas) first when gas, then 1, 2, 3. */
enum { N0 = 5, N1 = 10, N2 = 12, N3 = 8 };
#define MASS2 0.25

/* fill()'s random particles, typed 1, 2, 3 (and 0 first when gas); type 2's masses all
 * MASS2, so that its MassTable entry is set. */
static void fill_types(nb_particles *p, int gas, uint64_t seed)
{
    size_t n0 = gas ? N0 : 0, n = n0 + N1 + N2 + N3;
    fill(p, n, seed);
    for (size_t i = 0; i < n; i++) {
        p->type[i] = i < n0 ? 0 : i < n0 + N1 ? 1 : i < n0 + N1 + N2 ? 2 : 3;
        if (p->type[i] == 2)
            p->m[i] = MASS2;
    }
}

static void write_types(const char *path, int gas, uint64_t seed)
{
    nb_particles p;
    fill_types(&p, gas, seed);
    nb_snapshot_meta m = make_meta(7);
    nb_error err;
    int rc = nb_snapshot_write(path, &p, &m, 0, 0, &err);
    ck_assert_msg(rc == NB_OK, "write: %s", err.msg);
    nb_particles_free(&p);
}

static void read_attr(hid_t f, const char *name, hid_t mtype, void *out)
{
    hid_t a = H5Aopen_by_name(f, "Header", name, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_msg(a >= 0, "/Header %s missing", name);
    ck_assert(H5Aread(a, mtype, out) >= 0);
    H5Aclose(a);
}

static size_t rows_of(hid_t f, const char *name)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    ck_assert_msg(d >= 0, "%s missing", name);
    hid_t s = H5Dget_space(d);
    hsize_t dims[2];
    H5Sget_simple_extent_dims(s, dims, NULL);
    H5Sclose(s);
    H5Dclose(d);
    return (size_t)dims[0];
}

/* The file: a group per type present and no other, every table row in each with that
 * type's rows, the Header's counts, and MassTable set for the one-mass type only. */
START_TEST(test_layout_per_type)
{
    make_root();
    const char *path = in_root(0, "snapshot_0001.h5");
    write_types(path, 0, 3);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert(f >= 0);
    int32_t np[6];
    uint32_t total[6], high[6];
    double mt[6];
    read_attr(f, "NumPart_ThisFile", H5T_NATIVE_INT32, np);
    read_attr(f, "NumPart_Total", H5T_NATIVE_UINT32, total);
    read_attr(f, "NumPart_Total_HighWord", H5T_NATIVE_UINT32, high);
    read_attr(f, "MassTable", H5T_NATIVE_DOUBLE, mt);
    const int32_t want[6] = {0, N1, N2, N3, 0, 0};
    for (int t = 0; t < 6; t++) {
        char g[16];
        snprintf(g, sizeof g, "PartType%d", t);
        ck_assert_int_eq(np[t], want[t]);
        ck_assert_uint_eq(total[t], (uint32_t)want[t]);
        ck_assert_uint_eq(high[t], 0);
        ck_assert_msg(mt[t] == (t == 2 ? MASS2 : 0.0), "MassTable[%d] = %g", t, mt[t]);
        ck_assert_int_eq(H5Lexists(f, g, H5P_DEFAULT) > 0, want[t] > 0);
        for (size_t k = 0; want[t] && k < nb_snapshot_n_fields; k++) {
            char name[64];
            snprintf(name, sizeof name, "%s/%s", g, nb_snapshot_fields[k].name);
            ck_assert_uint_eq(rows_of(f, name), (size_t)want[t]);
        }
    }
    /* type 3's coordinates are the store's last N3 rows, bit for bit */
    nb_particles p;
    fill_types(&p, 0, 3);
    double c[N3][3];
    hid_t d = H5Dopen2(f, "PartType3/Coordinates", H5P_DEFAULT);
    ck_assert(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, c) >= 0);
    H5Dclose(d);
    for (size_t i = 0; i < N3; i++)
        ck_assert(!memcmp(&c[i][0], &p.x[N1 + N2 + i], 8) &&
                  !memcmp(&c[i][2], &p.z[N1 + N2 + i], 8));
    nb_particles_free(&p);
    H5Fclose(f);
    remove_root();
}
END_TEST

/* Both readers give the store back bit for bit, types and ids included; without type 2's
 * Masses dataset its masses are MassTable[2]'s bits. */
START_TEST(test_roundtrip_types)
{
    make_root();
    const char *path = in_root(0, "snapshot_0001.h5");
    write_types(path, 0, 5);
    nb_particles want, got;
    fill_types(&want, 0, 5);
    nb_snapshot_meta m;
    nb_error err;
    ck_assert_msg(nb_snapshot_read(path, &got, &m, &err) == NB_OK, "%s", err.msg);
    assert_same_particles(&want, &got, 1);
    nb_snapshot_meta_free(&m);
    nb_particles_free(&got);
    ck_assert_msg(nb_snapshot_read_particles(path, &got, &err) == NB_OK, "%s", err.msg);
    assert_same_particles(&want, &got, 0);
    nb_particles_free(&got);
    /* GADGET-4's own convention: no Masses for a type with a MassTable entry */
    const char *bare = in_root(1, "no_masses2.h5");
    hid_t f = edit_copy(path, bare);
    ck_assert(H5Ldelete(f, "PartType2/Masses", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    ck_assert_msg(nb_snapshot_read(bare, &got, &m, &err) == NB_OK, "%s", err.msg);
    assert_same_particles(&want, &got, 1);
    nb_snapshot_meta_free(&m);
    nb_particles_free(&got);
    nb_particles_free(&want);
    remove_root();
}
END_TEST

/* Gas: a restart reads it back (its run was allowed it), initial conditions refuse it
 * unless asked, and read it as type 0 when asked. */
START_TEST(test_gas)
{
    make_root();
    const char *path = in_root(0, "snapshot_0001.h5");
    write_types(path, 1, 9);
    nb_particles want, got;
    fill_types(&want, 1, 9);
    nb_snapshot_meta m;
    nb_error err;
    ck_assert_msg(nb_snapshot_read(path, &got, &m, &err) == NB_OK, "%s", err.msg);
    assert_same_particles(&want, &got, 1);
    nb_snapshot_meta_free(&m);
    nb_particles_free(&got);
    expect_reject(path, "/PartType0: 5 gas particles (/Header NumPart_ThisFile[0]): nbody has "
                  "no hydrodynamics; set initial_conditions.gas = \"collisionless\"", PARTICLES);
    nb_snapshot_ic_info info;
    ck_assert_int_eq(nb_snapshot_read_ic(path, 0, &got, &info, &err), NB_ERR_INPUT);
    ck_assert_msg(nb_snapshot_read_ic(path, 1, &got, &info, &err) == NB_OK, "%s", err.msg);
    assert_same_particles(&want, &got, 0);
    ck_assert(info.has_velocities);
    nb_particles_free(&got);
    nb_particles_free(&want);
    remove_root();
}
END_TEST

/* Files whose counts, groups and masses disagree: one line naming the object. */
START_TEST(test_types_refused)
{
    make_root();
    const char *good = in_root(0, "good.h5"), *bad = in_root(1, "bad.h5");
    write_types(good, 0, 11);
    /* a MassTable entry that is not the Masses' value */
    hid_t f = edit_copy(good, bad);
    double mt[6] = {0, 0, 0.5, 0, 0, 0};
    set_attr(f, "Header", "MassTable", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 6, mt);
    H5Fclose(f);
    expect_reject(bad, "/PartType2/Masses: row 0 is 0.25, but /Header MassTable[2] is 0.5", BOTH);
    /* a MassTable entry of 0 for a type without Masses */
    f = edit_copy(good, bad);
    ck_assert(H5Ldelete(f, "PartType3/Masses", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    expect_reject(bad, "/PartType3/Masses: missing, and /Header MassTable[3] is 0", PARTICLES);
    expect_reject(bad, "/PartType3/Masses: missing", FULL);
    /* NumPart counting a type whose group is missing */
    f = edit_copy(good, bad);
    int32_t np[6] = {0, N1, N2, N3, 4, 0};
    uint32_t tot[6] = {0, N1, N2, N3, 4, 0};
    set_attr(f, "Header", "NumPart_ThisFile", H5T_STD_I32LE, H5T_NATIVE_INT32, 6, np);
    set_attr(f, "Header", "NumPart_Total", H5T_STD_U32LE, H5T_NATIVE_UINT32, 6, tot);
    H5Fclose(f);
    expect_reject(bad, "/PartType4: missing, expected the group of the 4 particles of type 4",
                  BOTH);
    /* a group holding particles NumPart does not count */
    f = edit_copy(good, bad);
    np[3] = 0;
    np[4] = 0;
    tot[3] = tot[4] = 0;
    set_attr(f, "Header", "NumPart_ThisFile", H5T_STD_I32LE, H5T_NATIVE_INT32, 6, np);
    set_attr(f, "Header", "NumPart_Total", H5T_STD_U32LE, H5T_NATIVE_UINT32, 6, tot);
    H5Fclose(f);
    expect_reject(bad, "/PartType3/Coordinates: has shape (8, 3), expected shape (0, 3) of "
                  "floats (N from /Header NumPart_ThisFile[3])", BOTH);
    /* a type's datasets of another type's length */
    f = edit_copy(good, bad);
    np[3] = N3;
    np[2] = N2 - 1;
    tot[2] = N2 - 1;
    tot[3] = N3;
    set_attr(f, "Header", "NumPart_ThisFile", H5T_STD_I32LE, H5T_NATIVE_INT32, 6, np);
    set_attr(f, "Header", "NumPart_Total", H5T_STD_U32LE, H5T_NATIVE_UINT32, 6, tot);
    H5Fclose(f);
    expect_reject(bad, "/PartType2/Coordinates: has shape (12, 3), expected shape (11, 3)",
                  BOTH);
    /* a type's group without Coordinates */
    f = edit_copy(good, bad);
    ck_assert(H5Ldelete(f, "PartType2/Coordinates", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    expect_reject(bad, "/PartType2/Coordinates: missing", BOTH);
    /* the writer refuses a store out of type order */
    nb_particles p;
    fill_types(&p, 0, 11);
    p.type[0] = 3;
    nb_snapshot_meta m = make_meta(1);
    nb_error err;
    ck_assert_int_eq(nb_snapshot_write(in_root(2, "unordered.h5"), &p, &m, 0, 0, &err),
                     NB_ERR_RUNTIME);
    ck_assert_msg(strstr(err.msg, "not in ascending type order"), "%s", err.msg);
    ck_assert(!exists(in_root(2, "unordered.h5")));
    nb_particles_free(&p);
    remove_root();
}
END_TEST

static Suite *types_suite(void)
{
    Suite *s = suite_create("snapshot_types");
    TCase *tc = tcase_create("types");
    tcase_add_test(tc, test_layout_per_type);
    tcase_add_test(tc, test_roundtrip_types);
    tcase_add_test(tc, test_gas);
    tcase_add_test(tc, test_types_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return snaptest_main(types_suite());
}
