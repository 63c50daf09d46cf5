/* Reads snapshots (ours, or any single-file GADGET-style HDF5 file for initial conditions),
 * every particle type's group in ascending type order, as the tables of snapshot_fields.c say, validating every group, attribute, shape, type,
 * checksum and value it uses (the checked HDF5 access is in snapshot_read_h5.c). */
#include "io/snapshot.h"
#include "io/snapshot_h5.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The first value of a slab that f does not accept, as "row R[ column C] is V, expected
 * ...": -1 after the message, 0 if all are accepted. vals holds cnt rows of f->cols, the
 * first being row s: doubles, or integers as int64 (as uint64, all accepted, when wide). */
static int check_values(nb_snapshot_reader *r, const char *obj, const nb_snapshot_field *f,
                        size_t s, size_t cnt, const void *vals, int wide)
{
    size_t cols = (size_t)f->cols;
    int real = f->type == NB_SNAP_F64, positive = f->values == NB_SNAP_POSITIVE;
    if (wide)
        return 0;
    long long lo = f->type == NB_SNAP_U64 || f->values == NB_SNAP_NONNEG ? 0
                   : f->type == NB_SNAP_I32                              ? INT32_MIN
                                                                         : INT64_MIN;
    long long hi = f->type == NB_SNAP_I32 ? INT32_MAX : INT64_MAX;
    for (size_t j = 0; j < cnt * cols; j++) {
        long long iv = real ? 0 : ((const int64_t *)vals)[j];
        double v = real ? ((const double *)vals)[j] : 0;
        if (real ? positive ? v > 0 && isfinite(v) : isfinite(v) : iv >= lo && iv <= hi)
            continue;
        char at[64];
        if (cols > 1)
            snprintf(at, sizeof at, "row %zu column %zu", s + j / cols, j % cols);
        else
            snprintf(at, sizeof at, "row %zu", s + j);
        if (!real && hi == INT64_MAX)
            return nb_snapshot_rfail(r, obj, "%s is %lld, expected integers >= 0", at, iv);
        if (!real)
            return nb_snapshot_rfail(r, obj, "%s is %lld, expected integers from %lld to %lld",
                                     at, iv, lo, hi);
        return nb_snapshot_rfail(r, obj, "%s is %g, expected %s", at, v,
                                 positive ? "a positive finite number" : "finite numbers");
    }
    return 0;
}

/* Reads field f's dataset d (n rows, of type t) into p's columns from row off on, a slab
 * of whole chunks at a time, checking every value. Integers are read as int64, so that a
 * negative or too large one is caught rather than clipped; only a U64 field stored
 * unsigned is read as uint64. */
