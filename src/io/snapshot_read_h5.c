/* The snapshot reader's checked HDF5 access: its one-line errors, and groups, attributes
 * and datasets opened only as hard links, with their class, shape and storage checked. */
#include "io/snapshot_h5.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records "FILE: OBJ: what" (the first failure only) as NB_ERR_INPUT; returns -1. */
int nb_snapshot_rfail(nb_snapshot_reader *r, const char *obj, const char *fmt, ...)
{
    if (!r->failed) {
        char what[768];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        if (obj)
            nb_fail(r->err, NB_ERR_INPUT, "%s: %s: %s", r->path, obj, what);
        else
            nb_fail(r->err, NB_ERR_INPUT, "%s: %s", r->path, what);
        r->failed = 1;
        r->code = NB_ERR_INPUT;
    }
    return -1;
}

/* A failed HDF5 call on obj: "how (HDF5's innermost reason)tail". */
int nb_snapshot_h5fail(nb_snapshot_reader *r, const char *obj, const char *how, const char *tail)
{
    char why[256];
    nb_snapshot_h5_detail(why, sizeof why);
    return nb_snapshot_rfail(r, obj, "%s (%s)%s", how, why, tail);
}

hid_t nb_snapshot_keep(nb_snapshot_reader *r, hid_t id)
{
    if (id > 0 && r->n_open < NB_SNAPSHOT_MAX_OPEN)
        r->open[r->n_open++] = id;
    return id;
}

/* 0 if name in loc is a hard link (an object stored in this file), else -1 after the
 * message. An external link would open another file (any file of the machine, /dev/zero,
 * a FIFO) and a soft link can lead to one. */
static int check_link(nb_snapshot_reader *r, hid_t loc, const char *name, const char *obj)
{
    H5L_info_t li;
    if (H5Lget_info(loc, name, &li, H5P_DEFAULT) < 0)
        return nb_snapshot_h5fail(r, obj, "cannot be looked up", NB_SNAPSHOT_DAMAGED);
    if (li.type == H5L_TYPE_HARD)
        return 0;
    return nb_snapshot_rfail(r, obj, "is %s, expected an object stored in this file",
                             li.type == H5L_TYPE_EXTERNAL ? "an external link to another file"
                             : li.type == H5L_TYPE_SOFT   ? "a soft link"
                                                          : "a user-defined link");
}

/* Group name of loc: its id, 0 if absent and optional, -1 on failure. */
hid_t nb_snapshot_open_group(nb_snapshot_reader *r, hid_t loc, const char *name, const char *obj,
                             int required, const char *expected)
{
    htri_t ex = H5Lexists(loc, name, H5P_DEFAULT);
    if (ex < 0)
        return nb_snapshot_h5fail(r, obj, "cannot be looked up", NB_SNAPSHOT_DAMAGED);
    if (!ex)
        return required ? nb_snapshot_rfail(r, obj, "missing, expected %s", expected) : 0;
    if (check_link(r, loc, name, obj) < 0)
        return -1;
    hid_t g = H5Gopen2(loc, name, H5P_DEFAULT);
    if (g < 0) {
        char tail[160];
        snprintf(tail, sizeof tail, ", expected %s", expected);
        return nb_snapshot_h5fail(r, obj, "is not a readable group", tail);
    }
    return nb_snapshot_keep(r, g);
}

static const char *class_name(H5T_class_t c)
{
    switch (c) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "float";
    case H5T_STRING: return "string";
    default: return "non-numeric";
    }
}

/* Attribute name of loc with n values of class cls (a float attribute may be stored as
 * integers): its id, 0 if absent and optional, -1 on failure. where receives its name
 * for messages. */
