/* Writes a set of damaged and hostile HDF5 snapshot files, each differing from a good one
 * in one respect, for tests/e2e_bad_snapshots.sh; also good.h5 (reads back) and
 * runaway.h5 (valid, but its state overflows after a few steps, for tests/e2e_faults.sh).
 * Uses HDF5 directly, as a user's script would, not the program's writer.
 *
 * Also, for tests/e2e/e2e_types.sh, two valid initial-conditions files of several particle
 * types (types_ic.h5, gas_ic.h5), and a way to look at a file's Header and groups.
 *
 * usage: make_bad_snapshots DIR
 * prints one line per bad file: NAME TAB MODES TAB FRAGMENT, where MODES is "all" (every
 * reader must refuse it) or "snap" (a valid initial-conditions file, but not a restart
 * snapshot), and FRAGMENT is text the one-line error must contain.
 * usage: make_bad_snapshots --header FILE
 * prints "NumPart_ThisFile A B C D E F", the same for NumPart_Total (with
 * NumPart_Total_HighWord added) and MassTable (%.17g), and "groups G1 G2 ..." (the file's
 * PartType groups). */
#define _POSIX_C_SOURCE 200809L /* pread, pwrite */

#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N 8

static const char PARAMS[] =
    "run: { name = \"bad\"; output_dir = \"unused\"; };\n"
    "initial_conditions: { type = \"plummer\"; n = 8; };\n"
    "gravity: { kernel = \"direct\"; softening = 0.01; };\n"
    "integrator: { dt = 0.01; t_end = 0.05; };\n"
    "output: { snapshot_every = 0; diagnostics_every = 1; compression = 0; };\n";

/* One snapshot's layout; the defaults (see good()) give a file nbody reads back whole. */
typedef struct layout {
    long long np_this, np_total, np_high, np_other; /* Header counts; np_other: type 0 */
    int header_float, header_len, numfiles;
    size_t rows, mass_rows;          /* rows actually in the datasets */
    int coord_cols, coord_rank, coord_type; /* 0 double, 1 int32, 2 string, 3 compound */
    int no_header, header_dataset, no_pt1, no_coords, coords_group, no_vel, no_mass, no_ids,
        no_acc, no_params, no_integrator, ids_float, ids_signed;
    int unwritten_chunks;            /* Coordinates chunked, declared, never written */
    int checksummed;                 /* Coordinates chunked with a Fletcher32 checksum */
    const char *external;            /* Coordinates' data "stored" in this other file */
    int runaway;                     /* all at x = 1e308 moving at +2e307 along x */
    int vl_strings;                  /* /Parameters, /Integrator strings variable-length */
    int old_format;                  /* HDF5 superblock 0 (h5py's default), no checksums */
    double dt, mass_table1, mass, acc;
    double coord_nan, vel_inf;       /* nonzero: put this value in row 3 */
    long long id3;
    const char *kernel, *params;
    long long step, output_index;
    double e0;
    const char *parttype1_link;      /* /PartType1 an external link into this file */
    double time, time_origin;        /* /Integrator's */
    unsigned long long chunk_rows;   /* Coordinates gzip-chunked this many rows a chunk */
    /* a second particle type, 2: its Header count, its group's rows (0: no group), and
     * its MassTable entry; its datasets are type 1's first rows2 rows */
    long long np2;
    size_t rows2;
    double mass_table2;
    int t2_no_coords, t2_no_mass;
} layout;

static layout good(void)
{
    layout l;
    memset(&l, 0, sizeof l);
    l.np_this = l.np_total = N;
    l.header_len = 6;
    l.numfiles = 1;
    l.rows = l.mass_rows = N;
    l.coord_cols = 3;
    l.coord_rank = 2;
    l.dt = 0.01;
    l.mass = 1.0 / N;
    l.kernel = "direct";
    l.params = PARAMS;
    l.id3 = 3;
    l.e0 = -0.25;
    return l;
}

static void die(const char *what, const char *name)
{
    fprintf(stderr, "make_bad_snapshots: %s: %s failed\n", name, what);
    exit(1);
}

static void attr(hid_t loc, const char *name, hid_t ftype, hid_t mtype, hsize_t n, const void *v)
{
    hid_t s = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, mtype, v) < 0)
        die("attribute", name);
    H5Aclose(a);
    H5Sclose(s);
}

/* Fixed-length UTF-8 as nbody writes it, or variable-length (in the global heap) */
static void attr_str(hid_t loc, const char *name, const char *v, int variable)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, variable ? H5T_VARIABLE : strlen(v) + 1);
    H5Tset_cset(t, H5T_CSET_UTF8);
    attr(loc, name, t, t, 0, variable ? (const void *)&v : (const void *)v);
    H5Tclose(t);
}