static int read_field(nb_snapshot_reader *r, hid_t d, int t, const nb_snapshot_field *f,
                      size_t off, size_t n, int is_signed, nb_particles *p)
{
    char obj[128];
    snprintf(obj, sizeof obj, "/PartType%d/%s", t, f->name);
    size_t rows = NB_SNAPSHOT_CHUNK_ROWS, cols = (size_t)f->cols;
    size_t es = nb_snapshot_type_size(f->type);
    hid_t dcpl = H5Dget_create_plist(d);
    hsize_t cdims[2];
    if (dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, 2, cdims) >= 1 &&
        cdims[0] > 0)
        rows = (NB_SNAPSHOT_CHUNK_ROWS + cdims[0] - 1) / cdims[0] * cdims[0];
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (rows > n)
        rows = n;
    int wide = f->type == NB_SNAP_U64 && !is_signed;
    hid_t mtype = f->type == NB_SNAP_F64 ? H5T_NATIVE_DOUBLE
                  : wide                 ? H5T_NATIVE_UINT64
                                         : H5T_NATIVE_INT64;
    unsigned char *buf = malloc(rows * cols * 8), *col[3];
    for (size_t k = 0; k < cols; k++)
        col[k] = (unsigned char *)nb_snapshot_field_column(p, f, (int)k) + off * es;
    hid_t fspace = H5Dget_space(d);
    int rc = 0;
    if (!buf) {
        rc = nb_snapshot_rfail(r, NULL, "out of memory reading %zu rows of %s", rows, obj);
        r->code = NB_ERR_RUNTIME;
    } else if (fspace < 0)
        rc = nb_snapshot_h5fail(r, obj, "cannot be read", ": the data are corrupt");
    for (size_t s = 0; s < n && !rc; s += rows) {
        size_t cnt = n - s < rows ? n - s : rows;
        hsize_t start[2] = {s, 0}, count[2] = {cnt, cols};
        hid_t mspace = H5Screate_simple(cols > 1 ? 2 : 1, count, NULL);
        if (mspace < 0 ||
            H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
            H5Dread(d, mtype, mspace, fspace, H5P_DEFAULT, buf) < 0)
            rc = nb_snapshot_h5fail(r, obj, "cannot be read", ": the data are corrupt");
        if (mspace >= 0)
            H5Sclose(mspace);
        if (!rc)
            rc = check_values(r, obj, f, s, cnt, buf, wide);
        for (size_t i = 0; i < cnt && !rc; i++)
            for (size_t k = 0; k < cols; k++) {
                const unsigned char *v = buf + (i * cols + k) * 8;
                unsigned char *to = col[k] + (s + i) * es;
                if (es == 8) {
                    memcpy(to, v, 8);
                } else { /* an I32: checked to fit */
                    int64_t w;
                    memcpy(&w, v, 8);
                    int32_t x = (int32_t)w;
                    memcpy(to, &x, 4);
                }
            }
    }
    free(buf);
    if (fspace >= 0)
        H5Sclose(fspace);
    return rc;
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

/* The counts of each type (np) from the Header, cross-checked with its totals, and its
 * MassTable (mt, zeros if absent). gas: PartType0 is read (a restart, or
 * initial_conditions.gas = "collisionless"), else refused. */
