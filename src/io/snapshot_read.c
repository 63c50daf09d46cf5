/* Reads snapshots (ours, or any single-file GADGET-style HDF5 file for initial conditions),
 * validating every group, attribute, shape, type, checksum and value it uses. */
#include "io/snapshot.h"
#include "io/snapshot_h5.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_OPEN 16
/* Bounds on /Integrator counters; see read_meta. */
#define NB_SNAPSHOT_MAX_STEP 1000000000000000LL /* 1e15, as integrator steps in config.c */
#define NB_SNAPSHOT_MAX_INDEX 999999999LL

typedef struct reader {
    const char *path;
    nb_error *err;
    int failed;
    int code;             /* NB_ERR_INPUT, or NB_ERR_RUNTIME when memory ran out */
    hid_t open[MAX_OPEN]; /* groups and datasets, closed at the end */
    int n_open;
    long long file_size;
    nb_snapshot_ic_info *info; /* filled for initial conditions when not NULL */
} reader;

/* Records "FILE: OBJ: what" (the first failure only) as NB_ERR_INPUT; returns -1. */
__attribute__((format(printf, 3, 4)))
static int rfail(reader *r, const char *obj, const char *fmt, ...)
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
static int h5fail(reader *r, const char *obj, const char *how, const char *tail)
{
    char why[256];
    nb_snapshot_h5_detail(why, sizeof why);
    return rfail(r, obj, "%s (%s)%s", how, why, tail);
}

static const char *const DAMAGED = ": the file is damaged";

static hid_t keep(reader *r, hid_t id)
{
    if (id > 0 && r->n_open < MAX_OPEN)
        r->open[r->n_open++] = id;
    return id;
}

/* 0 if name in loc is a hard link (an object stored in this file), else -1 after the
 * message. An external link would open another file (any file of the machine, /dev/zero,
 * a FIFO) and a soft link can lead to one. */
static int check_link(reader *r, hid_t loc, const char *name, const char *obj)
{
    H5L_info_t li;
    if (H5Lget_info(loc, name, &li, H5P_DEFAULT) < 0)
        return h5fail(r, obj, "cannot be looked up", DAMAGED);
    if (li.type == H5L_TYPE_HARD)
        return 0;
    return rfail(r, obj, "is %s, expected an object stored in this file",
                 li.type == H5L_TYPE_EXTERNAL ? "an external link to another file" :
                 li.type == H5L_TYPE_SOFT ? "a soft link" : "a user-defined link");
}

/* Group name of loc: its id, 0 if absent and optional, -1 on failure. */
static hid_t open_group(reader *r, hid_t loc, const char *name, const char *obj, int required,
                        const char *expected)
{
    htri_t ex = H5Lexists(loc, name, H5P_DEFAULT);
    if (ex < 0)
        return h5fail(r, obj, "cannot be looked up", DAMAGED);
    if (!ex)
        return required ? rfail(r, obj, "missing, expected %s", expected) : 0;
    if (check_link(r, loc, name, obj) < 0)
        return -1;
    hid_t g = H5Gopen2(loc, name, H5P_DEFAULT);
    if (g < 0) {
        char tail[160];
        snprintf(tail, sizeof tail, ", expected %s", expected);
        return h5fail(r, obj, "is not a readable group", tail);
    }
    return keep(r, g);
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
static hid_t open_attr(reader *r, hid_t loc, const char *obj, const char *name,
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
        return h5fail(r, where, "cannot be looked up", DAMAGED);
    if (!ex)
        return required ? rfail(r, where, "missing, expected %s", expected) : 0;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        return h5fail(r, where, "cannot be opened", DAMAGED);
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
        return rfail(r, where, "holds %lld %s value(s), expected %s", (long long)np,
                     class_name(c), expected);
    }
    return a;
}

/* Reads n integers or doubles (mtype) from attribute name: 1 read, 0 absent and
 * optional, -1 on failure. */
