/* The public API's snapshots: io/snapshot.h's reader and writer, and its attribute table
 * for the names that get and set accept (a row added there is reachable here). */
#include "api/api.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The /Header units, beside the /Integrator attributes of the table. */
static double *unit_field(nb_snapshot_meta *m, const char *name)
{
    if (!strcmp(name, "UnitLength_in_cm"))
        return &m->unit_length_in_cm;
    if (!strcmp(name, "UnitMass_in_g"))
        return &m->unit_mass_in_g;
    if (!strcmp(name, "UnitVelocity_in_cm_per_s"))
        return &m->unit_velocity_in_cm_per_s;
    return NULL;
}

static const nb_snapshot_attr *attr_find(const char *name)
{
    for (size_t k = 0; name && k < nb_snapshot_n_attrs; k++)
        if (!strcmp(nb_snapshot_attrs[k].name, name))
            return &nb_snapshot_attrs[k];
    return NULL;
}

/* What nbody_snapshot_create promises. */
static void meta_defaults(nb_snapshot_meta *m)
{
    memset(m, 0, sizeof *m);
    m->dt = 1;
    m->G = 1;
    strcpy(m->kernel, "direct");
    strcpy(m->timestep, "fixed");
    snprintf(m->version, sizeof m->version, "%s", NB_VERSION);
}

static int new_snapshot(nbody_snapshot **out, nbody_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return nb_api_fail(err, NBODY_ERR_RUNTIME, "out of memory");
    meta_defaults(&(*out)->meta);
    return NBODY_OK;
}

/* The opening of the constructors: err cleared, out and arg checked (what names the
 * function), *s a new snapshot with the defaults, e cleared for the layers' errors. */
static int begin(nbody_snapshot **out, const void *arg, const char *what, nbody_snapshot **s,
                 nb_error *e, nbody_error *err)
{
    nb_api_ok(err);
    if (!out || !arg)
        return nb_api_fail(err, NBODY_ERR_INPUT, "%s: a NULL argument", what);
    nb_error_clear(e);
    return new_snapshot(s, err);
}

/* Their end: s into *out, or after the layers' failure rc, s freed, *out NULL and e
 * reported. */
static int finish(nbody_snapshot **out, nbody_snapshot *s, int rc, const nb_error *e,
                  nbody_error *err)
{
    if (rc) {
        nbody_snapshot_free(s);
        *out = NULL;
        return nb_api_error(err, e);
    }
    *out = s;
    return NBODY_OK;
}

int nbody_snapshot_read(nbody_snapshot **out, const char *path, nbody_error *err)
{
    nbody_snapshot *s;
    nb_error e;
    int rc = begin(out, path, "nbody_snapshot_read", &s, &e, err);
    if (rc)
        return rc;
    if (nb_snapshot_is_nbody(path)) {
        rc = nb_snapshot_read(path, &s->parts.p, &s->meta, &e);
    } else {
        /* another program's GADGET-style file: its particles (no gas, as initial conditions
         * read it by default), time and units */
        nb_snapshot_ic_info info;
        rc = nb_snapshot_read_ic(path, 0, &s->parts.p, &info, &e);
        if (!rc && info.has_time)
            s->meta.time = info.time;
        if (!rc && info.has_units) {
            s->meta.unit_length_in_cm = info.unit_length_in_cm;
            s->meta.unit_mass_in_g = info.unit_mass_in_g;
            s->meta.unit_velocity_in_cm_per_s = info.unit_velocity_in_cm_per_s;
        }
    }
    return finish(out, s, rc, &e, err);
}

int nbody_snapshot_create(nbody_snapshot **out, const nbody_particles *p, nbody_error *err)
{
    nbody_snapshot *s;
    nb_error e;
    int rc = begin(out, p, "nbody_snapshot_create", &s, &e, err);
    if (rc)
        return rc;
    /* a failed copy leaves the particles freed: finish's nbody_snapshot_free is safe */
    return finish(out, s, nb_api_particles_copy(&s->parts.p, &p->p, &e), &e, err);
}

void nbody_snapshot_free(nbody_snapshot *s)
{
    if (!s)
        return;
    nb_particles_free(&s->parts.p);
    nb_snapshot_meta_free(&s->meta);
    free(s);
}

nbody_particles *nbody_snapshot_particles(nbody_snapshot *s)
{
    return s ? &s->parts : NULL;
}

int nbody_snapshot_get(const nbody_snapshot *s, const char *name, double *value,
                       nbody_error *err)
{
    nb_api_ok(err);
    if (!s || !name || !value)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_snapshot_get: a NULL argument");
    const double *u = unit_field((nb_snapshot_meta *)&s->meta, name);
    const nb_snapshot_attr *a = attr_find(name);
    if (u)
        *value = *u;
    else if (a && a->type == NB_SNAP_F64)
        *value = *(const double *)nb_snapshot_attr_value(&s->meta, a);
    else if (a && a->type == NB_SNAP_I64)
        *value = (double)*(const long *)nb_snapshot_attr_value(&s->meta, a);
    else
        return nb_api_fail(err, NBODY_ERR_INPUT, "snapshot attribute '%s': not a numeric "
                           "attribute of /Integrator or a unit of /Header", name);
    return NBODY_OK;
}