static hid_t open_attr(nb_snapshot_reader *r, hid_t loc, const char *obj, const char *name,
                       H5T_class_t cls, hssize_t n, int required, char *where, size_t size)
{
    snprintf(where, size, "%s attribute %s", obj, name);
    char expected[64];
    if (cls == H5T_STRING)
        snprintf(expected, sizeof expected, "a string");
    else if (n == 1)
        snprintf(expected, sizeof expected, "one %s", cls == H5T_FLOAT ? "number" : "integer");
    else
        snprintf(expected, sizeof expected, "%lld %ss", (long long)n,
                 cls == H5T_FLOAT ? "number" : "integer");
    htri_t ex = H5Aexists(loc, name);
    if (ex < 0)
        return nb_snapshot_h5fail(r, where, "cannot be looked up", NB_SNAPSHOT_DAMAGED);
    if (!ex)
        return required ? nb_snapshot_rfail(r, where, "missing, expected %s", expected) : 0;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        return nb_snapshot_h5fail(r, where, "cannot be opened", NB_SNAPSHOT_DAMAGED);
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    H5T_class_t c = t < 0 ? H5T_NO_CLASS : H5Tget_class(t);
    hssize_t np = s < 0 ? -1 : H5Sget_simple_extent_npoints(s);
    int nd = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
    if (t >= 0)
        H5Tclose(t);
    if (s >= 0)
        H5Sclose(s);
    if ((c != cls && !(cls == H5T_FLOAT && c == H5T_INTEGER)) || np != n || nd < 0 || nd > 1) {
        H5Aclose(a);
        return nb_snapshot_rfail(r, where, "holds %lld %s value(s), expected %s", (long long)np,
                                 class_name(c), expected);
    }
    return a;
}

/* Reads n integers or doubles (mtype) from attribute name: 1 read, 0 absent and
 * optional, -1 on failure. */
static int get_attr(nb_snapshot_reader *r, hid_t loc, const char *obj, const char *name,
                    H5T_class_t cls, hid_t mtype, hssize_t n, void *out, int required)
{
    char where[160];
    hid_t a = open_attr(r, loc, obj, name, cls, n, required, where, sizeof where);
    if (a <= 0)
        return (int)a;
    int rc = 1;
    if (H5Aread(a, mtype, out) < 0)
        rc = nb_snapshot_h5fail(r, where, "cannot be read", NB_SNAPSHOT_DAMAGED);
    H5Aclose(a);
    return rc;
}

int nb_snapshot_get_ints(nb_snapshot_reader *r, hid_t loc, const char *obj, const char *name,
                         hssize_t n, long long *out, int required)
{
    return get_attr(r, loc, obj, name, H5T_INTEGER, H5T_NATIVE_LLONG, n, out, required);
}

int nb_snapshot_get_doubles(nb_snapshot_reader *r, hid_t loc, const char *obj, const char *name,
                            hssize_t n, double *out, int required)
{
    return get_attr(r, loc, obj, name, H5T_FLOAT, H5T_NATIVE_DOUBLE, n, out, required);
}

/* A fixed-length string attribute (what nbody writes), malloc'd into *out: 1 read, 0 absent
 * and optional, -1 on failure. Variable-length
 * strings are refused unread: HDF5 1.10 takes their length from the attribute and
 * allocates it before looking at the global heap they live in, so a damaged one costs
 * gigabytes (found by tests/e2e_fuzz.sh), and a damaged heap can make it loop forever. */
