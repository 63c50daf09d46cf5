/* Tests of the snapshot writer's chunk pipeline (src/io/snapshot_chunks.c): its Fletcher32
 * is HDF5's, and files written with direct chunk writes on any thread count hold the same
 * data bits as those HDF5's own filters write through H5Dwrite. */
#include "io/snapshot_chunks.h"
#include "io/snapshot_h5.h"
#include "snapshot_testutil.h"

#include <math.h>
#include <stdlib.h>

#define R NB_SNAPSHOT_CHUNK_ROWS

/* HDF5 writes a uint8 dataset of len bytes, one chunk, Fletcher32 only; the checksum it
 * stored after the chunk must be ours of the bytes (odd lengths too). */
START_TEST(test_fletcher32_is_hdf5s)
{
    make_root();
    const size_t lens[] = {1, 2, 7, 720, 721, 722, 100003};
    for (size_t t = 0; t < sizeof lens / sizeof lens[0]; t++) {
        size_t len = lens[t];
        unsigned char *b = malloc(len + 4);
        uint64_t s = 12345 + len;
        for (size_t i = 0; i < len; i++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            b[i] = (unsigned char)(i % 3 ? s >> 56 : 0xff); /* 0xff pairs: the fold cases */
        }
        const char *path = in_root(0, "f.h5");
        hsize_t dims = len;
        hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        hid_t space = H5Screate_simple(1, &dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
        ck_assert(H5Pset_chunk(dcpl, 1, &dims) >= 0 && H5Pset_fletcher32(dcpl) >= 0);
        hid_t d = H5Dcreate2(f, "b", H5T_NATIVE_UCHAR, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        ck_assert(H5Dwrite(d, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, b) >= 0);
        H5Dclose(d);
        d = H5Dopen2(f, "b", H5P_DEFAULT);
        hsize_t off = 0, size = 0;
        uint32_t mask = 1;
        ck_assert(H5Dget_chunk_storage_size(d, &off, &size) >= 0);
        ck_assert_uint_eq(size, len + 4);
        unsigned char *raw = malloc(size);
        ck_assert(H5Dread_chunk(d, H5P_DEFAULT, &off, &mask, raw) >= 0);
        ck_assert_uint_eq(mask, 0);
        ck_assert(memcmp(raw, b, len) == 0);
        uint32_t want = nb_snapshot_fletcher32(b, len);
        uint32_t got = (uint32_t)raw[len] | (uint32_t)raw[len + 1] << 8 |
                       (uint32_t)raw[len + 2] << 16 | (uint32_t)raw[len + 3] << 24;
        ck_assert_msg(got == want, "len %zu: HDF5 stored %08x, ours %08x", len, got, want);
        free(raw);
        H5Dclose(d);
        H5Pclose(dcpl);
        H5Sclose(space);
        H5Fclose(f);
        free(b);
    }
    remove_root();
}
END_TEST

/* n particles of three types (0: random bits; 1: a smooth sphere with sequential ids, equal
 * masses and small bins; 4: the rest) in store order: every kind of byte plane (random,
 * skewed, repeating) that the encoder treats apart. */
static void make_particles(nb_particles *p, size_t n)
{
    fill(p, n, 7);
    for (size_t i = 0; i < n; i++) {
        p->type[i] = (uint8_t)(i < n / 5 ? 0 : i < n - n / 7 ? 1 : 4);
        if (p->type[i] == 0)
            continue;
        double u = 0.9 * (double)i / (double)n + 1e-3, r = 1.0 / sqrt(pow(u, -2.0 / 3.0) - 1.0);
        p->x[i] = r * cos(40.0 * u);
        p->y[i] = r * sin(40.0 * u);
        p->z[i] = r * (2 * u - 1);
        p->vx[i] = 0.1 * p->y[i];
        p->vy[i] = -0.1 * p->x[i];
        p->vz[i] = 0.0;
        p->ax[i] = -p->x[i] / (r * r * r + 1);
        p->ay[i] = -p->y[i] / (r * r * r + 1);
        p->az[i] = -p->z[i] / (r * r * r + 1);
        p->m[i] = 1.0 / (double)n;
        p->id[i] = i;
        p->bin[i] = (int32_t)(i % 3);
    }
}

/* Every dataset of /PartTypeT as HDF5 reads it (its bytes) and its chunks' stored bytes. */
typedef struct dump {
    unsigned char *data[8];
    size_t bytes[8];
    unsigned char *chunks[8];
    size_t chunk_bytes[8];
    int n;
} dump;

static void read_all(const char *path, dump *out)
{
    memset(out, 0, sizeof *out);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert(f >= 0);
    for (int t = 0; t < NB_NTYPES; t++) {
        char g[16];
        nb_snapshot_group(t, g, sizeof g);
        if (H5Lexists(f, g, H5P_DEFAULT) <= 0)
            continue;
        for (size_t k = 0; k < nb_snapshot_n_fields; k++) {
            char name[64];
            snprintf(name, sizeof name, "%s/%s", g, nb_snapshot_fields[k].name);
            hid_t d = H5Dopen2(f, name, H5P_DEFAULT), space = H5Dget_space(d);
            hid_t type = H5Dget_type(d);
            size_t bytes = (size_t)H5Sget_simple_extent_npoints(space) * H5Tget_size(type);
            unsigned char *buf = malloc(bytes);
            /* HDF5 checks every chunk's Fletcher32 here */
            ck_assert_msg(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0, "%s", name);
            /* and the chunks as stored, one after the other */
            hsize_t nchunks = 0;
            ck_assert(H5Dget_num_chunks(d, space, &nchunks) >= 0);
            size_t all = 0;
            unsigned char *raw = NULL;
            for (hsize_t c = 0; c < nchunks; c++) {
                hsize_t off[2];
                unsigned mask;
                haddr_t addr;
                hsize_t size;
                ck_assert(H5Dget_chunk_info(d, space, c, off, &mask, &addr, &size) >= 0);
                ck_assert_uint_eq(mask, 0); /* every filter applied */
                raw = realloc(raw, all + size);
                uint32_t m2;
                ck_assert(H5Dread_chunk(d, H5P_DEFAULT, off, &m2, raw + all) >= 0);
                all += size;
            }
            ck_assert(out->n < 8 * NB_NTYPES);
            int i = out->n++ % 8; /* the last type's datasets (the test's edge chunks) */
            free(out->data[i]);
            free(out->chunks[i]);
            out->data[i] = buf;
            out->bytes[i] = bytes;
            out->chunks[i] = raw;
            out->chunk_bytes[i] = all;
            H5Tclose(type);
            H5Sclose(space);
            H5Dclose(d);
        }
    }
    H5Fclose(f);
}

static void free_dump(dump *d)
{
    for (int i = 0; i < 8; i++) {
        free(d->data[i]);
        free(d->chunks[i]);
    }
}

/* The direct write (1 and 2 threads) against HDF5's H5Dwrite path: the same data bits,
 * what nb_snapshot_read gets back is the store, and the stored chunks are the same bytes
 * for any thread count (and, uncompressed, the same bytes as HDF5's own: the padding of
 * an edge chunk and the checksum included). N below a chunk and not a multiple of the
 * chunk: each type's rows (n/5, most, n/7) are below a chunk or not a multiple of it. */
START_TEST(test_direct_same_data)
{
    make_root();
    const size_t ns[] = {1000, 2 * R + 123};
    const int levels[] = {0, 1, 4};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        nb_particles p;
        make_particles(&p, ns[a]);
        nb_snapshot_meta m = make_meta(3);
        for (size_t b = 0; b < sizeof levels / sizeof levels[0]; b++) {
            int level = levels[b];
            nb_error err;
            const char *ref = in_root(0, "ref.h5"), *t1 = in_root(1, "t1.h5"),
                       *t2 = in_root(2, "t2.h5");
            remove(ref);
            remove(t1);
            remove(t2);
            int wrc = nb_snapshot_write_with(ref, &p, &m, level, 1, 0, &err);
            ck_assert_msg(wrc == NB_OK, "%s", err.msg);
            ck_assert_int_eq(nb_snapshot_write_with(t1, &p, &m, level, 1, 1, &err), NB_OK);
            ck_assert_int_eq(nb_snapshot_write_with(t2, &p, &m, level, 2, 1, &err), NB_OK);
            dump dr, d1, d2;
            read_all(ref, &dr);
            read_all(t1, &d1);
            read_all(t2, &d2);
            ck_assert_int_eq(dr.n, d1.n);
            ck_assert_int_eq(dr.n, 18); /* three types of six datasets */
            for (int i = 0; i < 6; i++) {
                ck_assert_uint_eq(dr.bytes[i], d1.bytes[i]);
                ck_assert_msg(memcmp(dr.data[i], d1.data[i], dr.bytes[i]) == 0,
                              "n %zu level %d dataset %d: data differ", ns[a], level, i);
                ck_assert_uint_eq(d1.chunk_bytes[i], d2.chunk_bytes[i]);
                ck_assert_msg(memcmp(d1.chunks[i], d2.chunks[i], d1.chunk_bytes[i]) == 0,
                              "n %zu level %d dataset %d: 1 and 2 threads differ", ns[a],
                              level, i);
                if (level == 0) {
                    ck_assert_uint_eq(dr.chunk_bytes[i], d1.chunk_bytes[i]);
                    ck_assert_msg(memcmp(dr.chunks[i], d1.chunks[i], dr.chunk_bytes[i]) == 0,
                                  "n %zu dataset %d: chunks differ from HDF5's", ns[a], i);
                } else { /* compressed: smaller than stored, even with random planes */
                    ck_assert_uint_lt(d1.chunk_bytes[i], d1.bytes[i] + 4 * (d1.bytes[i] / R + 8));
                }
            }
            free_dump(&dr);
            free_dump(&d1);
            free_dump(&d2);
            nb_particles q;
            nb_snapshot_meta mq;
            ck_assert_int_eq(nb_snapshot_read(t2, &q, &mq, &err), NB_OK);
            assert_same_particles(&p, &q, 1);
            ck_assert(memcmp(p.type, q.type, p.n) == 0);
            nb_particles_free(&q);
            nb_snapshot_meta_free(&mq);
        }
        nb_particles_free(&p);
    }
    remove_root();
}
END_TEST

static Suite *chunks_suite(void)
{
    Suite *s = suite_create("snapshot_chunks");
    TCase *tc = tcase_create("chunks");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fletcher32_is_hdf5s);
    tcase_add_test(tc, test_direct_same_data);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return snaptest_main(chunks_suite());
}
