/* The portable leaf scan's body, included by kdtree_group.c (plain) and kdtree_scan_avx2.c
 * (compiled for AVX2): SCAN_NAME and SCAN_ATTR name and qualify the function. The squared
 * distances of a chunk are computed branch-free (vectorised), then appended without
 * branches: every entry is written, the count only advances for those within the bound. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

SCAN_ATTR size_t SCAN_NAME(const double *x, const double *y, const double *z, size_t p0,
                           size_t p1, double qx, double qy, double qz, double w, double *d2o,
                           uint32_t *po)
{
    size_t n = 0;
    for (size_t b = p0; b < p1; b += NB_KDTREE_LANES) {
        double d2[NB_KDTREE_LANES];
#pragma omp simd
        for (int l = 0; l < NB_KDTREE_LANES; l++) {
            double dx = x[b + l] - qx, dy = y[b + l] - qy, dz = z[b + l] - qz;
            /* three statements: no compiler may fuse a product into the sum */
            double sx = dx * dx;
            double sy = dy * dy;
            double sz = dz * dz;
            d2[l] = (sx + sy) + sz;
        }
        size_t e = p1 - b < NB_KDTREE_LANES ? p1 - b : NB_KDTREE_LANES;
        for (size_t l = 0; l < e; l++) {
            d2o[n] = d2[l];
            po[n] = (uint32_t)(b + l);
            n += d2[l] <= w;
        }
    }
    return n;
}