static int get_attr(reader *r, hid_t loc, const char *obj, const char *name, H5T_class_t cls,
                    hid_t mtype, hssize_t n, void *out, int required)
{
    char where[160];
    hid_t a = open_attr(r, loc, obj, name, cls, n, required, where, sizeof where);
    if (a <= 0)
        return (int)a;
    int rc = 1;
    if (H5Aread(a, mtype, out) < 0)
        rc = h5fail(r, where, "cannot be read", DAMAGED);
    H5Aclose(a);
    return rc;
}

static int get_ints(reader *r, hid_t loc, const char *obj, const char *name, hssize_t n,
                    long long *out, int required)
{
    return get_attr(r, loc, obj, name, H5T_INTEGER, H5T_NATIVE_LLONG, n, out, required);
}

static int get_doubles(reader *r, hid_t loc, const char *obj, const char *name, hssize_t n,
                       double *out, int required)
{
    return get_attr(r, loc, obj, name, H5T_FLOAT, H5T_NATIVE_DOUBLE, n, out, required);
}

/* A fixed-length string attribute (what nbody writes), malloc'd into *out. Variable-length
 * strings are refused unread: HDF5 1.10 takes their length from the attribute and
 * allocates it before looking at the global heap they live in, so a damaged one costs
 * gigabytes (found by tests/e2e_fuzz.sh), and a damaged heap can make it loop forever. */
