/* The grouped k-nearest search's leaf scan compiled for AVX2 (chosen at run time by
 * nb_kdtree_scan_for on CPUs that have it, whatever the build's -march): the portable body
 * of kdtree_scan_body.h, four doubles a vector. Nothing off x86. */
#include "gravity/kdtree.h"
#include "gravity/kdtree_scan.h"

#if NB_KDTREE_SCAN_X86
#define SCAN_NAME nb_kdtree_scan_avx2
#define SCAN_ATTR __attribute__((target("avx2")))
#include "gravity/kdtree_scan_body.h"
#else
typedef int nb_kdtree_scan_avx2_unused;
#endif