static void attr_d(hid_t loc, const char *name, double v)
{
    attr(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, &v);
}

static void attr_l(hid_t loc, const char *name, long long v)
{
    attr(loc, name, H5T_STD_I64LE, H5T_NATIVE_LLONG, 0, &v);
}

static void dataset(hid_t g, const char *name, hid_t ftype, hid_t mtype, int rank, size_t rows,
                    size_t cols, const void *data)
{
    hsize_t dims[2] = {rows, cols};
    hid_t s = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(g, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d < 0 || (data && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0))
        die("dataset", name);
    H5Dclose(d);
    H5Sclose(s);
}

static void write_header(hid_t f, const layout *l)
{
    if (l->header_dataset) {
        double v = 1;
        dataset(f, "Header", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, 1, 1, &v);
        return;
    }
    hid_t g = H5Gcreate2(f, "Header", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    long long this_file[6] = {l->np_other, l->np_this, l->np2, 0, 0, 0};
    long long total[6] = {l->np_other, l->np_total, l->np2, 0, 0, 0};
    long long high[6] = {0, l->np_high, 0, 0, 0, 0};
    double mt[6] = {0, l->mass_table1, l->mass_table2, 0, 0, 0}, this_d[6];
    for (int k = 0; k < 6; k++)
        this_d[k] = (double)this_file[k];
    if (l->header_float)
        attr(g, "NumPart_ThisFile", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 6, this_d);
    else
        attr(g, "NumPart_ThisFile", H5T_STD_I64LE, H5T_NATIVE_LLONG, (hsize_t)l->header_len,
             this_file);
    attr(g, "NumPart_Total", H5T_STD_U64LE, H5T_NATIVE_LLONG, 6, total);
    attr(g, "NumPart_Total_HighWord", H5T_STD_U32LE, H5T_NATIVE_LLONG, 6, high);
    attr(g, "MassTable", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 6, mt);
    attr_d(g, "Time", 0.0);
    attr_d(g, "Redshift", 0.0);
    attr_d(g, "BoxSize", 0.0);
    attr_l(g, "NumFilesPerSnapshot", l->numfiles);
    H5Gclose(g);
}

static void write_coordinates(hid_t g, const layout *l, const double *x)
{
    if (l->coords_group) {
        H5Gclose(H5Gcreate2(g, "Coordinates", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    } else if (l->unwritten_chunks) {
        /* declared big and consistent with the Header, but with no data behind it */
        hsize_t dims[2] = {l->rows, 3}, chunk[2] = {1024, 3};
        hid_t s = H5Screate_simple(2, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(dcpl, 2, chunk);
        hid_t d = H5Dcreate2(g, "Coordinates", H5T_IEEE_F64LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (d < 0)
            die("dataset", "Coordinates");
        H5Dclose(d);
        H5Pclose(dcpl);
        H5Sclose(s);
    } else if (l->coord_type == 1) {
        int xi[3 * N];
        for (int k = 0; k < 3 * N; k++)
            xi[k] = k;
        dataset(g, "Coordinates", H5T_STD_I32LE, H5T_NATIVE_INT, 2, N, 3, xi);
    } else if (l->coord_type == 2) {
        const char *sv[3 * N];
        for (int k = 0; k < 3 * N; k++)
            sv[k] = "1.0";
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, H5T_VARIABLE);
        dataset(g, "Coordinates", t, t, 2, N, 3, sv);
        H5Tclose(t);
    } else if (l->coord_type == 3) {
        hid_t t = H5Tcreate(H5T_COMPOUND, 3 * sizeof(double));
        H5Tinsert(t, "x", 0, H5T_NATIVE_DOUBLE);
        H5Tinsert(t, "y", sizeof(double), H5T_NATIVE_DOUBLE);
        H5Tinsert(t, "z", 2 * sizeof(double), H5T_NATIVE_DOUBLE);
        dataset(g, "Coordinates", t, t, 1, N, 1, x);
        H5Tclose(t);
    } else if (l->external) {
        hsize_t dims[2] = {l->rows, 3};
        hid_t s = H5Screate_simple(2, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_external(dcpl, l->external, 0, H5F_UNLIMITED);
        hid_t d = H5Dcreate2(g, "Coordinates", H5T_IEEE_F64LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (d < 0)
            die("dataset", "Coordinates");
        H5Dclose(d);
        H5Pclose(dcpl);
        H5Sclose(s);
    } else if (l->chunk_rows) {
        /* resizable, so that a chunk may be larger than the rows: a few kilobytes of gzip
         * that declare a chunk of chunk_rows rows */
        hsize_t dims[2] = {N, 3}, max[2] = {H5S_UNLIMITED, 3}, chunk[2] = {l->chunk_rows, 3};
        hid_t s = H5Screate_simple(2, dims, max), dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(dcpl, 2, chunk);
        H5Pset_deflate(dcpl, 9);
        hid_t d = H5Dcreate2(g, "Coordinates", H5T_IEEE_F64LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) < 0)
            die("dataset", "Coordinates");
        H5Dclose(d);
        H5Pclose(dcpl);
        H5Sclose(s);
    } else if (l->checksummed) {
        hsize_t dims[2] = {N, 3};
        hid_t s = H5Screate_simple(2, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(dcpl, 2, dims);
        H5Pset_fletcher32(dcpl);
        hid_t d = H5Dcreate2(g, "Coordinates", H5T_IEEE_F64LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) < 0)
            die("dataset", "Coordinates");
        H5Dclose(d);
        H5Pclose(dcpl);
        H5Sclose(s);
    } else {
        size_t cols = (size_t)l->coord_cols;
        dataset(g, "Coordinates", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, l->coord_rank,
                l->coord_rank == 1 ? l->rows * cols : l->rows, cols, x);
    }
}

static void write_file(const char *dir, const char *name, const layout *l)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    /* the format nbody writes (superblock 2, checksummed metadata) unless asked */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (!l->old_format)
        H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0)
        die("create", path);
    if (!l->no_header)
        write_header(f, l);
    size_t rows = l->rows > N && !l->unwritten_chunks && !l->external ? l->rows : N;
    double *x = calloc(rows * 3, sizeof *x), *v = calloc(rows * 3, sizeof *v),
           *a = calloc(rows * 3, sizeof *a), *m = calloc(rows, sizeof *m);
    long long *id = calloc(rows, sizeof *id);
    if (!x || !v || !a || !m || !id)
        die("calloc", name);
    for (size_t i = 0; i < rows; i++) {
        /* a small cube of points, slowly moving: finite, distinct, deterministic */
        x[3 * i] = (double)(i % 2);
        x[3 * i + 1] = (double)(i / 2 % 2);
        x[3 * i + 2] = (double)(i / 4 % 2);
        v[3 * i] = 0.01 * (double)i;
        a[3 * i + 1] = l->acc;
        m[i] = l->mass;
        id[i] = (long long)i;
    }
    for (size_t i = 0; l->runaway && i < rows; i++) {
        /* one plane moving as a whole: separations stay exact and small, so the force
         * sums stay finite, until x itself overflows */
        x[3 * i] = 1e308;
        x[3 * i + 1] = (double)(i % 2);
        x[3 * i + 2] = (double)(i / 2);
        v[3 * i] = 2e307;
    }
    if (l->coord_nan)
        x[3 * 3 + 1] = l->coord_nan;
    if (l->vel_inf)
        v[3 * 3 + 2] = l->vel_inf;
    id[3] = l->id3;
    if (l->parttype1_link) {
        if (H5Lcreate_external(l->parttype1_link, "/PartType1", f, "PartType1", H5P_DEFAULT,
                               H5P_DEFAULT) < 0)
            die("external link", name);
    } else if (!l->no_pt1) {
        hid_t g = H5Gcreate2(f, "PartType1", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (!l->no_coords)
            write_coordinates(g, l, x);
        if (!l->no_vel)
            dataset(g, "Velocities", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, l->rows, 3, v);
        if (!l->no_mass)
            dataset(g, "Masses", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, l->mass_rows, 1, m);
        if (!l->no_ids) {
            if (l->ids_float)
                dataset(g, "ParticleIDs", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, l->rows, 1, m);
            else
                dataset(g, "ParticleIDs", l->ids_signed ? H5T_STD_I64LE : H5T_STD_U64LE,
                        H5T_NATIVE_LLONG, 1, l->rows, 1, id);
        }
        if (!l->no_acc)
            dataset(g, "Acceleration", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, l->rows, 3, a);
        H5Gclose(g);
    }
    if (l->rows2) {
        hid_t g = H5Gcreate2(f, "PartType2", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (!l->t2_no_coords)
            dataset(g, "Coordinates", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, l->rows2, 3, x);
        dataset(g, "Velocities", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, l->rows2, 3, v);
        if (!l->t2_no_mass)
            dataset(g, "Masses", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, l->rows2, 1, m);
        dataset(g, "ParticleIDs", H5T_STD_U64LE, H5T_NATIVE_LLONG, 1, l->rows2, 1, id);
        dataset(g, "Acceleration", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, l->rows2, 3, a);
        H5Gclose(g);
    }
    if (!l->no_params) {
        hid_t g = H5Gcreate2(f, "Parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        attr_str(g, "ParameterFile", l->params, l->vl_strings);
        H5Gclose(g);
    }
    if (!l->no_integrator) {
        hid_t g = H5Gcreate2(f, "Integrator", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        attr_l(g, "step", l->step);
        attr_d(g, "time", l->time);
        attr_d(g, "dt", l->dt);
        attr_l(g, "output_index", l->output_index);
        attr_l(g, "step_origin", 0);
        attr_d(g, "time_origin", l->time_origin);
        attr_d(g, "E0", l->e0);
        attr_d(g, "G", 1.0);
        attr_d(g, "softening", 0.01);
        attr_str(g, "kernel", l->kernel, l->vl_strings);
        attr_str(g, "version", "0.1.0", l->vl_strings);
        H5Gclose(g);
    }
    if (H5Fclose(f) < 0)
        die("close", path);
    free(x);
    free(v);
    free(a);
    free(m);
    free(id);
}

static void copy_prefix(const char *dir, const char *from, const char *to, long keep)
{
    char src[4096], dst[4096];
    snprintf(src, sizeof src, "%s/%s", dir, from);
    snprintf(dst, sizeof dst, "%s/%s", dir, to);
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    if (!in || !out)
        die("copy", to);
    int ch;
    for (long k = 0; (keep < 0 || k < keep) && (ch = getc(in)) != EOF; k++)
        putc(ch, out);
    fclose(in);
    if (fclose(out) != 0)
        die("copy", to);
}

static long file_size(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (stat(path, &st) != 0)
        die("stat", name);
    return (long)st.st_size;
}

/* Flips one byte in the stored data of the (one-chunk, checksummed) Coordinates. */
static void corrupt_data(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = f < 0 ? -1 : H5Dopen2(f, "/PartType1/Coordinates", H5P_DEFAULT);
    haddr_t addr = HADDR_UNDEF;
    hsize_t offset[2], csize = 0;
    unsigned mask;
    if (d >= 0) {
        hid_t s = H5Dget_space(d);
        if (H5Dget_chunk_info(d, s, 0, offset, &mask, &addr, &csize) < 0)
            addr = HADDR_UNDEF;
        H5Sclose(s);
        H5Dclose(d);
    }
    if (f >= 0)
        H5Fclose(f);
    int fd = open(path, O_RDWR);
    unsigned char b;
    if (addr == HADDR_UNDEF || fd < 0 || pread(fd, &b, 1, (off_t)addr + 20) != 1)
        die("corrupt", name);
    b ^= 0x40;
    if (pwrite(fd, &b, 1, (off_t)addr + 20) != 1 || close(fd) != 0)
        die("corrupt", name);
}

/* Gives the free-space entry of the first global heap collection (where the strings of
 * /Parameters and /Integrator live) size 0: HDF5 1.10 would loop forever loading it. */
static void zero_heap_free_space(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r+b");
    static unsigned char b[1 << 16];
    size_t len = f ? fread(b, 1, sizeof b, f) : 0;
    size_t at = 0;
    while (at + 16 <= len && memcmp(b + at, "GCOL\001", 5) != 0)
        at++;
    if (!f || at + 16 > len)
        die("global heap", name);
    /* 8-byte lengths: a 16-byte collection header, then 16-byte object headers */
    for (size_t p = at + 16; p + 16 <= len;) {
        unsigned idx = b[p] | (unsigned)b[p + 1] << 8;
        unsigned long long size = 0;
        for (int k = 7; k >= 0; k--)
            size = size << 8 | b[p + 8 + k];
        if (idx == 0) {
            memset(b + p + 8, 0, 8);
            if (fseek(f, (long)(p + 8), SEEK_SET) != 0 || fwrite(b + p + 8, 1, 8, f) != 8 ||
                fclose(f) != 0)
                die("global heap", name);
            return;
        }
        p += 16 + (size + 7) / 8 * 8;
    }
    die("global heap free space", name);
}

static void raw_file(const char *dir, const char *name, const char *text, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        die("write", name);
}

static const char *dir;

/* Initial conditions as a galaxy generator writes them, in kpc, Msun and km/s: a halo
 * (type 1, 40 particles, per-particle Masses), a disk (type 2, 30 particles, no Masses:
 * MassTable[2] = 2e5) and a bulge (type 3, 20 particles, 5e5 each), ids from 1001 (gas:
 * a type 0 of 10 particles in front, ids 1..10); h5py's defaults: superblock 0, no
 * chunks, no /Parameters or /Integrator. */
static void types_ic(const char *d, const char *name, int gas)
{
    enum { NT = 4 };
    const long long n[NT] = {gas ? 10 : 0, 40, 30, 20};
    const double mt[6] = {0, 0, 2e5, 0, 0, 0};
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", d, name);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0)
        die("create", path);
    hid_t g = H5Gcreate2(f, "Header", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    long long np[6] = {n[0], n[1], n[2], n[3], 0, 0}, zero[6] = {0};
    attr(g, "NumPart_ThisFile", H5T_STD_I32LE, H5T_NATIVE_LLONG, 6, np);
    attr(g, "NumPart_Total", H5T_STD_U32LE, H5T_NATIVE_LLONG, 6, np);
    attr(g, "NumPart_Total_HighWord", H5T_STD_U32LE, H5T_NATIVE_LLONG, 6, zero);
    attr(g, "MassTable", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 6, mt);
    attr_d(g, "Time", 0.0);
    attr_l(g, "NumFilesPerSnapshot", 1);
    attr_d(g, "UnitLength_in_cm", 3.0856775814913673e21);
    attr_d(g, "UnitMass_in_g", 1.988409870698051e33);
    attr_d(g, "UnitVelocity_in_cm_per_s", 1e5);
    H5Gclose(g);
    long long next_id = 1001;
    for (int t = 0; t < NT; t++) {
        if (!n[t])
            continue;
        size_t k = (size_t)n[t];
        double *x = calloc(3 * k, sizeof *x), *v = calloc(3 * k, sizeof *v),
               *m = calloc(k, sizeof *m);
        long long *id = calloc(k, sizeof *id);
        if (!x || !v || !m || !id)
            die("calloc", name);
        for (size_t i = 0; i < k; i++) {
            /* spread over a few kpc (type t on a shell of radius t + 1), a few km/s */
            double r = (double)(t + 1) * (1.0 + 0.01 * (double)i), a = 2.39996 * (double)i;
            double c = 1.0 - 2.0 * ((double)i + 0.5) / (double)k, s = sqrt(1.0 - c * c);
            x[3 * i] = r * s * cos(a);
            x[3 * i + 1] = r * s * sin(a);
            x[3 * i + 2] = r * c;
            v[3 * i] = -3.0 * s * sin(a);
            v[3 * i + 1] = 3.0 * s * cos(a);
            v[3 * i + 2] = 0.5 * c;
            m[i] = t == 1 ? 1e6 * (1.0 + (double)i / 40.0) : t == 3 ? 5e5 : 1e4;
            id[i] = t == 0 ? (long long)i + 1 : next_id++;
        }
        char gname[16];
        snprintf(gname, sizeof gname, "PartType%d", t);
        g = H5Gcreate2(f, gname, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        dataset(g, "Coordinates", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, k, 3, x);
        dataset(g, "Velocities", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, k, 3, v);
        if (t != 2)
            dataset(g, "Masses", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, k, 1, m);
        dataset(g, "ParticleIDs", H5T_STD_U64LE, H5T_NATIVE_LLONG, 1, k, 1, id);
        H5Gclose(g);
        free(x);
        free(v);
        free(m);
        free(id);
    }
    if (H5Fclose(f) < 0)
        die("close", path);
}

static herr_t print_group(hid_t loc, const char *name, const H5L_info_t *info, void *data)
{
    (void)loc; (void)info; (void)data;
    if (!strncmp(name, "PartType", 8))
        printf(" %s", name);
    return 0;
}

/* --header FILE: what a GADGET reader takes from the Header, and the type groups. */
static int show_header(const char *path)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        die("open", path);
    long long np[6], tot[6], high[6];
    double mt[6];
    const char *names[] = {"NumPart_ThisFile", "NumPart_Total", "NumPart_Total_HighWord",
                           "MassTable"};
    void *to[] = {np, tot, high, mt};
    for (int k = 0; k < 4; k++) {
        hid_t a = H5Aopen_by_name(f, "Header", names[k], H5P_DEFAULT, H5P_DEFAULT);
        if (a < 0 || H5Aread(a, k == 3 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_LLONG, to[k]) < 0)
            die("read", names[k]);
        H5Aclose(a);
    }
    printf("NumPart_ThisFile");
    for (int t = 0; t < 6; t++)
        printf(" %lld", np[t]);
    printf("\nNumPart_Total");
    for (int t = 0; t < 6; t++)
        printf(" %lld", tot[t] + (high[t] << 32));
    printf("\nMassTable");
    for (int t = 0; t < 6; t++)
        printf(" %.17g", mt[t]);
    printf("\ngroups");
    H5Literate(f, H5_INDEX_NAME, H5_ITER_INC, NULL, print_group, NULL);
    printf("\n");
    H5Fclose(f);
    return 0;
}

/* Writes l as name and prints its manifest line. */
static void bad(const char *name, const layout *l, const char *modes, const char *fragment)
{
    write_file(dir, name, l);
    printf("%s\t%s\t%s\n", name, modes, fragment);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--header"))
        return show_header(argv[2]);
    if (argc != 2) {
        fprintf(stderr, "usage: make_bad_snapshots DIR | --header FILE\n");
        return 2;
    }
    dir = argv[1];
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    layout l = good();
    write_file(dir, "good.h5", &l);
    types_ic(dir, "types_ic.h5", 0);
    types_ic(dir, "gas_ic.h5", 1);

    /* valid, but the particles fly off at 2e307 per unit time from x = 1e308: the
     * positions overflow to inf in the drift of step 4 with dt = 1 */
    l.runaway = 1;
    write_file(dir, "runaway.h5", &l);

    /* not HDF5 at all */
    raw_file(dir, "zero_length.h5", "", 0);
    printf("zero_length.h5\tall\tnot an HDF5 file\n");
    raw_file(dir, "text.h5", PARAMS, sizeof PARAMS - 1);
    printf("text.h5\tall\tnot an HDF5 file\n");
    char sig[600];
    memset(sig, 0, sizeof sig);
    memcpy(sig, "\x89HDF\r\n\x1a\n", 8); /* the signature and nothing behind it */
    raw_file(dir, "signature_only.h5", sig, sizeof sig);
    printf("signature_only.h5\tall\tcannot be opened as HDF5\n");

    /* truncated copies of a good file */
    long size = file_size(dir, "good.h5");
    copy_prefix(dir, "good.h5", "truncated_half.h5", size / 2);
    printf("truncated_half.h5\tall\tcannot be opened as HDF5 (truncated file\n");
    copy_prefix(dir, "good.h5", "truncated_end.h5", size - 1);
    printf("truncated_end.h5\tall\tcannot be opened as HDF5 (truncated file\n");
    copy_prefix(dir, "good.h5", "truncated_superblock.h5", 64);
    printf("truncated_superblock.h5\tall\tcannot be opened as HDF5\n");
    l = good();
    l.checksummed = 1;
    write_file(dir, "corrupt_data.h5", &l);
    corrupt_data(dir, "corrupt_data.h5");
    printf("corrupt_data.h5\tall\t/PartType1/Coordinates: cannot be read\n");

    /* the unchecksummed format of h5py's default: initial conditions only */
    l = good();
    l.old_format = 1;
    bad("superblock_v0.h5", &l, "snap", "has HDF5 superblock version 0, without metadata checksums");

    /* strings in the global heap, which HDF5 1.10 reads unchecked (a damaged one hangs or
     * crashes it): refused unread */
    l = good();
    l.vl_strings = 1;
    write_file(dir, "strings_variable_length.h5", &l);
    copy_prefix(dir, "strings_variable_length.h5", "heap_free_space_zero.h5", -1);
    zero_heap_free_space(dir, "heap_free_space_zero.h5");
    printf("strings_variable_length.h5\tsnap\t/Parameters attribute ParameterFile: is a "
           "variable-length string\n");
    printf("heap_free_space_zero.h5\tsnap\t/Parameters attribute ParameterFile: is a "
           "variable-length string\n");

    /* missing groups and datasets */
    l = good(); l.no_header = 1;
    bad("no_header.h5", &l, "all", "/Header: missing");
    l = good(); l.header_dataset = 1;
    bad("header_is_dataset.h5", &l, "all", "/Header: is not a readable group");
    l = good(); l.no_pt1 = 1;
    bad("no_parttype1.h5", &l, "all", "/PartType1: missing");
    l = good(); l.no_coords = 1;
    bad("no_coordinates.h5", &l, "all", "/PartType1/Coordinates: missing");
    l = good(); l.coords_group = 1;
    bad("coordinates_is_group.h5", &l, "all", "/PartType1/Coordinates: is not a readable dataset");
    l = good(); l.no_vel = 1;
    bad("no_velocities.h5", &l, "snap", "/PartType1/Velocities: missing");
    l = good(); l.no_acc = 1;
    bad("no_acceleration.h5", &l, "snap", "/PartType1/Acceleration: missing");
    l = good(); l.no_mass = 1;
    bad("no_masses.h5", &l, "all", "/PartType1/Masses: missing");
    l = good(); l.no_params = 1;
    bad("no_parameters.h5", &l, "snap", "/Parameters: missing");
    l = good(); l.no_integrator = 1;
    bad("no_integrator.h5", &l, "snap", "/Integrator: missing");

    /* wrong shapes and types */
    l = good(); l.coord_cols = 2;
    bad("coordinates_two_columns.h5", &l, "all", "/PartType1/Coordinates: has shape (8, 2)");
    l = good(); l.coord_rank = 1;
    bad("coordinates_flat.h5", &l, "all", "/PartType1/Coordinates: has shape (24,)");
    l = good(); l.coord_type = 1;
    bad("coordinates_int.h5", &l, "all", "/PartType1/Coordinates: holds integers");
    l = good(); l.coord_type = 2;
    bad("coordinates_string.h5", &l, "all", "/PartType1/Coordinates: holds strings");
    l = good(); l.coord_type = 3;
    bad("coordinates_compound.h5", &l, "all", "/PartType1/Coordinates: holds non-numerics");
    l = good(); l.mass_rows = N - 1;
    bad("masses_short.h5", &l, "all", "/PartType1/Masses: has shape (7,)");
    l = good(); l.ids_float = 1;
    bad("ids_float.h5", &l, "all", "/PartType1/ParticleIDs: holds floats");
    l = good(); l.header_float = 1;
    bad("header_counts_float.h5", &l, "all", "/Header attribute NumPart_ThisFile: holds 6 float");
    l = good(); l.header_len = 3;
    bad("header_counts_three.h5", &l, "all", "/Header attribute NumPart_ThisFile: holds 3 integer");

    /* bad values */
    l = good(); l.coord_nan = NAN;
    bad("coordinates_nan.h5", &l, "all", "/PartType1/Coordinates: row 3 column 1 is nan");
    l = good(); l.vel_inf = INFINITY;
    bad("velocities_inf.h5", &l, "all", "/PartType1/Velocities: row 3 column 2 is inf");
    l = good(); l.mass = -1.0;
    bad("masses_negative.h5", &l, "all", "/PartType1/Masses: row 0 is -1");
    l = good(); l.mass = 0.0;
    bad("masses_zero.h5", &l, "all", "/PartType1/Masses: row 0 is 0");
    l = good(); l.ids_signed = 1; l.id3 = -7;
    bad("ids_negative.h5", &l, "all", "/PartType1/ParticleIDs: row 3 is -7");
    l = good(); l.acc = NAN;
    bad("acceleration_nan.h5", &l, "snap", "/PartType1/Acceleration: row 0 column 1 is nan");
    l = good(); l.dt = 0.0;
    bad("integrator_dt_zero.h5", &l, "snap", "/Integrator attribute dt: is 0");
    l = good(); l.step = -5;
    bad("integrator_step_negative.h5", &l, "snap", "/Integrator attribute step: is -5");
    l = good(); l.kernel = "a-kernel-name-much-longer-than-thirty-one-characters";
    bad("integrator_kernel_long.h5", &l, "snap", "/Integrator attribute kernel");

    /* Header against datasets */
    l = good(); l.np_this = l.np_total = N + 1;
    bad("header_n_larger.h5", &l, "all", "/PartType1/Coordinates: has shape (8, 3), expected shape (9, 3)");
    l = good(); l.np_this = l.np_total = N - 1;
    bad("header_n_smaller.h5", &l, "all", "/PartType1/Coordinates: has shape (8, 3), expected shape (7, 3)");
    l = good(); l.np_this = l.np_total = 1000000000000000LL;
    bad("header_n_huge.h5", &l, "all", "/PartType1/Coordinates: has shape (8, 3), expected shape (1000000000000000, 3)");
    l = good(); l.np_this = l.np_total = 100000000; l.rows = 100000000; l.mass_rows = 1;
    l.unwritten_chunks = 1; l.no_vel = l.no_acc = l.no_ids = 1;
    bad("header_n_large_no_data.h5", &l, "all", "/PartType1/Coordinates: only 0 of its");
    l = good(); l.np_this = l.np_total = 100000000; l.rows = 100000000; l.mass_rows = 1;
    l.external = "/dev/zero"; l.no_vel = l.no_acc = l.no_ids = 1;
    bad("external_dev_zero.h5", &l, "all", "/PartType1/Coordinates: keeps its data outside this file (external storage)");
    l = good(); l.external = "good.h5";
    bad("external_other_file.h5", &l, "all", "/PartType1/Coordinates: keeps its data outside this file (external storage)");
    l = good(); l.np_this = l.np_total = 0;
    bad("header_n_zero.h5", &l, "all", "/Header attribute NumPart_ThisFile: counts 0 particles in all");
    l = good(); l.np_this = l.np_total = -8;
    bad("header_n_negative.h5", &l, "all", "/Header attribute NumPart_ThisFile: entry 1 is -8");
    l = good(); l.np_total = N + 2;
    bad("header_total_mismatch.h5", &l, "all", "/Header attribute NumPart_Total: says 10");
    l = good(); l.np_high = 1;
    bad("header_highword.h5", &l, "all", "/Header attribute NumPart_Total: says 4294967304");
    l = good(); l.np_other = 4;
    /* without the group: gas refused (initial conditions), the group missing (restart) */
    bad("header_gas_particles.h5", &l, "all", "/PartType0: ");

    /* a second type whose group disagrees with the Header */
    l = good(); l.np2 = l.rows2 = 4; l.t2_no_coords = 1;
    bad("type2_no_coordinates.h5", &l, "all", "/PartType2/Coordinates: missing");
    l = good(); l.np2 = 5; l.rows2 = 4;
    bad("type2_count_larger.h5", &l, "all", "/PartType2/Coordinates: has shape (4, 3), expected shape (5, 3)");
    l = good(); l.rows2 = 4;
    bad("type2_not_counted.h5", &l, "all", "/PartType2/Coordinates: has shape (4, 3), expected shape (0, 3)");
    l = good(); l.np2 = 4;
    bad("type2_group_missing.h5", &l, "all", "/PartType2: missing, expected the group of the 4 particles of type 2");
    l = good(); l.np2 = l.rows2 = 4; l.t2_no_mass = 1;
    bad("type2_no_masses_masstable_zero.h5", &l, "all", "/PartType2/Masses: missing, and /Header MassTable[2] is 0");
    l = good(); l.np2 = l.rows2 = 4; l.mass_table2 = 0.5;
    bad("type2_masstable_disagrees.h5", &l, "all", "/PartType2/Masses: row 0 is 0.125, but /Header MassTable[2] is 0.5");
    l = good(); l.numfiles = 2;
    bad("header_two_files.h5", &l, "all", "/Header attribute NumFilesPerSnapshot: is 2");

    /* counters no run reaches: restart would name its next snapshot snapshot_-9223...h5,
     * or say "raise t_end" for a step count that cannot be continued */
    l = good(); l.output_index = INT64_MAX;
    bad("integrator_output_index_huge.h5", &l, "snap",
        "/Integrator attribute output_index: is 9223372036854775807, expected 0 to 999999999");
    l = good(); l.step = INT64_MAX;
    bad("integrator_step_huge.h5", &l, "snap",
        "/Integrator attribute step: is 9223372036854775807, expected 0 to 1000000000000000");
    l = good(); l.e0 = NAN;
    bad("integrator_e0_nan.h5", &l, "snap", "/Integrator attribute E0: is nan");

    /* a time off the snapshot's own time line (time_origin + (step - step_origin) * dt),
     * or a time line so far before t_end: restart ran 1e17 steps, writing until the disk
     * was full, or (-1e300) said "raise t_end" */
    l = good(); l.time = -1e15;
    bad("integrator_time_off_line.h5", &l, "restart",
        "/Integrator time = -1000000000000000 is off the snapshot's time line, time_origin + "
        "(step - step_origin) * dt = 0: the snapshot is damaged");
    l = good(); l.time = -1e300;
    bad("integrator_time_minus_1e300.h5", &l, "restart", "is off the snapshot's time line");
    l = good(); l.time = l.time_origin = -1e15;
    bad("integrator_time_line_far.h5", &l, "restart",
        "integrator.t_end = 0.050000000000000003 is 1e+17 steps of dt = 0.01 after the "
        "snapshot's t = -1000000000000000 (step 0), past the 1e15 steps a run may take");

    /* one chunk of 2^20 rows (24 MiB) for 8 rows, in 24 kB of gzip: every reader
     * allocated the whole chunk (the 64 rows in 1.7 MB took 400 MB) */
    l = good(); l.chunk_rows = 1ULL << 20;
    bad("coordinates_chunk_huge.h5", &l, "all", "/PartType1/Coordinates: is stored in chunks "
        "of 1048576 x 3 values (25165824 bytes) for 192 bytes of data");

    /* the particles in another file, through an external link: read as if they were here */
    char good_path[4096];
    snprintf(good_path, sizeof good_path, "%s/good.h5", dir);
    l = good(); l.parttype1_link = good_path;
    bad("parttype1_external_link.h5", &l, "all",
        "/PartType1: is an external link to another file, expected an object stored in this file");

    /* /Parameters that @include a file of the machine: restart would read it (here one that
     * silently changes t_end) */
    char evil[4096], params[8192];
    snprintf(evil, sizeof evil, "%s/included.cfg", dir);
    raw_file(dir, "included.cfg", "integrator: { t_end = 0.07; };\n", 31);
    snprintf(params, sizeof params, "%s@include \"%s\"\n", PARAMS, evil);
    l = good(); l.params = params;
    write_file(dir, "parameters_include.h5", &l);
    printf("parameters_include.h5\trestart\t/Parameters:6: @include '%s': not allowed here\n",
           evil);

    /* a run's parameters that are not a valid parameter file */
    l = good(); l.params = "gravity: { softening = -1.0; };\n";
    write_file(dir, "parameters_invalid.h5", &l);
    printf("parameters_invalid.h5\trestart\t/Parameters:1: gravity.softening\n");
    return 0;
}
