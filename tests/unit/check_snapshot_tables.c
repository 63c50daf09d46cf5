/* Tests of the output tables (io/snapshot_fields.c, io/energylog.c's COLUMNS): the rows
 * are sound, a snapshot holds exactly what they say, `nbody info` prints every row,
 * energy.csv's rows are the columns' values, and docs/DESIGN.md lists every row. */
#include <check.h>
#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/info.h"
#include "io/energylog.h"
#include "io/snapshot.h"
#include "snapshot_testutil.h"

/* Each row names its own arrays / members, of the size its type says. */
START_TEST(test_rows_sound)
{
    ck_assert(nb_snapshot_n_fields > 0 && nb_snapshot_n_fields <= NB_SNAPSHOT_MAX_FIELDS);
    nb_particles p;
    nb_error err;
    ck_assert_int_eq(nb_particles_alloc(&p, 4, &err), NB_OK);
    const void *seen[3 * NB_SNAPSHOT_MAX_FIELDS];
    size_t n_seen = 0;
    for (size_t k = 0; k < nb_snapshot_n_fields; k++) {
        const nb_snapshot_field *f = &nb_snapshot_fields[k];
        ck_assert_msg(f->cols >= 1 && f->cols <= 3, "%s: %d columns", f->name, f->cols);
        ck_assert_msg(f->type == NB_SNAP_F64 || f->type == NB_SNAP_U64 || f->type == NB_SNAP_I32,
                      "%s: not a per-particle type", f->name);
        ck_assert(f->unit && f->unit[0]);
        for (size_t j = 0; j < k; j++)
            ck_assert_msg(strcmp(nb_snapshot_fields[j].name, f->name), "%s twice", f->name);
        for (int c = 0; c < f->cols; c++) {
            ck_assert(f->member[c] + sizeof(void *) <= sizeof(nb_particles));
            const void *a = nb_snapshot_field_column(&p, f, c);
            ck_assert_msg(a != NULL, "%s column %d: no array", f->name, c);
            for (size_t j = 0; j < n_seen; j++)
                ck_assert_msg(seen[j] != a, "%s column %d: an array of another column",
                              f->name, c);
            seen[n_seen++] = a;
        }
    }
    /* every array of nb_particles is some column (a restart needs them all) but type,
     * which a snapshot stores as the group (PartTypeN) a particle is written to */
    ck_assert_uint_eq(n_seen, (offsetof(nb_particles, type) - offsetof(nb_particles, x)) /
                                  sizeof(double *));
    ck_assert_uint_eq(offsetof(nb_particles, type) + sizeof(uint8_t *), sizeof(nb_particles));
    nb_particles_free(&p);
    for (size_t k = 0; k < nb_snapshot_n_attrs; k++) {
        const nb_snapshot_attr *a = &nb_snapshot_attrs[k];
        size_t want = a->type == NB_SNAP_I64 ? sizeof(long)
                      : a->type == NB_SNAP_F64 ? sizeof(double) : a->size;
        ck_assert_msg(a->type == NB_SNAP_I64 || a->type == NB_SNAP_F64 ||
                      a->type == NB_SNAP_STRING, "%s: not an attribute type", a->name);
        ck_assert_msg(a->size == want && a->size >= 2, "%s: size %zu", a->name, a->size);
        ck_assert(a->member + a->size <= sizeof(nb_snapshot_meta));
        for (size_t j = 0; j < k; j++) {
            const nb_snapshot_attr *b = &nb_snapshot_attrs[j];
            ck_assert_msg(strcmp(a->name, b->name), "%s twice", a->name);
            ck_assert_msg(a->member >= b->member + b->size || b->member >= a->member + a->size,
                          "%s and %s share a member", a->name, b->name);
        }
    }
}
END_TEST

/* The stored type a row asks for, written out here rather than taken from the module. */
static hid_t stored_type(nb_snapshot_type t)
{
    return t == NB_SNAP_F64 ? H5T_IEEE_F64LE : t == NB_SNAP_U64 ? H5T_STD_U64LE
           : t == NB_SNAP_I64 ? H5T_STD_I64LE : H5T_STD_I32LE;
}

