/* The leaf scans of the grouped k-nearest search (kdtree_group.c): one query point against
 * a run of tree points, appending those within a bound to a candidate buffer. A portable
 * path and AVX2 / AVX-512F ones (kdtree_scan_avx2.c, kdtree_scan_avx512.c) chosen at run
 * time; all compute d2 the same way, so they find the same candidates to the bit. */
#ifndef NB_KDTREE_SCAN_H
#define NB_KDTREE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "gravity/pairwise.h"

#if defined(__x86_64__) || defined(__i386__)
#define NB_KDTREE_SCAN_X86 1
#else
#define NB_KDTREE_SCAN_X86 0
#endif

/* Entries past the appended ones a scan may overwrite: the buffer needs this much room
 * beyond the count it can add (p1 - p0). */
#define NB_KDTREE_SCAN_SLACK 16

/* Appends to d2o/po, from index 0, every tree position j in [p0, p1) whose squared distance
 * d2 = (x_j-qx)^2 + (y_j-qy)^2 + (z_j-qz)^2 (three products, then summed left to right,
 * never fused) is <= w, in ascending j, and returns how many. x, y, z are read up to
 * NB_KDTREE_LANES entries past p1 (the tree's padding). */
typedef size_t (*nb_kdtree_scan_fn)(const double *x, const double *y, const double *z,
                                    size_t p0, size_t p1, double qx, double qy, double qz,
                                    double w, double *d2o, uint32_t *po);

size_t nb_kdtree_scan_generic(const double *x, const double *y, const double *z, size_t p0,
                              size_t p1, double qx, double qy, double qz, double w,
                              double *d2o, uint32_t *po);
#if NB_KDTREE_SCAN_X86
size_t nb_kdtree_scan_avx2(const double *x, const double *y, const double *z, size_t p0,
                           size_t p1, double qx, double qy, double qz, double w, double *d2o,
                           uint32_t *po);
size_t nb_kdtree_scan_avx512(const double *x, const double *y, const double *z, size_t p0,
                             size_t p1, double qx, double qy, double qz, double w,
                             double *d2o, uint32_t *po);
#endif

/* A sorted list of at most 16 neighbours held whole in vector registers by the AVX-512
 * scan (nb_kdtree_scan16_avx512): entries 0 .. n-1 in ascending (d2, index), the rest
 * +inf / UINT32_MAX, so the k-th is the bound from the start. */
#define NB_KDTREE_LIST16 16
typedef struct nb_kdtree_list16 {
    double d2[NB_KDTREE_LIST16];
    uint32_t index[NB_KDTREE_LIST16];
    uint32_t pos[NB_KDTREE_LIST16];
    size_t n;
} nb_kdtree_list16;

#if NB_KDTREE_SCAN_X86
/* Offers tree positions [p0, p1) except `self` to the k (<= 16) nearest of (qx, qy, qz)
 * kept in l, each candidate within the list's k-th key inserted in place (no per-list
 * buffer, no selection). index is the tree's position -> particle index. */
void nb_kdtree_scan16_avx512(const double *x, const double *y, const double *z,
                             const uint32_t *index, size_t p0, size_t p1, double qx,
                             double qy, double qz, size_t self, size_t k,
                             nb_kdtree_list16 *l);
#endif

/* The scan for path s (NB_SIMD_AUTO: the best this CPU runs). */
nb_kdtree_scan_fn nb_kdtree_scan_for(nb_simd s);

#endif
