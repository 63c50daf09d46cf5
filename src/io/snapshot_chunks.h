/* Private to the snapshot writer: a dataset's chunks encoded on all threads (pack, shuffle,
 * deflate, Fletcher32, as HDF5's filters would) and written in order with H5Dwrite_chunk. */
#ifndef NB_SNAPSHOT_CHUNKS_H
#define NB_SNAPSHOT_CHUNKS_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

/* HDF5's Fletcher32 (H5_checksum_fletcher32, 1.10): sums of big-endian 16-bit words, an
 * odd last byte as the high byte of a word. The filter stores it little-endian after the
 * chunk's bytes, and HDF5 compares it with its own on every read. */
uint32_t nb_snapshot_fletcher32(const void *data, size_t len);

/* A file's chunk encoder: its threads (0: the OpenMP default) and deflate level (0: none),
 * set by the caller on a zeroed struct, and the buffers it keeps from one dataset to the
 * next (fresh ones for each would cost their page faults every time); freed by
 * nb_snapshot_chunks_free. */
typedef struct nb_snapshot_chunks {
    int threads, level;
    struct nb_snapshot_chunk_slot *slots;     /* encoded chunks: nslots of cap bytes */
    size_t nslots, cap;
    struct nb_snapshot_chunk_worker *workers; /* compressing: per thread, raw_cap bytes */
    size_t nworkers, raw_cap;
} nb_snapshot_chunks;

/* Writes every chunk of dataset d (created by the writer: n > 0 rows of cols columns of
 * es-byte values, chunks of chunk_rows rows; shuffle + deflate at level > 0, then
 * Fletcher32, in its filter pipeline). Column k's values are col[k][0 .. n), the rows
 * interleaved on disk. The chunks are encoded on pc's threads, a batch at a time, and
 * written in order by the calling thread; an edge chunk is padded with zeros (HDF5's fill
 * value) to a whole chunk, as HDF5 stores it. What HDF5 reads back is the bits of the
 * columns whatever the thread count. 0, or -1 with why (HDF5's reason when the write
 * failed). */
int nb_snapshot_chunks_write(nb_snapshot_chunks *pc, hid_t d, const unsigned char *const col[],
                             int cols, size_t es, size_t n, size_t chunk_rows, char *why,
                             size_t size);
void nb_snapshot_chunks_free(nb_snapshot_chunks *pc);

#endif