static int get_string(reader *r, hid_t loc, const char *obj, const char *name, char **out)
{
    char where[160];
    hid_t a = open_attr(r, loc, obj, name, H5T_STRING, 1, 1, where, sizeof where);
    if (a < 0)
        return -1;
    hid_t ft = H5Aget_type(a), mt = -1;
    htri_t var = ft < 0 ? -1 : H5Tis_variable_str(ft);
    size_t size = var == 0 ? H5Tget_size(ft) : 0;
    int rc = 0;
    char *s = NULL;
    if (var > 0) {
        rc = rfail(r, where, "is a variable-length string, expected a fixed-length string "
                   "(as nbody writes)");
    } else if (var < 0 || size == 0) {
        rc = h5fail(r, where, "cannot be read", DAMAGED);
    } else if (r->file_size >= 0 && size > (unsigned long long)r->file_size) {
        rc = rfail(r, where, "claims %zu characters, more than the file holds: the file is "
                   "damaged", size);
    } else if (!(s = calloc(size + 1, 1))) {
        rc = rfail(r, where, "out of memory reading %zu characters", size);
        r->code = NB_ERR_RUNTIME;
    } else if ((mt = H5Tcopy(ft)) < 0 || H5Aread(a, mt, s) < 0) {
        rc = h5fail(r, where, "cannot be read", DAMAGED);
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
    return rc;
}

/* Checks that a dataset's data was all written, so a declared shape cannot make us
 * allocate for data that is not there. */
static int check_stored(reader *r, hid_t d, const char *obj, hid_t ftype, hsize_t n, int cols)
{
    hid_t dcpl = H5Dget_create_plist(d);
    if (dcpl < 0)
        return h5fail(r, obj, "cannot be inspected", DAMAGED);
    H5D_layout_t layout = H5Pget_layout(dcpl);
    int rc = 0;
    /* Data kept in other files (external storage, a virtual dataset) could be any file on
     * the machine, /dev/zero included: a few bytes declaring any N. */
    if (H5Pget_external_count(dcpl) != 0 || layout == H5D_VIRTUAL)
        rc = rfail(r, obj, "keeps its data outside this file (%s), expected the data inside "
                   "the snapshot", layout == H5D_VIRTUAL ? "a virtual dataset" : "external storage");
    else if (layout == H5D_CHUNKED) {
#if H5_VERSION_GE(1, 10, 5)
        hsize_t cdims[2] = {1, 1}, want = 0, have = 0;
        hid_t space = H5Dget_space(d);
        if (H5Pget_chunk(dcpl, 2, cdims) < 0 || space < 0 ||
            H5Dget_num_chunks(d, space, &have) < 0)
            rc = h5fail(r, obj, "cannot be inspected", DAMAGED);
        else if (cdims[0] && (cols == 1 || cdims[1]))
            want = (n + cdims[0] - 1) / cdims[0] *
                   (cols == 1 ? 1 : ((hsize_t)cols + cdims[1] - 1) / cdims[1]);
        if (!rc && have < want)
            rc = rfail(r, obj, "only %llu of its %llu chunks were written, expected all of them",
                       (unsigned long long)have, (unsigned long long)want);
        if (space >= 0)
            H5Sclose(space);
#endif
    } else {
        hsize_t need = n * (hsize_t)cols * H5Tget_size(ftype), have = H5Dget_storage_size(d);
        haddr_t at = layout == H5D_CONTIGUOUS ? H5Dget_offset(d) : 0;
        if (have < need)
            rc = rfail(r, obj, "holds %llu bytes of data, expected %llu: it was not completely "
                       "written", (unsigned long long)have, (unsigned long long)need);
        /* a damaged layout can declare data the file does not hold: we would allocate
         * for it before the read fails */
        else if (layout == H5D_CONTIGUOUS && r->file_size >= 0 &&
                 (at == HADDR_UNDEF || at > (haddr_t)r->file_size ||
                  need > (hsize_t)r->file_size - at))
            rc = rfail(r, obj, "declares %llu bytes of data at byte %llu of a %lld-byte file: "
                       "the file is truncated or damaged", (unsigned long long)need,
                       (unsigned long long)at, r->file_size);
    }
    H5Pclose(dcpl);
    return rc;
}

/* Dataset name of PartType1: n rows, 3 columns (cols == 3) or one dimension (cols == 1),
 * of class cls. Its id, 0 if absent and optional, -1 on failure; *is_signed for integers. */
static hid_t open_dataset(reader *r, hid_t g, const char *name, int cols, H5T_class_t cls,
                          size_t n, int required, int *is_signed)
{
    char obj[64], expected[96];
    snprintf(obj, sizeof obj, "/PartType1/%s", name);
    if (cols == 3)
        snprintf(expected, sizeof expected, "shape (%zu, 3) of floats", n);
    else
        snprintf(expected, sizeof expected, "shape (%zu,) of %ss", n, class_name(cls));
    htri_t ex = H5Lexists(g, name, H5P_DEFAULT);
    if (ex < 0)
        return h5fail(r, obj, "cannot be looked up", DAMAGED);
    if (!ex)
        return required ? rfail(r, obj, "missing, expected a dataset of %s", expected) : 0;
    if (check_link(r, g, name, obj) < 0)
        return -1;
    hid_t d = keep(r, H5Dopen2(g, name, H5P_DEFAULT));
    if (d < 0) {
        char tail[160];
        snprintf(tail, sizeof tail, ", expected a dataset of %s", expected);
        return h5fail(r, obj, "is not a readable dataset", tail);
    }
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    H5T_class_t c = t < 0 ? H5T_NO_CLASS : H5Tget_class(t);
    if (is_signed)
        *is_signed = c == H5T_INTEGER && H5Tget_sign(t) == H5T_SGN_2;
    hsize_t dims[H5S_MAX_RANK];
    int rank = s < 0 ? -1 : H5Sget_simple_extent_dims(s, dims, NULL);
    if (s >= 0)
        H5Sclose(s);
    int rc = 0;
    if (rank < 0) {
        rc = h5fail(r, obj, "has an unreadable shape", DAMAGED);
    } else if (c != cls) {
        rc = rfail(r, obj, "holds %ss, expected %s", class_name(c), expected);
    } else if (rank != (cols == 3 ? 2 : 1) || dims[0] != n || (cols == 3 && dims[1] != 3)) {
        char shape[96] = "(";
        for (int k = 0; k < rank && k < 4; k++)
            snprintf(shape + strlen(shape), sizeof shape - strlen(shape), "%s%llu",
                     k ? ", " : "", (unsigned long long)dims[k]);
        strcat(shape, rank == 1 ? ",)" : rank > 4 ? ", ...)" : ")");
        rc = rfail(r, obj, "has shape %s, expected %s (N from /Header NumPart_ThisFile[1])",
                   shape, expected);
    } else {
        rc = check_stored(r, d, obj, t, n, cols);
    }
    if (t >= 0)
        H5Tclose(t);
    return rc ? -1 : d;
}

static int read_failed(reader *r, const char *name)
{
    char obj[64];
    snprintf(obj, sizeof obj, "/PartType1/%s", name);
    return h5fail(r, obj, "cannot be read", ": the data are corrupt");
}

/* Reads an N x 3 float dataset as doubles into three SoA arrays, a slab of whole chunks
 * at a time, rejecting non-finite values. */
static int read_vec3(reader *r, hid_t d, const char *name, size_t n, double *a, double *b,
                     double *c)
{
    size_t rows = NB_SNAPSHOT_CHUNK_ROWS;
    hid_t dcpl = H5Dget_create_plist(d);
    hsize_t cdims[2];
    if (dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, 2, cdims) == 2 &&
        cdims[0] > 0)
        rows = (NB_SNAPSHOT_CHUNK_ROWS + cdims[0] - 1) / cdims[0] * cdims[0];
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (rows > n)
        rows = n;
    double *buf = malloc(rows * 3 * sizeof *buf);
    hid_t fspace = H5Dget_space(d);
    int rc = 0;
    if (!buf) {
        rc = rfail(r, NULL, "out of memory reading %zu rows of /PartType1/%s", rows, name);
        r->code = NB_ERR_RUNTIME;
    } else if (fspace < 0)
        rc = read_failed(r, name);
    for (size_t s = 0; s < n && !rc; s += rows) {
        size_t cnt = n - s < rows ? n - s : rows;
        hsize_t start[2] = {s, 0}, count[2] = {cnt, 3};
        hid_t mspace = H5Screate_simple(2, count, NULL);
        if (mspace < 0 ||
            H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
            H5Dread(d, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, buf) < 0)
            rc = read_failed(r, name);
        if (mspace >= 0)
            H5Sclose(mspace);
        for (size_t i = 0; i < cnt && !rc; i++) {
            for (int k = 0; k < 3; k++)
                if (!isfinite(buf[3 * i + k])) {
                    char obj[64];
                    snprintf(obj, sizeof obj, "/PartType1/%s", name);
                    rc = rfail(r, obj, "row %zu column %d is %g, expected finite numbers",
                               s + i, k, buf[3 * i + k]);
                    break;
                }
            a[s + i] = buf[3 * i];
            b[s + i] = buf[3 * i + 1];
            c[s + i] = buf[3 * i + 2];
        }
    }
    free(buf);
    if (fspace >= 0)
        H5Sclose(fspace);
    return rc;
}