/* value against a's range, as the reader would check it */
static int check_number(const nb_snapshot_attr *a, double v, nbody_error *err)
{
    int ok;
    if (a->type == NB_SNAP_I64)
        ok = v == floor(v) && v <= (double)a->max && v >= -9.2e18 &&
             (a->range != NB_SNAP_NONNEG || v >= 0);
    else
        ok = a->range == NB_SNAP_ANY ? !isnan(v)
             : isfinite(v) && (a->range != NB_SNAP_POSITIVE || v > 0) &&
                   (a->range != NB_SNAP_NONNEG || v >= 0);
    if (!ok)
        return nb_api_fail(err, NBODY_ERR_INPUT, "snapshot attribute %s = %g: expected %s",
                           a->name, v, a->type == NB_SNAP_I64 ? "an integer in range"
                           : a->range == NB_SNAP_POSITIVE ? "a finite number > 0"
                           : a->range == NB_SNAP_NONNEG ? "a finite number >= 0"
                                                        : "a number");
    return NBODY_OK;
}

int nbody_snapshot_set(nbody_snapshot *s, const char *name, double value, nbody_error *err)
{
    nb_api_ok(err);
    if (!s || !name)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_snapshot_set: a NULL argument");
    double *u = unit_field(&s->meta, name);
    const nb_snapshot_attr *a = attr_find(name);
    if (u) {
        if (!(isfinite(value) && value >= 0))
            return nb_api_fail(err, NBODY_ERR_INPUT, "%s = %g: expected a finite number > 0 "
                               "(or 0: N-body units)", name, value);
        *u = value;
        return NBODY_OK;
    }
    if (!a || a->type == NB_SNAP_STRING)
        return nb_api_fail(err, NBODY_ERR_INPUT, "snapshot attribute '%s': not a numeric "
                           "attribute of /Integrator or a unit of /Header", name);
    int rc = check_number(a, value, err);
    if (rc)
        return rc;
    void *v = nb_snapshot_attr_value(&s->meta, a);
    if (a->type == NB_SNAP_I64)
        *(long *)v = (long)value;
    else
        *(double *)v = value;
    return NBODY_OK;
}

const char *nbody_snapshot_string(const nbody_snapshot *s, const char *name)
{
    if (!s || !name)
        return NULL;
    if (!strcmp(name, "parameters"))
        return s->meta.parameters ? s->meta.parameters : "";
    const nb_snapshot_attr *a = attr_find(name);
    return a && a->type == NB_SNAP_STRING ? nb_snapshot_attr_value(&s->meta, a) : NULL;
}

int nbody_snapshot_set_string(nbody_snapshot *s, const char *name, const char *value,
                              nbody_error *err)
{
    nb_api_ok(err);
    if (!s || !name || !value)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_snapshot_set_string: a NULL argument");
    if (!strcmp(name, "parameters")) {
        char *copy = strdup(value);
        if (!copy)
            return nb_api_fail(err, NBODY_ERR_RUNTIME, "out of memory");
        free(s->meta.parameters);
        s->meta.parameters = copy;
        return NBODY_OK;
    }
    const nb_snapshot_attr *a = attr_find(name);
    if (!a || a->type != NB_SNAP_STRING)
        return nb_api_fail(err, NBODY_ERR_INPUT, "snapshot attribute '%s': not a string "
                           "attribute of /Integrator, nor \"parameters\"", name);
    size_t len = strlen(value);
    int token = a->range == NB_SNAP_TOKEN;
    if (len >= a->size || ((a->range == NB_SNAP_NONEMPTY || token) && len == 0) ||
        (token && value[strspn(value, NB_RUN_ID_CHARS)]))
        return nb_api_fail(err, NBODY_ERR_INPUT, "snapshot attribute %s = \"%.40s\": "
                           "expected %s%zu characters%s", a->name, value,
                           a->range != NB_SNAP_ANY ? "1 to " : "at most ", a->size - 1,
                           token ? " of [0-9a-z-]" : "");
    memcpy(nb_snapshot_attr_value(&s->meta, a), value, len + 1);
    return NBODY_OK;
}

int nbody_snapshot_write(const nbody_snapshot *s, const char *path, int compression,
                         nbody_error *err)
{
    nb_api_ok(err);
    if (!s || !path)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_snapshot_write: a NULL argument");
    const nb_snapshot_meta *m = &s->meta;
    int units = (m->unit_length_in_cm > 0) + (m->unit_mass_in_g > 0) +
                (m->unit_velocity_in_cm_per_s > 0);
    if (units != 0 && units != 3)
        return nb_api_fail(err, NBODY_ERR_INPUT, "cannot write snapshot %s: set all three "
                           "units (UnitLength_in_cm, UnitMass_in_g, UnitVelocity_in_cm_per_s) "
                           "or none", path);
    if (m->step_origin > m->step)
        return nb_api_fail(err, NBODY_ERR_INPUT, "cannot write snapshot %s: step_origin %ld "
                           "after step %ld", path, m->step_origin, m->step);
    nb_error e;
    nb_error_clear(&e);
    if (nb_snapshot_write(path, &s->parts.p, m, compression, 0, &e))
        return nb_api_error(err, &e);
    return NBODY_OK;
}