static herr_t count_attr(hid_t loc, const char *name, const H5A_info_t *info, void *n)
{
    (void)loc; (void)name; (void)info;
    ++*(size_t *)n;
    return 0;
}

/* The file holds the tables' datasets and /Integrator attributes, those only, as their
 * rows say, with the values of the particles and meta written. */
START_TEST(test_file_is_the_tables)
{
    make_root();
    const char *path = in_root(0, "snapshot_0001.h5");
    write_ok(path, 40, 3, 9, 0);
    nb_particles want;
    fill(&want, 40, 3);
    nb_snapshot_meta meta = make_meta(9);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert(f >= 0);
    for (size_t k = 0; k < nb_snapshot_n_fields; k++) {
        const nb_snapshot_field *row = &nb_snapshot_fields[k];
        char name[96];
        snprintf(name, sizeof name, "/PartType1/%s", row->name);
        hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
        ck_assert_msg(d >= 0, "%s missing", name);
        hid_t t = H5Dget_type(d), s = H5Dget_space(d);
        hsize_t dims[2] = {0, 0};
        int rank = H5Sget_simple_extent_dims(s, dims, NULL);
        ck_assert_msg(H5Tequal(t, stored_type(row->type)) > 0, "%s: stored type", name);
        ck_assert_int_eq(rank, row->cols > 1 ? 2 : 1);
        ck_assert_uint_eq(dims[0], 40);
        if (row->cols > 1)
            ck_assert_uint_eq(dims[1], (hsize_t)row->cols);
        /* column c of the file is the column the row names, bit for bit */
        size_t es = nb_snapshot_type_size(row->type);
        unsigned char *buf = malloc(40 * (size_t)row->cols * es);
        hid_t mt = H5Tget_native_type(t, H5T_DIR_DEFAULT);
        ck_assert(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
        H5Tclose(mt);
        for (int c = 0; c < row->cols; c++) {
            const unsigned char *col = nb_snapshot_field_column(&want, row, c);
            for (size_t i = 0; i < 40; i++)
                ck_assert_msg(!memcmp(buf + (i * (size_t)row->cols + (size_t)c) * es,
                                      col + i * es, es), "%s row %zu column %d", name, i, c);
        }
        free(buf);
        H5Tclose(t); H5Sclose(s); H5Dclose(d);
        /* and nothing else in the group */
        H5G_info_t gi;
        ck_assert(H5Gget_info_by_name(f, "PartType1", &gi, H5P_DEFAULT) >= 0);
        ck_assert_uint_eq(gi.nlinks, nb_snapshot_n_fields);
    }
    hid_t g = H5Gopen2(f, "Integrator", H5P_DEFAULT);
    size_t n_attrs = 0;
    ck_assert(H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, count_attr, &n_attrs) >= 0);
    ck_assert_uint_eq(n_attrs, nb_snapshot_n_attrs);
    for (size_t k = 0; k < nb_snapshot_n_attrs; k++) {
        const nb_snapshot_attr *a = &nb_snapshot_attrs[k];
        hid_t at = H5Aopen(g, a->name, H5P_DEFAULT);
        ck_assert_msg(at >= 0, "/Integrator %s missing", a->name);
        hid_t t = H5Aget_type(at);
        const void *v = nb_snapshot_attr_value(&meta, a);
        if (a->type == NB_SNAP_STRING) {
            char s[256] = "";
            ck_assert(H5Tget_class(t) == H5T_STRING && H5Aread(at, t, s) >= 0);
            ck_assert_str_eq(s, (const char *)v);
        } else {
            unsigned char got[8];
            ck_assert_msg(H5Tequal(t, stored_type(a->type)) > 0, "%s: stored type", a->name);
            hid_t mt = H5Tget_native_type(t, H5T_DIR_DEFAULT);
            ck_assert(H5Aread(at, mt, got) >= 0);
            H5Tclose(mt);
            ck_assert_msg(!memcmp(got, v, 8), "/Integrator %s: value", a->name);
        }
        H5Tclose(t);
        H5Aclose(at);
    }
    H5Gclose(g);
    H5Fclose(f);
    nb_particles_free(&want);
    remove_root();
}
END_TEST