static int read_masses(reader *r, hid_t d, size_t n, double *m)
{
    if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m) < 0)
        return read_failed(r, "Masses");
    for (size_t i = 0; i < n; i++)
        if (!(m[i] > 0) || !isfinite(m[i]))
            return rfail(r, "/PartType1/Masses", "row %zu is %g, expected a positive finite mass",
                         i, m[i]);
    return 0;
}

static int read_ids(reader *r, hid_t d, size_t n, int is_signed, uint64_t *id)
{
    /* Read signed ids as signed, so that a negative one is caught rather than clipped. */
    if (H5Dread(d, is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL,
                H5P_DEFAULT, id) < 0)
        return read_failed(r, "ParticleIDs");
    for (size_t i = 0; is_signed && i < n; i++)
        if ((int64_t)id[i] < 0)
            return rfail(r, "/PartType1/ParticleIDs", "row %zu is %lld, expected ids >= 0", i,
                         (long long)(int64_t)id[i]);
    return 0;
}

/* A scalar floating-point attribute's finite value, for what initial conditions merely
 * report: 1 when read, 0 when missing or anything else (never a failure of the read). */
static int peek_double(hid_t loc, const char *name, double *out)
{
    if (H5Aexists(loc, name) <= 0)
        return 0;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        return 0;
    hid_t sp = H5Aget_space(a), t = H5Aget_type(a);
    double v = 0;
    int ok = sp >= 0 && t >= 0 && H5Sget_simple_extent_npoints(sp) == 1 &&
             H5Tget_class(t) == H5T_FLOAT && H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0 &&
             isfinite(v);
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    H5Aclose(a);
    if (ok)
        *out = v;
    return ok;
}

