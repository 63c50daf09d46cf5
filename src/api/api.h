/* What the public API's files share (src/api/): the handles behind nbody.h's opaque types,
 * and the translation of the modules' nb_error into the caller's nbody_error. */
#ifndef NB_API_H
#define NB_API_H

#include "api/nbody.h"
#include "core/error.h"
#include "core/particles.h"
#include "gravity/force.h"
#include "gravity/kernels.h"
#include "io/snapshot.h"

struct nbody_particles {
    nb_particles p;
};

struct nbody_gravity {
    const nb_kernel *kernel;
    nb_kernel_params kp;
    nb_force force;      /* bound to kp for bound_n particles when bound */
    int bound;
    size_t bound_n;
    double *pot;         /* n potentials, for a target list (the kernel writes by index) */
    unsigned char *seen; /* n flags: a target listed twice is refused */
    size_t cap;
};

struct nbody_snapshot {
    nbody_particles parts;
    nb_snapshot_meta meta;
};

/* Copies e (code and message) into err (may be NULL); returns e->code. */
int nb_api_error(nbody_error *err, const nb_error *e);
/* nb_fail for the caller's nbody_error. */
int nb_api_fail(nbody_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets err to success. */
void nb_api_ok(nbody_error *err);

/* The first of n rows (3 columns: xyz, or 1) of a that is not finite (or, positive = 1,
 * not > 0), or n. */
size_t nb_api_find_bad(const double *a, size_t n, int cols, int positive);
/* A copy of src in dst (allocated here). */
int nb_api_particles_copy(nb_particles *dst, const nb_particles *src, nb_error *err);

#endif