/* `nbody info` prints a line for every attribute and every dataset. */
START_TEST(test_info_prints_rows)
{
    make_root();
    const char *path = in_root(0, "snapshot_0001.h5");
    write_ok(path, 12, 5, 3, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    nb_error err;
    ck_assert_int_eq(nb_info_print(path, out, &err), NB_OK);
    fclose(out);
    nb_snapshot_meta meta = make_meta(3);
    for (size_t k = 0; k < nb_snapshot_n_attrs; k++) {
        char line[256], value[128];
        char label[64];
        snprintf(label, sizeof label, "%s:", nb_snapshot_attrs[k].name);
        snprintf(line, sizeof line, "\n%-17s %s\n", label,
                 nb_snapshot_attr_format(&meta, &nb_snapshot_attrs[k], value, sizeof value));
        ck_assert_msg(strstr(text, line), "info lacks \"%s\"", line + 1);
    }
    for (size_t k = 0; k < nb_snapshot_n_fields; k++) {
        const nb_snapshot_field *f = &nb_snapshot_fields[k];
        char name[96];
        snprintf(name, sizeof name, "\n  /PartType1/%s ", f->name);
        const char *at = strstr(text, name);
        ck_assert_msg(at, "info lacks %s", name + 1);
        const char *eol = strchr(at + 1, '\n');
        char line[256], shape[32] = "(12,)";
        if (f->cols > 1)
            snprintf(shape, sizeof shape, "(12, %d)", f->cols);
        snprintf(line, sizeof line, "%.*s", (int)(eol - at), at + 1);
        ck_assert_msg(strstr(line, nb_snapshot_type_name(f->type)) &&
                      strstr(line, shape) && strstr(line, f->unit),
                      "info's line for %s: %s", f->name, line);
        if (f->type == NB_SNAP_I32) { /* and the range of its values */
            nb_particles q;
            fill(&q, 12, 5);
            const int32_t *v = nb_snapshot_field_column(&q, f, 0);
            int32_t lo = v[0], hi = v[0];
            for (size_t i = 1; i < 12; i++) {
                lo = v[i] < lo ? v[i] : lo;
                hi = v[i] > hi ? v[i] : hi;
            }
            char range[64];
            snprintf(range, sizeof range, "  min %d max %d", (int)lo, (int)hi);
            ck_assert_msg(lo < hi && strstr(line, range), "info's line for %s: %s, expected %s",
                          f->name, line, range);
            nb_particles_free(&q);
        }
    }
    free(text);
    remove_root();
}
END_TEST

/* A row of energy.csv is the columns' values in the columns' order: the same text as the
 * fixed format it replaced. */
START_TEST(test_energy_row)
{
    char names[512];
    ck_assert_uint_eq(nb_energylog_columns(names, sizeof names), 15);
    ck_assert_str_eq(names, "step,time,kinetic,potential,total,rel_energy_error,px,py,pz,lx,ly,"
                            "lz,virial_ratio,wall_seconds,force_evaluations");
    nb_energylog log = {.f = tmpfile()};
    ck_assert_ptr_nonnull(log.f);
    nb_diag d = {.kinetic = 0.25, .potential = -0.5, .total = -0.25, .px = 1e-17, .py = -2e-300,
                 .pz = 3, .lx = 0.1, .ly = -0.2, .lz = 1.0 / 3, .virial_ratio = 0.99};
    nb_error err;
    ck_assert_int_eq(nb_energylog_append(&log, 123456789012345L, 0.1, &d, -0.26, 12.34567,
                                         9007199254740992ULL, &err), NB_OK);
    rewind(log.f);
    char got[1024], want[1024];
    ck_assert_ptr_nonnull(fgets(got, sizeof got, log.f));
    snprintf(want, sizeof want,
             "%ld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.3f,"
             "9007199254740992\n",
             123456789012345L, 0.1, d.kinetic, d.potential, d.total,
             nb_diagnostics_rel_error(d.total, -0.26), d.px, d.py, d.pz, d.lx, d.ly, d.lz,
             d.virial_ratio, 12.34567);
    ck_assert_str_eq(got, want);
    fclose(log.f);
}
END_TEST

static const char *need_text(nb_snapshot_need n)
{
    return n == NB_SNAP_REQUIRED ? "required" : n == NB_SNAP_OPTIONAL ? "optional" : "not read";
}

static void field_values(const nb_snapshot_field *f, char *buf, size_t size)
{
    if (f->type == NB_SNAP_F64)
        snprintf(buf, size, "%s", f->values == NB_SNAP_POSITIVE ? "finite, > 0" : "finite");
    else if (f->type == NB_SNAP_U64 || f->values == NB_SNAP_NONNEG)
        snprintf(buf, size, ">= 0");
    else
        snprintf(buf, size, "any");
}

static void attr_values(const nb_snapshot_attr *a, char *buf, size_t size)
{
    if (a->type == NB_SNAP_I64)
        snprintf(buf, size, a->range == NB_SNAP_NONNEG ? "0 to %lld" : "at most %lld", a->max);
    else if (a->type == NB_SNAP_STRING)
        snprintf(buf, size, a->range == NB_SNAP_TOKEN      ? "1 to %zu of [0-9a-z-]"
                            : a->range == NB_SNAP_NONEMPTY ? "1 to %zu characters"
                                                           : "at most %zu characters",
                 a->size - 1);
    else
        snprintf(buf, size, "%s", a->range == NB_SNAP_ANY ? "not NaN" :
                 a->range == NB_SNAP_POSITIVE ? "finite, > 0" :
                 a->range == NB_SNAP_NONNEG ? "finite, >= 0" : "finite");
}

/* How many lines of text start with prefix. */
static size_t count_lines(const char *text, const char *prefix)
{
    size_t n = 0, len = strlen(prefix);
    for (const char *l = text; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        n += !strncmp(l, prefix, len);
    return n;
}

/* docs/DESIGN.md's "Snapshot layout" lists every row of the three tables as they are,
 * and no other. */
START_TEST(test_design_lists_tables)
{
    const char *src = getenv("SRCDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/DESIGN.md", src ? src : ".");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s (SRCDIR is the source tree)", path);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    for (size_t k = 0; k < nb_snapshot_n_fields; k++) {
        const nb_snapshot_field *r = &nb_snapshot_fields[k];
        char row[512], values[64];
        field_values(r, values, sizeof values);
        char shape[32] = "(N,)";
        if (r->cols > 1)
            snprintf(shape, sizeof shape, "(N, %d)", r->cols);
        snprintf(row, sizeof row, "\n| `/PartTypeT/%s` | %s | %s | %s | %s | %s | %s |\n",
                 r->name, nb_snapshot_type_name(r->type), shape, r->unit, values,
                 need_text(r->restart), need_text(r->ic));
        ck_assert_msg(strstr(text, row), "DESIGN.md lacks the row %s", row + 1);
    }
    ck_assert_uint_eq(count_lines(text, "| `/"), nb_snapshot_n_fields);
    for (size_t k = 0; k < nb_snapshot_n_attrs; k++) {
        const nb_snapshot_attr *a = &nb_snapshot_attrs[k];
        char row[512], values[64];
        attr_values(a, values, sizeof values);
        snprintf(row, sizeof row, "\n| `%s` | %s | %s | %s |\n", a->name,
                 nb_snapshot_type_name(a->type), values, need_text(a->restart));
        ck_assert_msg(strstr(text, row), "DESIGN.md lacks the row %s", row + 1);
    }
    ck_assert_uint_eq(count_lines(text, "| `") - count_lines(text, "| `/"), nb_snapshot_n_attrs);
    char columns[512], quoted[520];
    nb_energylog_columns(columns, sizeof columns);
    snprintf(quoted, sizeof quoted, "`%s`", columns);
    ck_assert_msg(strstr(text, quoted), "DESIGN.md lacks energy.csv's columns %s", quoted);
}
END_TEST

static Suite *tables_suite(void)
{
    Suite *s = suite_create("snapshot_tables");
    TCase *tc = tcase_create("tables");
    tcase_add_test(tc, test_rows_sound);
    tcase_add_test(tc, test_file_is_the_tables);
    tcase_add_test(tc, test_info_prints_rows);
    tcase_add_test(tc, test_energy_row);
    tcase_add_test(tc, test_design_lists_tables);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return snaptest_main(tables_suite());
}