/* N from the Header, cross-checked with its totals; *mass1 = MassTable[1] if present. */
static int read_header(reader *r, hid_t file, int strict, size_t *n, double *mass1)
{
    const char *H = "/Header";
    hid_t h = open_group(r, file, "Header", H, 1, "the GADGET header group");
    long long np[6], total[6], high[6] = {0}, files;
    double mt[6];
    if (h < 0 || get_ints(r, h, H, "NumPart_ThisFile", 6, np, 1) < 0)
        return -1;
    for (int k = 0; k < 6; k++)
        if (np[k] < 0 || (k != 1 && np[k] != 0))
            return rfail(r, "/Header attribute NumPart_ThisFile", "entry %d is %lld, expected "
                         "particles of type 1 only (entries 0 and 2-5 zero)", k, np[k]);
    if (np[1] < 1 || (unsigned long long)np[1] > SIZE_MAX / 256)
        return rfail(r, "/Header attribute NumPart_ThisFile", "entry 1 is %lld, expected at "
                     "least one particle of type 1 (and not absurdly many)", np[1]);
    int got = get_ints(r, h, H, "NumFilesPerSnapshot", 1, &files, strict);
    if (got < 0)
        return -1;
    if (got && files != 1)
        return rfail(r, "/Header attribute NumFilesPerSnapshot", "is %lld, expected 1 "
                     "(snapshots split over several files are not supported)", files);
    if ((got = get_ints(r, h, H, "NumPart_Total", 6, total, strict)) < 0 ||
        get_ints(r, h, H, "NumPart_Total_HighWord", 6, high, strict) < 0)
        return -1;
    unsigned long long sum = (unsigned long long)total[1] + ((unsigned long long)high[1] << 32);
    if (got && sum != (unsigned long long)np[1])
        return rfail(r, "/Header attribute NumPart_Total", "says %llu particles of type 1 (with "
                     "NumPart_Total_HighWord), expected NumPart_ThisFile[1] = %lld", sum, np[1]);
    if ((got = get_doubles(r, h, H, "MassTable", 6, mt, strict)) < 0)
        return -1;
    *mass1 = got ? mt[1] : 0.0;
    *n = (size_t)np[1];
    if (r->info) {
        nb_snapshot_ic_info *in = r->info;
        in->has_time = peek_double(h, "Time", &in->time);
        in->has_units = peek_double(h, "UnitLength_in_cm", &in->unit_length_in_cm) &
                        peek_double(h, "UnitMass_in_g", &in->unit_mass_in_g) &
                        peek_double(h, "UnitVelocity_in_cm_per_s",
                                    &in->unit_velocity_in_cm_per_s);
    }
    return 0;
}