int nb_snapshot_get_string(nb_snapshot_reader *r, hid_t loc, const char *obj, const char *name,
                           char **out, int required)
{
    char where[160];
    hid_t a = open_attr(r, loc, obj, name, H5T_STRING, 1, required, where, sizeof where);
    if (a <= 0)
        return (int)a;
    hid_t ft = H5Aget_type(a), mt = -1;
    htri_t var = ft < 0 ? -1 : H5Tis_variable_str(ft);
    size_t size = var == 0 ? H5Tget_size(ft) : 0;
    int rc = 0;
    char *s = NULL;
    if (var > 0) {
        rc = nb_snapshot_rfail(r, where,
                               "is a variable-length string, expected a fixed-length string "
                               "(as nbody writes)");
    } else if (var < 0 || size == 0) {
        rc = nb_snapshot_h5fail(r, where, "cannot be read", NB_SNAPSHOT_DAMAGED);
    } else if (r->file_size >= 0 && size > (unsigned long long)r->file_size) {
        rc = nb_snapshot_rfail(r, where,
                               "claims %zu characters, more than the file holds: the file is "
                               "damaged",
                               size);
    } else if (!(s = calloc(size + 1, 1))) {
        rc = nb_snapshot_rfail(r, where, "out of memory reading %zu characters", size);
        r->code = NB_ERR_RUNTIME;
    } else if ((mt = H5Tcopy(ft)) < 0 || H5Aread(a, mt, s) < 0) {
        rc = nb_snapshot_h5fail(r, where, "cannot be read", NB_SNAPSHOT_DAMAGED);
    }
    if (mt >= 0)
        H5Tclose(mt);
    if (ft >= 0)
        H5Tclose(ft);
    H5Aclose(a);
    if (rc)
        free(s);
    else
        *out = s;
    return rc ? rc : 1;
}

/* Checks that a dataset's data was all written, so a declared shape cannot make us
 * allocate for data that is not there. */
static int check_stored(nb_snapshot_reader *r, hid_t d, const char *obj, hid_t ftype, hsize_t n,
                        int cols)
{
    hid_t dcpl = H5Dget_create_plist(d);
    if (dcpl < 0)
        return nb_snapshot_h5fail(r, obj, "cannot be inspected", NB_SNAPSHOT_DAMAGED);
    H5D_layout_t layout = H5Pget_layout(dcpl);
    int rc = 0, big = 0;
    char why[320];
    /* Data kept in other files (external storage, a virtual dataset) could be any file on
     * the machine, /dev/zero included: a few bytes declaring any N. */
    if (H5Pget_external_count(dcpl) != 0 || layout == H5D_VIRTUAL)
        rc = nb_snapshot_rfail(r, obj,
                               "keeps its data outside this file (%s), expected the data inside "
                               "the snapshot",
                               layout == H5D_VIRTUAL ? "a virtual dataset" : "external storage");
    else if (layout == H5D_CHUNKED && (big = nb_snapshot_h5_chunk_too_big(d, why, sizeof why)))
        rc = big < 0 ? nb_snapshot_h5fail(r, obj, why, NB_SNAPSHOT_DAMAGED)
                     : nb_snapshot_rfail(r, obj, "%s", why);
    else if (layout == H5D_CHUNKED) {
#if H5_VERSION_GE(1, 10, 5)
        hsize_t cdims[2] = {1, 1}, want = 0, have = 0;
        hid_t space = H5Dget_space(d);
        if (H5Pget_chunk(dcpl, 2, cdims) < 0 || space < 0 ||
            H5Dget_num_chunks(d, space, &have) < 0)
            rc = nb_snapshot_h5fail(r, obj, "cannot be inspected", NB_SNAPSHOT_DAMAGED);
        else if (cdims[0] && (cols == 1 || cdims[1]))
            want = (n + cdims[0] - 1) / cdims[0] *
                   (cols == 1 ? 1 : ((hsize_t)cols + cdims[1] - 1) / cdims[1]);
        if (!rc && have < want)
            rc = nb_snapshot_rfail(
                r, obj, "only %llu of its %llu chunks were written, expected all of them",
                (unsigned long long)have, (unsigned long long)want);
        if (space >= 0)
            H5Sclose(space);
#endif
    } else {
        hsize_t need = n * (hsize_t)cols * H5Tget_size(ftype), have = H5Dget_storage_size(d);
        haddr_t at = layout == H5D_CONTIGUOUS ? H5Dget_offset(d) : 0;
        if (have < need)
            rc = nb_snapshot_rfail(r, obj,
                                   "holds %llu bytes of data, expected %llu: it was not completely "
                                   "written",
                                   (unsigned long long)have, (unsigned long long)need);
        /* a damaged layout can declare data the file does not hold: we would allocate
         * for it before the read fails */
        else if (layout == H5D_CONTIGUOUS && r->file_size >= 0 &&
                 (at == HADDR_UNDEF || at > (haddr_t)r->file_size ||
                  need > (hsize_t)r->file_size - at))
            rc = nb_snapshot_rfail(r, obj,
                                   "declares %llu bytes of data at byte %llu of a %lld-byte file: "
                                   "the file is truncated or damaged",
                                   (unsigned long long)need, (unsigned long long)at, r->file_size);
    }
    H5Pclose(dcpl);
    return rc;
}

