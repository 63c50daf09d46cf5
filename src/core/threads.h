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
/* The calling thread's number in its team, 0 .. nb_threads - 1 (its scratch slot). */
static inline int nb_thread_id(void)
{
    return omp_get_thread_num();
}
#else
static inline int nb_threads(int requested)
{
    (void)requested;
    return 1;
}
static inline int nb_thread_id(void)
{
    return 0;
}
#endif

#endif