static int read_meta(reader *r, hid_t file, nb_snapshot_meta *meta)
{
    const char *I = "/Integrator";
    hid_t g = open_group(r, file, "Parameters", "/Parameters", 1,
                         "the run's parameter text (attribute ParameterFile)");
    if (g < 0 || get_string(r, g, "/Parameters", "ParameterFile", &meta->parameters) < 0)
        return -1;
    g = open_group(r, file, "Integrator", I, 1, "nbody's integrator state (a GADGET file "
                   "without it can be used as initial_conditions.type = \"file\")");
    long long step, index, origin;
    if (g < 0 || get_ints(r, g, I, "step", 1, &step, 1) < 0 ||
        get_ints(r, g, I, "output_index", 1, &index, 1) < 0 ||
        get_ints(r, g, I, "step_origin", 1, &origin, 1) < 0)
        return -1;
    /* the same bounds as a run can reach: output.snapshot_every and the step count are at
     * most 1e15, and an index past 1e9 would make snapshot names no tool sorts (or, at
     * INT64_MAX, wrap to a negative NNNN) */
    if (step < 0 || step > NB_SNAPSHOT_MAX_STEP)
        return rfail(r, "/Integrator attribute step", "is %lld, expected 0 to %lld", step,
                     (long long)NB_SNAPSHOT_MAX_STEP);
    if (index < 0 || index > NB_SNAPSHOT_MAX_INDEX)
        return rfail(r, "/Integrator attribute output_index", "is %lld, expected 0 to %lld",
                     index, (long long)NB_SNAPSHOT_MAX_INDEX);
    if (origin < 0 || origin > step)
        return rfail(r, "/Integrator attribute step_origin", "is %lld, expected 0 to step (%lld)",
                     origin, step);
    meta->step = step;
    meta->step_origin = origin;
    meta->output_index = index;
    /* sign 2: any value but NaN. E0 only scales rel_energy_error; a run whose energy
     * overflowed wrote inf there, and its snapshots must still read back. */
    struct { const char *name; double *v; int sign; } d[] = {
        {"time", &meta->time, -1}, {"time_origin", &meta->time_origin, -1},
        {"dt", &meta->dt, 1}, {"E0", &meta->e0, 2},
        {"G", &meta->G, 1}, {"softening", &meta->softening, 0}};
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++) {
        if (get_doubles(r, g, I, d[k].name, 1, d[k].v, 1) < 0)
            return -1;
        double v = *d[k].v;
        if (d[k].sign == 2 && isnan(v))
            return rfail(r, "/Integrator attribute E0", "is nan, expected a number");
        if (d[k].sign == 2)
            continue;
        if (!isfinite(v) || (d[k].sign > 0 && !(v > 0)) || (d[k].sign == 0 && !(v >= 0))) {
            char where[64];
            snprintf(where, sizeof where, "/Integrator attribute %s", d[k].name);
            return rfail(r, where, "is %g, expected a finite number%s", v,
                         d[k].sign > 0 ? " > 0" : d[k].sign == 0 ? " >= 0" : "");
        }
    }
    char *kernel = NULL, *version = NULL;
    int rc = get_string(r, g, I, "kernel", &kernel);
    if (!rc)
        rc = get_string(r, g, I, "version", &version);
    char *id = NULL; /* optional: older snapshots have none (io/rundir.h, run ids) */
    if (!rc && H5Aexists(g, "run_id") > 0 && !(rc = get_string(r, g, I, "run_id", &id)) &&
        (!id[0] || strlen(id) >= sizeof meta->run_id || id[strspn(id, NB_RUN_ID_CHARS)]))
        rc = rfail(r, "/Integrator attribute run_id", "is \"%.40s\", expected 1 to %zu "
                   "characters of [0-9a-z-]", id, sizeof meta->run_id - 1);
    if (!rc && id)
        strcpy(meta->run_id, id);
    free(id);
    if (!rc && (!kernel[0] || strlen(kernel) >= sizeof meta->kernel))
        rc = rfail(r, "/Integrator attribute kernel", "is \"%.40s\", expected a kernel name of "
                   "1 to %zu characters", kernel, sizeof meta->kernel - 1);
    if (!rc && strlen(version) >= sizeof meta->version)
        rc = rfail(r, "/Integrator attribute version", "is \"%.40s\", expected at most %zu "
                   "characters", version, sizeof meta->version - 1);
    if (!rc) {
        strcpy(meta->kernel, kernel);
        strcpy(meta->version, version);
    }
    free(kernel);
    free(version);
    return rc;
}