static int read_header(nb_snapshot_reader *r, hid_t file, int strict, int gas,
                       long long np[NB_NTYPES], double mt[NB_NTYPES])
{
    const char *H = "/Header", *NT = "/Header attribute NumPart_ThisFile";
    hid_t h = nb_snapshot_open_group(r, file, "Header", H, 1, "the GADGET header group");
    long long total[NB_NTYPES], high[NB_NTYPES] = {0}, files;
    if (h < 0 || nb_snapshot_get_ints(r, h, H, "NumPart_ThisFile", NB_NTYPES, np, 1) < 0)
        return -1;
    unsigned long long sum = 0;
    for (int t = 0; t < NB_NTYPES; t++) {
        if (np[t] < 0 || (unsigned long long)np[t] > SIZE_MAX / 256)
            return nb_snapshot_rfail(r, NT, "entry %d is %lld, expected a particle count >= 0 "
                                     "(and not absurdly many)", t, np[t]);
        sum += (unsigned long long)np[t];
    }
    if (sum < 1 || sum > SIZE_MAX / 256)
        return nb_snapshot_rfail(r, NT, "counts %llu particles in all, expected at least one "
                                 "(and not absurdly many)", sum);
    if (np[0] > 0 && !gas)
        return nb_snapshot_rfail(r, "/PartType0",
                                 "%lld gas particles (/Header NumPart_ThisFile[0]): nbody has "
                                 "no hydrodynamics; set initial_conditions.gas = "
                                 "\"collisionless\" to run them as collisionless particles of "
                                 "type 0, or leave them out of the file", np[0]);
    int got = nb_snapshot_get_ints(r, h, H, "NumFilesPerSnapshot", 1, &files, strict);
    if (got < 0)
        return -1;
    if (got && files != 1)
        return nb_snapshot_rfail(r, "/Header attribute NumFilesPerSnapshot",
                                 "is %lld, expected 1 "
                                 "(snapshots split over several files are not supported)",
                                 files);
    if ((got = nb_snapshot_get_ints(r, h, H, "NumPart_Total", NB_NTYPES, total, strict)) < 0 ||
        nb_snapshot_get_ints(r, h, H, "NumPart_Total_HighWord", NB_NTYPES, high, strict) < 0)
        return -1;
    for (int t = 0; got && t < NB_NTYPES; t++) {
        unsigned long long all =
            (unsigned long long)total[t] + ((unsigned long long)high[t] << 32);
        if (all != (unsigned long long)np[t])
            return nb_snapshot_rfail(r, "/Header attribute NumPart_Total",
                                     "says %llu particles of type %d (with "
                                     "NumPart_Total_HighWord), expected NumPart_ThisFile[%d] "
                                     "= %lld", all, t, t, np[t]);
    }
    if ((got = nb_snapshot_get_doubles(r, h, H, "MassTable", NB_NTYPES, mt, strict)) < 0)
        return -1;
    for (int t = 0; !got && t < NB_NTYPES; t++)
        mt[t] = 0;
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

/* /Integrator attribute a into meta, checked against a's range: 1 read, 0 absent and
 * optional, -1 on failure. */
static int read_attr(nb_snapshot_reader *r, hid_t g, const nb_snapshot_attr *a,
                     nb_snapshot_meta *meta)
{
    const char *I = "/Integrator";
    char where[160];
    snprintf(where, sizeof where, "%s attribute %s", I, a->name);
    void *v = nb_snapshot_attr_value(meta, a);
    int required = a->restart == NB_SNAP_REQUIRED, got;
    if (a->restart == NB_SNAP_IGNORED)
        return 0;
    if (a->type == NB_SNAP_I64) {
        long long x;
        if ((got = nb_snapshot_get_ints(r, g, I, a->name, 1, &x, required)) <= 0)
            return got;
        if (x > a->max || (a->range == NB_SNAP_NONNEG && x < 0))
            return a->range == NB_SNAP_NONNEG
                       ? nb_snapshot_rfail(r, where, "is %lld, expected 0 to %lld", x, a->max)
                       : nb_snapshot_rfail(r, where, "is %lld, expected at most %lld", x, a->max);
        *(long *)v = (long)x;
    } else if (a->type == NB_SNAP_F64) {
        double x;
        if ((got = nb_snapshot_get_doubles(r, g, I, a->name, 1, &x, required)) <= 0)
            return got;
        if (a->range == NB_SNAP_ANY && isnan(x))
            return nb_snapshot_rfail(r, where, "is nan, expected a number");
        if (a->range != NB_SNAP_ANY &&
            (!isfinite(x) || (a->range == NB_SNAP_POSITIVE && !(x > 0)) ||
             (a->range == NB_SNAP_NONNEG && !(x >= 0))))
            return nb_snapshot_rfail(r, where, "is %g, expected a finite number%s", x,
                                     a->range == NB_SNAP_POSITIVE ? " > 0"
                                     : a->range == NB_SNAP_NONNEG ? " >= 0"
                                                                  : "");
        *(double *)v = x;
    } else {
        char *x = NULL;
        if ((got = nb_snapshot_get_string(r, g, I, a->name, &x, required)) <= 0)
            return got;
        size_t len = strlen(x);
        int token = a->range == NB_SNAP_TOKEN;
        if (len >= a->size || ((a->range == NB_SNAP_NONEMPTY || token) && len == 0) ||
            (token && x[strspn(x, NB_RUN_ID_CHARS)]))
            got = nb_snapshot_rfail(r, where, "is \"%.40s\", expected %s%zu characters%s", x,
                                    a->range != NB_SNAP_ANY ? "1 to " : "at most ",
                                    a->size - 1, token ? " of [0-9a-z-]" : "");
        else
            memcpy(v, x, len + 1);
        free(x);
    }
    return got;
}

static int read_meta(nb_snapshot_reader *r, hid_t file, nb_snapshot_meta *meta)
{
    hid_t g = nb_snapshot_open_group(r, file, "Parameters", "/Parameters", 1,
                                     "the run's parameter text (attribute ParameterFile)");
    if (g < 0 ||
        nb_snapshot_get_string(r, g, "/Parameters", "ParameterFile", &meta->parameters, 1) < 0)
        return -1;
    g = nb_snapshot_open_group(r, file, "Integrator", "/Integrator", 1,
                               "nbody's integrator state (a GADGET file without it can be "
                               "used as initial_conditions.type = \"file\")");
    if (g < 0)
        return -1;
    for (size_t k = 0; k < nb_snapshot_n_attrs; k++)
        if (read_attr(r, g, &nb_snapshot_attrs[k], meta) < 0)
            return -1;
    if (meta->step_origin > meta->step)
        return nb_snapshot_rfail(r, "/Integrator attribute step_origin",
                                 "is %ld, expected 0 to step (%ld)", meta->step_origin, meta->step);
    return 0;
}

/* The datasets of one type's group that a reader opens: ids (0 when absent), and which
 * integers are stored signed. */
typedef struct type_sets {
    hid_t d[NB_SNAPSHOT_MAX_FIELDS];
    int is_signed[NB_SNAPSHOT_MAX_FIELDS];
    int masses, velocities; /* the indices of Masses and Velocities among the fields */
} type_sets;

/* Opens every dataset of nb_snapshot_fields that this reader reads (strict: a restart
 * snapshot) in type t's group, n rows each, checking its shape, into ts; a type without
 * particles may have a group, but no particles in it. */
static int open_type(nb_snapshot_reader *r, hid_t file, int strict, int t, size_t n,
                     double mass_table, type_sets *ts)
{
    char group[16], obj[32], expected[160];
    nb_snapshot_group(t, group, sizeof group);
    snprintf(obj, sizeof obj, "/%s", group);
    snprintf(expected, sizeof expected, "the group of the %zu particles of type %d that "
             "/Header NumPart_ThisFile counts", n, t);
    memset(ts, 0, sizeof *ts);
    for (size_t k = 0; k < nb_snapshot_n_fields; k++) {
        if (!strcmp(nb_snapshot_fields[k].name, "Masses"))
            ts->masses = (int)k;
        if (!strcmp(nb_snapshot_fields[k].name, "Velocities"))
            ts->velocities = (int)k;
    }
    hid_t g = nb_snapshot_open_group(r, file, group, obj, n > 0, expected);
    if (g <= 0)
        return (int)g;
    for (size_t k = 0; k < nb_snapshot_n_fields; k++) {
        const nb_snapshot_field *f = &nb_snapshot_fields[k];
        nb_snapshot_need need = strict ? f->restart : f->ic;
        /* no particles of the type: its Coordinates, if any, must have no rows */
        if (n == 0 && k > 0)
            break;
        if (n == 0)
            need = NB_SNAP_OPTIONAL;
        if (need != NB_SNAP_IGNORED &&
            (ts->d[k] = nb_snapshot_open_dataset(r, g, t, f, n, need == NB_SNAP_REQUIRED,
                                                 &ts->is_signed[k])) < 0)
            return -1;
        if (n == 0 && ts->d[k])
            ts->d[k] = 0; /* nothing to read */
    }
    /* GADGET's rule: without Masses, every particle of the type has MassTable[t] */
    if (n > 0 && !ts->d[ts->masses] && !(mass_table > 0 && isfinite(mass_table)))
        return nb_snapshot_rfail(r, NULL,
                                 "/PartType%d/Masses: missing, and /Header MassTable[%d] is %g; "
                                 "expected per-particle Masses or a positive MassTable[%d]",
                                 t, t, mass_table, t);
    if (r->info && n > 0 && !ts->d[ts->velocities]) {
        size_t len = strlen(r->info->no_velocities);
        snprintf(r->info->no_velocities + len, sizeof r->info->no_velocities - len,
                 "%s%s/Velocities", len ? ", " : "", obj);
        r->info->has_velocities = 0;
    }
    return 0;
}

/* Type t's rows [off, off + n): its datasets, its masses from MassTable[t] when it has no
 * Masses (and, when it has, the same masses as a nonzero MassTable[t]), and its type. */
static int read_type(nb_snapshot_reader *r, int t, size_t off, size_t n, double mass_table,
                     const type_sets *ts, nb_particles *p)
{
    for (size_t k = 0; k < nb_snapshot_n_fields; k++)
        if (ts->d[k] &&
            read_field(r, ts->d[k], t, &nb_snapshot_fields[k], off, n, ts->is_signed[k], p) < 0)
            return -1;
    for (size_t i = off; i < off + n; i++) {
        p->type[i] = (uint8_t)t;
        if (!ts->d[ts->masses])
            p->m[i] = mass_table;
        else if (mass_table != 0 && p->m[i] != mass_table)
            return nb_snapshot_rfail(r, NULL,
                                     "/PartType%d/Masses: row %zu is %.17g, but /Header "
                                     "MassTable[%d] is %.17g; expected the same mass (a "
                                     "nonzero MassTable entry is every particle's mass)",
                                     t, i - off, p->m[i], t, mass_table);
    }
    return 0;
}

/* meta == NULL: any GADGET-style file (particles only); else one of our snapshots. */
static int read_file(nb_snapshot_reader *r, hid_t file, int gas, nb_particles *p,
                     nb_snapshot_meta *meta)
{
    int strict = meta != NULL;
    long long np[NB_NTYPES];
    double mt[NB_NTYPES];
    if (read_header(r, file, strict, gas, np, mt) < 0)
        return -1;
    if (r->info)
        r->info->has_velocities = 1;
    type_sets ts[NB_NTYPES];
    size_t n = 0;
    for (int t = 0; t < NB_NTYPES; t++) {
        if (open_type(r, file, strict, t, (size_t)np[t], mt[t], &ts[t]) < 0)
            return -1;
        n += (size_t)np[t];
    }
    /* Superblock 0 and 1 (h5py's default) carry no metadata checksums, and HDF5 1.10
     * decodes damaged metadata unchecked, crashing in its own code (found by
     * tests/e2e_fuzz.sh). nbody writes version 2; initial conditions may be older. */
    H5F_info2_t fi;
    if (strict && H5Fget_info2(file, &fi) >= 0 && fi.super.version < 2)
        return nb_snapshot_rfail(
            r, NULL,
            "has HDF5 superblock version %u, without metadata checksums, "
            "expected version 2 or later as nbody writes (an older file can still be "
            "initial_conditions.type = \"file\")",
            fi.super.version);
    if (strict && read_meta(r, file, meta) < 0)
        return -1;
    nb_error aerr;
    if (nb_particles_alloc(p, n, &aerr)) {
        nb_snapshot_rfail(r, NULL, "%s", aerr.msg);
        r->code = aerr.code;
        return -1;
    }
    /* in ascending type order: the order the writer wrote them in */
    size_t off = 0;
    for (int t = 0; t < NB_NTYPES; off += (size_t)np[t], t++)
        if (np[t] > 0 && read_type(r, t, off, (size_t)np[t], mt[t], &ts[t], p) < 0)
            return -1;
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

static int read_snapshot(const char *path, int gas, nb_particles *p, nb_snapshot_meta *meta,
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
    nb_snapshot_reader r = {.path = path, .err = err, .file_size = size, .info = info};
    hid_t file = -1, fapl = -1;
    if (H5Fis_hdf5(path) <= 0)
        nb_snapshot_rfail(&r, NULL,
                          "not an HDF5 file (no HDF5 signature), expected an HDF5 snapshot");
    else if ((fapl = nb_snapshot_fapl(0)) < 0 || (file = H5Fopen(path, H5F_ACC_RDONLY, fapl)) < 0)
        nb_snapshot_h5fail(&r, NULL, "cannot be opened as HDF5",
                           ": the file is truncated or damaged");
    if (file >= 0)
        read_file(&r, file, gas, p, meta);
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
    /* a snapshot holds gas only when its run was allowed it */
    return read_snapshot(path, 1, p, meta, NULL, err);
}

int nb_snapshot_read_particles(const char *path, nb_particles *p, nb_error *err)
{
    return read_snapshot(path, 0, p, NULL, NULL, err);
}

int nb_snapshot_read_ic(const char *path, int gas, nb_particles *p, nb_snapshot_ic_info *info,
                        nb_error *err)
{
    return read_snapshot(path, gas, p, NULL, info, err);
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
