/* Thread-count resolution shared by the OpenMP kernels; builds without OpenMP too. */
#ifndef NB_THREADS_H
#define NB_THREADS_H

#ifdef _OPENMP
#include <omp.h>
/* requested > 0: exactly that many; 0: the OpenMP default (OMP_NUM_THREADS or cores). */
static inline int nb_threads(int requested)
{
    return requested > 0 ? requested : omp_get_max_threads();
}
#else
static inline int nb_threads(int requested)
{
    (void)requested;
    return 1;
}
#endif

#endif