/* meta == NULL: any GADGET-style file (particles only); else one of our snapshots. */
static int read_file(reader *r, hid_t file, nb_particles *p, nb_snapshot_meta *meta)
{
    int strict = meta != NULL;
    size_t n = 0;
    double mass1 = 0;
    if (read_header(r, file, strict, &n, &mass1) < 0)
        return -1;
    hid_t g = open_group(r, file, "PartType1", "/PartType1", 1, "the particle group of type 1");
    if (g < 0)
        return -1;
    int id_signed = 0;
    hid_t dx = open_dataset(r, g, "Coordinates", 3, H5T_FLOAT, n, 1, NULL);
    hid_t dv = dx < 0 ? -1 : open_dataset(r, g, "Velocities", 3, H5T_FLOAT, n, strict, NULL);
    hid_t dm = dv < 0 ? -1 : open_dataset(r, g, "Masses", 1, H5T_FLOAT, n, strict, NULL);
    hid_t di = dm < 0 ? -1 : open_dataset(r, g, "ParticleIDs", 1, H5T_INTEGER, n, strict,
                                          &id_signed);
    hid_t da = di < 0 ? -1 : !strict ? 0 : open_dataset(r, g, "Acceleration", 3, H5T_FLOAT, n,
                                                         1, NULL);
    if (da < 0)
        return -1;
    if (r->info)
        r->info->has_velocities = dv != 0;
    if (!dm && !(mass1 > 0 && isfinite(mass1)))
        return rfail(r, "/PartType1/Masses", "missing, and /Header MassTable[1] is %g; expected "
                     "per-particle Masses or a positive MassTable[1]", mass1);
    /* Superblock 0 and 1 (h5py's default) carry no metadata checksums, and HDF5 1.10
     * decodes damaged metadata unchecked, crashing in its own code (found by
     * tests/e2e_fuzz.sh). nbody writes version 2; initial conditions may be older. */
    H5F_info2_t fi;
    if (strict && H5Fget_info2(file, &fi) >= 0 && fi.super.version < 2)
        return rfail(r, NULL, "has HDF5 superblock version %u, without metadata checksums, "
                     "expected version 2 or later as nbody writes (an older file can still be "
                     "initial_conditions.type = \"file\")", fi.super.version);
    if (strict && read_meta(r, file, meta) < 0)
        return -1;
    nb_error aerr;
    if (nb_particles_alloc(p, n, &aerr)) {
        rfail(r, NULL, "%s", aerr.msg);
        r->code = aerr.code;
        return -1;
    }
    if (read_vec3(r, dx, "Coordinates", n, p->x, p->y, p->z) < 0 ||
        (dv && read_vec3(r, dv, "Velocities", n, p->vx, p->vy, p->vz) < 0) ||
        (da && read_vec3(r, da, "Acceleration", n, p->ax, p->ay, p->az) < 0) ||
        (dm && read_masses(r, dm, n, p->m) < 0) || (di && read_ids(r, di, n, id_signed, p->id) < 0))
        return -1;
    for (size_t i = 0; !dm && i < n; i++)
        p->m[i] = mass1;
    return 0;
}

/* The type and size of path, without blocking: opening a FIFO for reading would wait
 * forever for a writer. -1 (errno set) when it cannot be opened; an unknown type reads
 * as a regular file, an unknown size as -1. */
static int probe(const char *path, mode_t *mode, long long *size)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    *mode = S_IFREG;
    *size = -1;
    if (fstat(fd, &st) == 0) {
        *mode = st.st_mode;
        *size = (long long)st.st_size;
    }
    close(fd);
    return 0;
}

