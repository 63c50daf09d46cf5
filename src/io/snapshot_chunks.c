/* The snapshot writer's chunk pipeline: each chunk of a dataset packed from the columns,
 * shuffled, deflated and checksummed as HDF5's filters would, on all threads, and written
 * in order with HDF5's direct chunk write (docs/DESIGN.md, "Snapshots"). */
#include "io/snapshot_chunks.h"
#include "io/snapshot_h5.h"

#include "core/threads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

uint32_t nb_snapshot_fletcher32(const void *data, size_t len)
{
    const uint8_t *b = data;
    size_t words = len / 2;
    uint32_t sum1 = 0, sum2 = 0;
    /* H5checksum.c's order of sums and folds, so that the 0 / 0xffff cases agree too: 360
     * words is the most that cannot overflow sum2 */
    while (words) {
        size_t t = words > 360 ? 360 : words;
        words -= t;
        do {
            sum1 += (uint32_t)b[0] << 8 | b[1];
            b += 2;
            sum2 += sum1;
        } while (--t);
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    if (len % 2) {
        sum1 += (uint32_t)b[0] << 8;
        sum2 += sum1;
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return sum2 << 16 | sum1;
}

/* One chunk's encoded bytes (the Fletcher32 checksum last). */
typedef struct nb_snapshot_chunk_slot {
    unsigned char *out;     /* bound bytes */
    size_t size;            /* encoded bytes, checksum included */
    int failed;
} slot;

/* A thread's scratch for compressing (only while it encodes a chunk). */
typedef struct nb_snapshot_chunk_worker {
    unsigned char *planes;  /* the shuffled chunk: raw bytes */
    z_stream z;             /* deflate state, reset for each chunk */
    int z_ready;
} worker;

typedef struct job {
    const unsigned char *const *col;
    size_t cols, es, n, chunk_rows;
    size_t raw;             /* bytes of a whole chunk before the filters */
    size_t bound;           /* most bytes an encoded chunk can take */
    int level;
} job;

/* r[t]'s byte j to r[j]'s byte t: eight 8-byte values into their eight byte planes (the
 * shuffle of eight doubles), by swapping 4-, 2- then 1-byte blocks. */
static void transpose8(uint64_t r[8])
{
    for (int t = 0; t < 4; t++) {
        uint64_t a = r[t], b = r[t + 4];
        r[t] = (a & 0x00000000ffffffffULL) | (b << 32);
        r[t + 4] = (a >> 32) | (b & 0xffffffff00000000ULL);
    }
    static const int pairs2[4] = {0, 1, 4, 5};
    for (int q = 0; q < 4; q++) {
        int t = pairs2[q];
        uint64_t a = r[t], b = r[t + 2], m = 0x0000ffff0000ffffULL;
        r[t] = (a & m) | ((b & m) << 16);
        r[t + 2] = ((a >> 16) & m) | (b & ~m);
    }
    for (int t = 0; t < 8; t += 2) {
        uint64_t a = r[t], b = r[t + 1], m = 0x00ff00ff00ff00ffULL;
        r[t] = (a & m) | ((b & m) << 8);
        r[t + 1] = ((a >> 8) & m) | (b & ~m);
    }
}

/* Rows [r0, r0 + cnt) as HDF5 lays out one chunk: row-major, then (shuffle) byte j of
 * every value together in plane j. Values past cnt (an edge chunk) are zero. The byte
 * order of a value is the file's (the writer checks that memory's is the same). */
static void pack(const job *jb, size_t r0, size_t cnt, unsigned char *dst, int shuffle)
{
    size_t cols = jb->cols, es = jb->es, nval = jb->chunk_rows * cols, used = cnt * cols;
    if (!shuffle) {
        for (size_t i = 0; i < cnt; i++)
            for (size_t k = 0; k < cols; k++)
                if (es == 8) /* a constant size: an inlined copy */
                    memcpy(dst + (i * cols + k) * 8, jb->col[k] + (r0 + i) * 8, 8);
                else
                    memcpy(dst + (i * cols + k) * es, jb->col[k] + (r0 + i) * es, es);
        memset(dst + used * es, 0, (nval - used) * es);
        return;
    }
    size_t e = 0, i = r0, k = 0; /* value e is row i, column k */
    if (es == 8) /* eight values at a time through a byte transpose */
        for (; e + 8 <= used; e += 8) {
            uint64_t r[8];
            for (int t = 0; t < 8; t++) {
                memcpy(&r[t], jb->col[k] + i * 8, 8);
                if (++k == cols) {
                    k = 0;
                    i++;
                }
            }
            transpose8(r);
            for (size_t j = 0; j < 8; j++)
                memcpy(dst + j * nval + e, &r[j], 8);
        }
    for (; e < used; e++) {
        for (size_t j = 0; j < es; j++)
            dst[j * nval + e] = jb->col[k][i * es + j];
        if (++k == cols) {
            k = 0;
            i++;
        }
    }
    for (size_t j = 0; j < es; j++)
        memset(dst + j * nval + used, 0, nval - used);
}

/* Bits per byte of the byte values of b[0 .. n) (diff: of the differences b[i] - b[i-1]),
 * estimated from at most ~16384 of them evenly spaced: enough to tell random bytes (8)
 * from skewed ones, at a small fraction of the cost of deflating the plane. */
static double entropy(const unsigned char *b, size_t n, int diff)
{
    size_t h[256] = {0}, stride = n / 16384 + 1, total = 0;
    for (size_t i = (size_t)diff; i < n; i += stride, total++)
        h[(unsigned char)(b[i] - (diff ? b[i - 1] : 0))]++;
    double e = 0;
    for (int k = 0; k < 256; k++)
        if (h[k])
            e -= (double)h[k] / (double)total * log2((double)h[k] / (double)total);
    return e;
}

/* How one byte plane of a shuffled chunk is deflated. zlib's LZ77 search is what makes
 * gzip slow (~30-60 MB/s per core on doubles), and it finds nothing in the low mantissa
 * bytes of doubles, which are random: those planes are stored as they are. Planes whose
 * bytes are only unevenly frequent (exponents, high mantissa bytes) are Huffman coded
 * alone; LZ77 at the level runs where it finds repeats: near-constant planes (masses,
 * time bins, the high bytes of ids) and planes whose differences are much more regular
 * than their values (runs and counts: the low bytes of ids). On a Plummer sphere's
 * snapshot this is 3.5x zlib level 1's speed and a slightly smaller file (docs/
 * performance.md, "Snapshots"); the choice depends on the data alone, never the threads. */
static int plane_params(const unsigned char *pl, size_t n, int level, int *strategy)
{
    double hb = entropy(pl, n, 0), hd = n > 1 ? entropy(pl, n, 1) : hb;
    *strategy = Z_DEFAULT_STRATEGY;
    if (hb < 0.5 || hd < hb - 1.0)
        return level;
    if (hb < 7.9) { /* at least ~1% to gain from the codes */
        *strategy = Z_HUFFMAN_ONLY;
        return level;
    }
    return 0;
}

/* The shuffled chunk wk->planes (es planes of nval bytes) as one zlib stream in s->out,
 * each plane with its own parameters; HDF5's deflate filter inflates any zlib stream.
 * Its length, or 0 on failure. */
static size_t deflate_planes(const job *jb, slot *s, worker *wk)
{
    size_t nval = jb->chunk_rows * jb->cols;
    z_stream *z = &wk->z;
    if (!wk->z_ready) {
        memset(z, 0, sizeof *z);
        if (deflateInit(z, jb->level) != Z_OK)
            return 0;
        wk->z_ready = 1;
    } else if (deflateReset(z) != Z_OK) {
        return 0;
    }
    z->next_out = s->out;
    z->avail_out = (uInt)(jb->bound - 4);
    for (size_t j = 0; j < jb->es; j++) {
        unsigned char *pl = wk->planes + j * nval;
        int strategy, level = plane_params(pl, nval, jb->level, &strategy);
        if (deflateParams(z, level, strategy) != Z_OK)
            return 0;
        z->next_in = pl;
        z->avail_in = (uInt)nval;
        int last = j + 1 == jb->es;
        int zrc = deflate(z, last ? Z_FINISH : Z_NO_FLUSH);
        if (last ? zrc != Z_STREAM_END : zrc != Z_OK || z->avail_in)
            return 0;
    }
    return (size_t)z->total_out;
}

/* Chunk c into s: the filters' output, in the order HDF5 applies them. */
static void encode(const job *jb, size_t c, slot *s, worker *wk)
{
    size_t r0 = c * jb->chunk_rows;
    size_t cnt = jb->n - r0 < jb->chunk_rows ? jb->n - r0 : jb->chunk_rows;
    if (jb->level == 0) {
        pack(jb, r0, cnt, s->out, 0);
        s->size = jb->raw;
    } else {
        pack(jb, r0, cnt, wk->planes, 1);
        if (!(s->size = deflate_planes(jb, s, wk))) {
            s->failed = 1;
            return;
        }
    }
    uint32_t sum = nb_snapshot_fletcher32(s->out, s->size);
    for (int b = 0; b < 4; b++) /* little-endian, as the filter stores it */
        s->out[s->size + (size_t)b] = (unsigned char)(sum >> (8 * b));
    s->size += 4;
}

/* Writes the encoded chunks [c0, c0 + m) from slots, in order. */
static int put(hid_t d, const job *jb, const slot *slots, size_t c0, size_t m, char *why,
               size_t size)
{
    for (size_t i = 0; i < m; i++) {
        if (slots[i].failed) {
            snprintf(why, size, "zlib could not compress a chunk (out of memory?)");
            return -1;
        }
        hsize_t offset[2] = {(hsize_t)((c0 + i) * jb->chunk_rows), 0};
        if (H5Dwrite_chunk(d, H5P_DEFAULT, 0, offset, slots[i].size, slots[i].out) < 0) {
            nb_snapshot_h5_detail(why, size);
            return -1;
        }
    }
    return 0;
}

void nb_snapshot_chunks_free(nb_snapshot_chunks *pc)
{
    for (size_t i = 0; pc->slots && i < pc->nslots; i++)
        free(pc->slots[i].out);
    for (size_t i = 0; pc->workers && i < pc->nworkers; i++) {
        if (pc->workers[i].z_ready)
            deflateEnd(&pc->workers[i].z);
        free(pc->workers[i].planes);
    }
    free(pc->slots);
    free(pc->workers);
    pc->slots = NULL;
    pc->workers = NULL;
    pc->nslots = pc->nworkers = pc->cap = pc->raw_cap = 0;
}

/* nslots slots of bound bytes and (compressing) nt workers' raw bytes, kept from the last
 * dataset when large enough. */
static int reserve(nb_snapshot_chunks *pc, size_t nslots, size_t bound, size_t nt, size_t raw)
{
    if (pc->slots && pc->nslots >= nslots && pc->cap >= bound &&
        (!pc->level || (pc->nworkers >= nt && pc->raw_cap >= raw)))
        return 0;
    nb_snapshot_chunks_free(pc);
    if (!(pc->slots = calloc(nslots, sizeof *pc->slots)))
        return -1;
    pc->nslots = nslots;
    pc->cap = bound;
    for (size_t i = 0; i < nslots; i++)
        if (!(pc->slots[i].out = malloc(bound)))
            return -1;
    if (!pc->level)
        return 0;
    if (!(pc->workers = calloc(nt, sizeof *pc->workers)))
        return -1;
    pc->nworkers = nt;
    pc->raw_cap = raw;
    for (size_t i = 0; i < nt; i++)
        if (!(pc->workers[i].planes = malloc(raw)))
            return -1;
    return 0;
}

int nb_snapshot_chunks_write(nb_snapshot_chunks *pc, hid_t d, const unsigned char *const col[],
                             int cols, size_t es, size_t n, size_t chunk_rows, char *why,
                             size_t size)
{
    job jb = {.col = col, .cols = (size_t)cols, .es = es, .n = n, .chunk_rows = chunk_rows,
              .level = pc->level};
    jb.raw = chunk_rows * jb.cols * es;
    /* zlib's bound, and a margin for the blocks each plane's parameters start */
    jb.bound = (jb.level ? (size_t)compressBound((uLong)jb.raw) + 64 * es : jb.raw) + 4;
    size_t chunks = (n + chunk_rows - 1) / chunk_rows;
    /* Uncompressed chunks too: copying and summing them on the team while this thread
     * writes the previous batch took tree_1m's snapshots from ~490 to ~565 MB/s on an idle
     * 2-core machine (docs/performance.md, "Snapshots"); on a busy one each join of the
     * team can cost a time slice. */
    int nt = nb_threads(pc->threads);
    /* Two batches of slots: the calling thread writes one batch while the team (and then
     * it too) encodes the next, so the write overlaps the encoding; HDF5 is only ever
     * called from this thread. A batch is at least four chunks per thread, and up to
     * 16 MB: each join of the team can cost a time slice on a busy machine, so the fewer
     * the better (docs/performance.md, "Snapshots"). Each thread compresses in its own
     * scratch (a chunk's raw bytes and a deflate state). */
    size_t batch = ((size_t)16 << 20) / jb.bound;
    batch = batch > (size_t)nt * 4 ? batch : (size_t)nt * 4;
    if (nt == 1) /* nothing to overlap: one chunk at a time, in the cache from packing to
                  * writing */
        batch = 1;
    batch = batch < chunks ? batch : chunks;
    if (reserve(pc, 2 * batch, jb.bound, (size_t)nt, jb.raw)) {
        nb_snapshot_chunks_free(pc);
        snprintf(why, size, "out of memory");
        return -1;
    }
    slot *slots = pc->slots;
    worker *wk = pc->workers;
    int rc = 0;
    size_t nbatch = (chunks + batch - 1) / batch;
    for (size_t b = 0; b <= nbatch && !rc; b++) {
        slot *cur = slots + (b % 2) * batch, *prev = slots + ((b + 1) % 2) * batch;
        size_t c0 = b * batch, m = b < nbatch ? (chunks - c0 < batch ? chunks - c0 : batch) : 0;
        size_t p0 = c0 - batch, pm = b ? (chunks - p0 < batch ? chunks - p0 : batch) : 0;
        int prc = 0;
#pragma omp parallel num_threads(nt) default(none) \
    shared(jb, cur, prev, wk, c0, m, pm, p0, d, why, size, prc)
        {
#pragma omp master
            prc = pm ? put(d, &jb, prev, p0, pm, why, size) : 0;
#pragma omp for schedule(dynamic, 1)
            for (size_t i = 0; i < m; i++) {
                cur[i].failed = 0;
                encode(&jb, c0 + i, &cur[i], wk ? &wk[nb_thread_id()] : NULL);
            }
        }
        rc = prc;
    }
    return rc;
}
