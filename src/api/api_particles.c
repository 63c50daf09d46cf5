/* The public API's particle sets and error channel: the caller's (n, 3) rows copied into
 * the structure-of-arrays store (core/particles.h), checked as a snapshot would be. */
#include "api/api.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(((nbody_error *)0)->message) == sizeof(((nb_error *)0)->msg),
               "nbody_error holds every nb_error message");

int nb_api_error(nbody_error *err, const nb_error *e)
{
    if (err) {
        err->code = e->code;
        memcpy(err->message, e->msg, sizeof err->message);
    }
    return e->code;
}

int nb_api_fail(nbody_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void nb_api_ok(nbody_error *err)
{
    if (err) {
        err->code = NBODY_OK;
        err->message[0] = '\0';
    }
}

const char *nbody_version(void)
{
    return NB_VERSION;
}

void nbody_version_numbers(int *major, int *minor, int *patch)
{
    int v[3] = {0, 0, 0};
    sscanf(NB_VERSION, "%d.%d.%d", &v[0], &v[1], &v[2]);
    if (major)
        *major = v[0];
    if (minor)
        *minor = v[1];
    if (patch)
        *patch = v[2];
}

size_t nb_api_find_bad(const double *a, size_t n, int cols, int positive)
{
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < cols; c++) {
            double v = a[i * (size_t)cols + (size_t)c];
            if (!isfinite(v) || (positive && !(v > 0)))
                return i;
        }
    return n;
}

/* Rows of xyz into three columns. */
static void scatter(const double *rows, size_t n, double *x, double *y, double *z)
{
    for (size_t i = 0; i < n; i++) {
        x[i] = rows[3 * i];
        y[i] = rows[3 * i + 1];
        z[i] = rows[3 * i + 2];
    }
}

static void gather(double *rows, size_t n, const double *x, const double *y, const double *z)
{
    for (size_t i = 0; i < n; i++) {
        rows[3 * i] = x[i];
        rows[3 * i + 1] = y[i];
        rows[3 * i + 2] = z[i];
    }
}

/* pos, vel and mass as create and update accept them. */
static int check_arrays(size_t n, const double *pos, const double *vel, const double *mass,
                        nbody_error *err)
{
    size_t i;
    if (pos && (i = nb_api_find_bad(pos, n, 3, 0)) < n)
        return nb_api_fail(err, NBODY_ERR_INPUT, "particle %zu: position (%g, %g, %g), "
                           "expected finite numbers", i, pos[3 * i], pos[3 * i + 1],
                           pos[3 * i + 2]);
    if (vel && (i = nb_api_find_bad(vel, n, 3, 0)) < n)
        return nb_api_fail(err, NBODY_ERR_INPUT, "particle %zu: velocity (%g, %g, %g), "
                           "expected finite numbers", i, vel[3 * i], vel[3 * i + 1],
                           vel[3 * i + 2]);
    if (mass && (i = nb_api_find_bad(mass, n, 1, 1)) < n)
        return nb_api_fail(err, NBODY_ERR_INPUT, "particle %zu: mass %g, expected a finite "
                           "mass > 0", i, mass[i]);
    return NBODY_OK;
}

int nbody_particles_create(nbody_particles **out, size_t n, const double *pos,
                           const double *vel, const double *mass, const uint64_t *ids,
                           const uint8_t *types, nbody_error *err)
{
    nb_api_ok(err);
    if (!out)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_particles_create: out is NULL");
    *out = NULL;
    if (n == 0 || n > UINT32_MAX)
        return nb_api_fail(err, NBODY_ERR_INPUT, "%zu particles, expected 1 to %u", n,
                           (unsigned)UINT32_MAX);
    if (!pos || !mass)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_particles_create: positions and "
                           "masses are required (got NULL)");
    int rc = check_arrays(n, pos, vel, mass, err);
    if (rc)
        return rc;
    for (size_t i = 0; types && i < n; i++)
        if (types[i] >= NB_NTYPES || (i > 0 && types[i] < types[i - 1]))
            return nb_api_fail(err, NBODY_ERR_INPUT, "particle %zu: type %u after type %u, "
                               "expected types 0 to %d in ascending order", i,
                               (unsigned)types[i], i ? (unsigned)types[i - 1] : 0u,
                               NB_NTYPES - 1);
    nbody_particles *h = calloc(1, sizeof *h);
    if (!h)
        return nb_api_fail(err, NBODY_ERR_RUNTIME, "out of memory");
    nb_error e;
    nb_error_clear(&e);
    if (nb_particles_alloc(&h->p, n, &e)) {
        free(h);
        return nb_api_error(err, &e);
    }
    scatter(pos, n, h->p.x, h->p.y, h->p.z);
    if (vel)
        scatter(vel, n, h->p.vx, h->p.vy, h->p.vz);
    memcpy(h->p.m, mass, n * sizeof *mass);
    if (ids)
        memcpy(h->p.id, ids, n * sizeof *ids);
    if (types)
        memcpy(h->p.type, types, n);
    *out = h;
    return NBODY_OK;
}

void nbody_particles_free(nbody_particles *p)
{
    if (p) {
        nb_particles_free(&p->p);
        free(p);
    }
}

size_t nbody_particles_count(const nbody_particles *p)
{
    return p ? p->p.n : 0;
}

int nbody_particles_update(nbody_particles *p, const double *pos, const double *vel,
                           const double *mass, nbody_error *err)
{
    nb_api_ok(err);
    if (!p)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_particles_update: no particle set");
    int rc = check_arrays(p->p.n, pos, vel, mass, err);
    if (rc)
        return rc;
    if (pos)
        scatter(pos, p->p.n, p->p.x, p->p.y, p->p.z);
    if (vel)
        scatter(vel, p->p.n, p->p.vx, p->p.vy, p->p.vz);
    if (mass)
        memcpy(p->p.m, mass, p->p.n * sizeof *mass);
    return NBODY_OK;
}

void nbody_particles_get(const nbody_particles *p, double *pos, double *vel, double *acc,
                         double *mass, uint64_t *ids, uint8_t *types)
{
    if (!p)
        return;
    const nb_particles *q = &p->p;
    if (pos)
        gather(pos, q->n, q->x, q->y, q->z);
    if (vel)
        gather(vel, q->n, q->vx, q->vy, q->vz);
    if (acc)
        gather(acc, q->n, q->ax, q->ay, q->az);
    if (mass)
        memcpy(mass, q->m, q->n * sizeof *mass);
    if (ids)
        memcpy(ids, q->id, q->n * sizeof *ids);
    if (types)
        memcpy(types, q->type, q->n);
}

int nb_api_particles_copy(nb_particles *dst, const nb_particles *src, nb_error *err)
{
    int rc = nb_particles_alloc(dst, src->n, err);
    if (rc)
        return rc;
    size_t n = src->n, d = n * sizeof(double);
    memcpy(dst->x, src->x, d); memcpy(dst->y, src->y, d); memcpy(dst->z, src->z, d);
    memcpy(dst->vx, src->vx, d); memcpy(dst->vy, src->vy, d); memcpy(dst->vz, src->vz, d);
    memcpy(dst->ax, src->ax, d); memcpy(dst->ay, src->ay, d); memcpy(dst->az, src->az, d);
    memcpy(dst->m, src->m, d);
    memcpy(dst->id, src->id, n * sizeof *src->id);
    memcpy(dst->bin, src->bin, n * sizeof *src->bin);
    memcpy(dst->type, src->type, n);
    return NB_OK;
}