/* Field f's dataset in group g (/PartType<type>): n rows of f->cols columns of f's class.
 * Its id, 0 if absent and optional, -1 on failure; *is_signed for integers. */
hid_t nb_snapshot_open_dataset(nb_snapshot_reader *r, hid_t g, int type,
                               const nb_snapshot_field *f, size_t n, int required,
                               int *is_signed)
{
    const char *name = f->name;
    H5T_class_t cls = f->type == NB_SNAP_F64 ? H5T_FLOAT : H5T_INTEGER;
    int cols = f->cols;
    char obj[128], expected[96];
    snprintf(obj, sizeof obj, "/PartType%d/%s", type, name);
    if (cols > 1)
        snprintf(expected, sizeof expected, "shape (%zu, %d) of %ss", n, cols, class_name(cls));
    else
        snprintf(expected, sizeof expected, "shape (%zu,) of %ss", n, class_name(cls));
    htri_t ex = H5Lexists(g, name, H5P_DEFAULT);
    if (ex < 0)
        return nb_snapshot_h5fail(r, obj, "cannot be looked up", NB_SNAPSHOT_DAMAGED);
    if (!ex)
        return required ? nb_snapshot_rfail(r, obj, "missing, expected a dataset of %s", expected)
                        : 0;
    if (check_link(r, g, name, obj) < 0)
        return -1;
    hid_t d = nb_snapshot_keep(r, H5Dopen2(g, name, H5P_DEFAULT));
    if (d < 0) {
        char tail[160];
        snprintf(tail, sizeof tail, ", expected a dataset of %s", expected);
        return nb_snapshot_h5fail(r, obj, "is not a readable dataset", tail);
    }
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    H5T_class_t c = t < 0 ? H5T_NO_CLASS : H5Tget_class(t);
    *is_signed = c == H5T_INTEGER && H5Tget_sign(t) == H5T_SGN_2;
    hsize_t dims[H5S_MAX_RANK];
    int rank = s < 0 ? -1 : H5Sget_simple_extent_dims(s, dims, NULL);
    if (s >= 0)
        H5Sclose(s);
    int rc = 0;
    if (rank < 0) {
        rc = nb_snapshot_h5fail(r, obj, "has an unreadable shape", NB_SNAPSHOT_DAMAGED);
    } else if (c != cls) {
        rc = nb_snapshot_rfail(r, obj, "holds %ss, expected %s", class_name(c), expected);
    } else if (rank != (cols > 1 ? 2 : 1) || dims[0] != n ||
               (cols > 1 && dims[1] != (hsize_t)cols)) {
        char shape[96] = "(";
        for (int k = 0; k < rank && k < 4; k++)
            snprintf(shape + strlen(shape), sizeof shape - strlen(shape), "%s%llu",
                     k ? ", " : "", (unsigned long long)dims[k]);
        strcat(shape, rank == 1 ? ",)" : rank > 4 ? ", ...)" : ")");
        rc = nb_snapshot_rfail(r, obj,
                               "has shape %s, expected %s (N from /Header NumPart_ThisFile[%d])",
                               shape, expected, type);
    } else {
        rc = check_stored(r, d, obj, t, n, cols);
    }
    if (t >= 0)
        H5Tclose(t);
    return rc ? -1 : d;
}
