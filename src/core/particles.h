/* Structure-of-arrays particle store: one aligned array per component, so the kernels'
 * inner loops read unit-stride memory and vectorise. */
#ifndef NB_PARTICLES_H
#define NB_PARTICLES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Arrays are aligned to NB_ALIGN bytes. */
#define NB_ALIGN 64

typedef struct nb_particles {
    size_t n;
    double *x, *y, *z;    /* positions */
    double *vx, *vy, *vz; /* velocities */
    double *ax, *ay, *az; /* accelerations at the current positions */
    double *m;            /* masses */
    uint64_t *id;         /* stable particle identifiers */
    int32_t *bin;         /* time-step bin (individual steps: step dt / 2^bin); 0 in fixed
                             mode. Kept here so a snapshot stores it as a field like any other */
    uint8_t *type;        /* GADGET particle type 0..5 (snapshot group PartTypeN); 1 unless
                             set. The store is kept in ascending type order (stable), so a
                             snapshot's groups read back in the order they were written */
} nb_particles;

/* Number of GADGET particle types (PartType0 .. PartType5). */
#define NB_NTYPES 6

/* Allocates storage for n particles, all fields zero, ids 0..n-1. */
int nb_particles_alloc(nb_particles *p, size_t n, nb_error *err);
void nb_particles_free(nb_particles *p);

/* Allocates one zeroed, NB_ALIGN-aligned array of n doubles (NULL on failure). */
double *nb_alloc_doubles(size_t n);

/* Returns the index of the first particle with a non-finite position, velocity or
 * acceleration, or p->n if all are finite. */
size_t nb_particles_find_nonfinite(const nb_particles *p);

#endif