static int read_snapshot(const char *path, nb_particles *p, nb_snapshot_meta *meta,
                         nb_snapshot_ic_info *info, nb_error *err)
{
    if (info)
        memset(info, 0, sizeof *info);
    memset(p, 0, sizeof *p);
    if (meta)
        memset(meta, 0, sizeof *meta);
    long long size;
    mode_t mode;
    if (probe(path, &mode, &size) != 0)
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
    if (S_ISDIR(mode))
        return nb_fail(err, NB_ERR_INPUT, "%s: is a directory, expected an HDF5 snapshot file",
                       path);
    /* HDF5 would block on a FIFO and read a device without end */
    if (!S_ISREG(mode))
        return nb_fail(err, NB_ERR_INPUT, "%s: not a regular file (%s), expected an HDF5 "
                       "snapshot file", path, S_ISFIFO(mode) ? "a FIFO" : S_ISSOCK(mode) ?
                       "a socket" : "a device");
    nb_snapshot_quiet q;
    nb_snapshot_quiet_begin(&q);
    reader r = {.path = path, .err = err, .file_size = size, .info = info};
    hid_t file = -1, fapl = -1;
    if (H5Fis_hdf5(path) <= 0)
        rfail(&r, NULL, "not an HDF5 file (no HDF5 signature), expected an HDF5 snapshot");
    else if ((fapl = nb_snapshot_fapl(0)) < 0 ||
             (file = H5Fopen(path, H5F_ACC_RDONLY, fapl)) < 0)
        h5fail(&r, NULL, "cannot be opened as HDF5", ": the file is truncated or damaged");
    if (file >= 0)
        read_file(&r, file, p, meta);
    while (r.n_open > 0)
        H5Oclose(r.open[--r.n_open]);
    if (file >= 0)
        H5Fclose(file);
    if (fapl >= 0)
        H5Pclose(fapl);
    nb_snapshot_quiet_end(&q);
    if (!r.failed)
        return NB_OK;
    nb_particles_free(p);
    if (meta)
        nb_snapshot_meta_free(meta);
    if (err)
        err->code = r.code;
    return r.code;
}

int nb_snapshot_read(const char *path, nb_particles *p, nb_snapshot_meta *meta, nb_error *err)
{
    return read_snapshot(path, p, meta, NULL, err);
}

int nb_snapshot_read_particles(const char *path, nb_particles *p, nb_error *err)
{
    return read_snapshot(path, p, NULL, NULL, err);
}

int nb_snapshot_read_ic(const char *path, nb_particles *p, nb_snapshot_ic_info *info,
                        nb_error *err)
{
    return read_snapshot(path, p, NULL, info, err);
}

int nb_snapshot_is_nbody(const char *path)
{
    mode_t mode;
    long long size;
    /* HDF5 would block on a FIFO and read a device without end */
    if (probe(path, &mode, &size) != 0 || !S_ISREG(mode))
        return 0;
    nb_snapshot_quiet q;
    nb_snapshot_quiet_begin(&q);
    int ours = 0;
    hid_t fapl = -1, file = -1;
    if (H5Fis_hdf5(path) > 0 && (fapl = nb_snapshot_fapl(0)) >= 0 &&
        (file = H5Fopen(path, H5F_ACC_RDONLY, fapl)) >= 0)
    {
        /* a hard link only: a soft or external one could lead to any file of the machine */
        H5L_info_t li;
        ours = H5Lexists(file, "Integrator", H5P_DEFAULT) > 0 &&
               H5Lget_info(file, "Integrator", &li, H5P_DEFAULT) >= 0 &&
               li.type == H5L_TYPE_HARD &&
               H5Aexists_by_name(file, "Integrator", "version", H5P_DEFAULT) > 0;
    }
    if (file >= 0)
        H5Fclose(file);
    if (fapl >= 0)
        H5Pclose(fapl);
    nb_snapshot_quiet_end(&q);
    return ours;
}
