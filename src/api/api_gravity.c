/* The public API's gravity handle: a kernel of the registry (gravity/kernels.h) with its
 * parameters, driven through gravity/force.h for all targets or a list. */
#include "api/api.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nbody_kernel_names(void)
{
    return nb_kernel_names();
}

/* Choice keys (NB_PARAM_CHOICE): their names are those of the key's `expect` ("a, b or
 * c"), the list the parameter file reads them with (core/params.h). */

/* The registry's choice key number c (0, 1, ...), or NULL past the last. */
static const nb_kernel_key *choice_key(size_t c)
{
    size_t count;
    const nb_kernel *const *list = nb_kernel_list(&count);
    for (size_t k = 0; k < count; k++)
        for (size_t j = 0; j < list[k]->nkeys; j++)
            if (list[k]->keys[j].is_int == NB_PARAM_CHOICE && c-- == 0)
                return &list[k]->keys[j];
    return NULL;
}

/* "opening": the choice keys' names, for messages. */
static const char *choice_key_list(char *buf, size_t size)
{
    const nb_kernel_key *key;
    buf[0] = '\0';
    for (size_t c = 0; (key = choice_key(c)); c++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", c ? ", " : "", key->name);
    }
    return buf;
}

int nbody_gravity_create(nbody_gravity **out, const char *kernel, nbody_error *err)
{
    nb_api_ok(err);
    if (!out)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_gravity_create: out is NULL");
    *out = NULL;
    const nb_kernel *k = kernel ? nb_kernel_find(kernel) : NULL;
    if (!k)
        return nb_api_fail(err, NBODY_ERR_INPUT, "unknown kernel '%s' (expected one of: %s)",
                           kernel ? kernel : "(null)", nb_kernel_names());
    nbody_gravity *g = calloc(1, sizeof *g);
    if (!g)
        return nb_api_fail(err, NBODY_ERR_RUNTIME, "out of memory");
    g->kernel = k;
    nb_kernel_params_defaults(&g->kp);
    *out = g;
    return NBODY_OK;
}

void nbody_gravity_free(nbody_gravity *g)
{
    if (!g)
        return;
    if (g->bound)
        nb_force_free(&g->force);
    free(g->pot);
    free(g->seen);
    free(g);
}

/* The parameter file's names for the short ones a numpy user types. */
static const char *canonical(const char *name)
{
    if (!strcmp(name, "theta"))
        return "opening_angle";
    if (!strcmp(name, "k"))
        return "neighbours";
    return name;
}

/* The kernel's state holds a copy of the parameters: made anew at the next compute. */
static void unbind(nbody_gravity *g)
{
    if (g->bound)
        nb_force_free(&g->force);
    g->bound = 0;
}

int nbody_gravity_set(nbody_gravity *g, const char *name, double value, nbody_error *err)
{
    nb_api_ok(err);
    if (!g || !name)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_gravity_set: no handle or no name");
    if (!strcmp(name, "G")) {
        if (!(isfinite(value) && value > 0))
            return nb_api_fail(err, NBODY_ERR_INPUT, "G = %g: expected a finite number > 0",
                               value);
        g->kp.G = value;
    } else if (!strcmp(name, "softening")) {
        if (!(isfinite(value) && value >= 0))
            return nb_api_fail(err, NBODY_ERR_INPUT, "softening = %g: expected a finite "
                               "length >= 0", value);
        g->kp.eps = value;
    } else if (!strcmp(name, "threads")) {
        if (!(value >= 0 && value <= 4096 && value == floor(value)))
            return nb_api_fail(err, NBODY_ERR_INPUT, "threads = %g: expected an integer "
                               "from 0 (OpenMP's default) to 4096", value);
        g->kp.threads = (int)value;
    } else {
        nb_error e;
        nb_error_clear(&e);
        if (nb_kernel_set(&g->kp, canonical(name), value, &e))
            return nb_api_error(err, &e);
    }
    unbind(g);
    return NBODY_OK;
}

int nbody_gravity_get(const nbody_gravity *g, const char *name, double *value,
                      nbody_error *err)
{
    nb_api_ok(err);
    if (!g || !name || !value)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_gravity_get: a NULL argument");
    if (!strcmp(name, "G"))
        *value = g->kp.G;
    else if (!strcmp(name, "softening"))
        *value = g->kp.eps;
    else if (!strcmp(name, "threads"))
        *value = g->kp.threads;
    else {
        const nb_kernel *owner;
        const nb_kernel_key *key = nb_kernel_key_find(canonical(name), &owner);
        if (!key)
            return nb_api_fail(err, NBODY_ERR_INPUT, "no kernel has a parameter '%s'", name);
        *value = nb_param_get(nb_kernel_own_const(&g->kp, owner), key);
    }
    return NBODY_OK;
}

/* The choice key called name and its owner; otherwise NULL and NBODY_ERR_INPUT in err,
 * naming the key (and value, when not NULL) and the keys that take a name. */
static const nb_kernel_key *find_choice(const char *name, const char *value,
                                        const nb_kernel **owner, nbody_error *err)
{
    const nb_kernel_key *key = nb_kernel_key_find(canonical(name), owner);
    if (key && key->is_int == NB_PARAM_CHOICE)
        return key;
    char where[160], keys[256];
    if (value)
        snprintf(where, sizeof where, "gravity.%s = '%s'", name, value);
    else
        snprintf(where, sizeof where, "gravity.%s", name);
    int numeric = key || !strcmp(name, "G") || !strcmp(name, "softening") ||
                  !strcmp(name, "threads");
    nb_api_fail(err, NBODY_ERR_INPUT, "%s: %s (the keys that take a name: %s)", where,
                numeric ? "it takes a number (nbody_gravity_set), not a name"
                        : "no kernel has such a parameter",
                choice_key_list(keys, sizeof keys));
    return NULL;
}

int nbody_gravity_set_choice(nbody_gravity *g, const char *name, const char *value,
                             nbody_error *err)
{
    nb_api_ok(err);
    if (!g || !name || !value)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_gravity_set_choice: no handle, name "
                           "or value");
    const nb_kernel *owner;
    const nb_kernel_key *key = find_choice(name, value, &owner, err);
    if (!key)
        return NBODY_ERR_INPUT;
    /* the parameter file's lookup and message (io/config_store.c) */
    int idx = nb_param_choice_index(key->expect, value);
    if (idx < 0)
        return nb_api_fail(err, NBODY_ERR_INPUT, "gravity.%s: unknown value '%s' (expected "
                           "%s)", key->name, value, key->expect);
    nb_param_set(nb_kernel_own(&g->kp, owner), key, idx);
    unbind(g);
    return NBODY_OK;
}

int nbody_gravity_get_choice(const nbody_gravity *g, const char *name, char *value,
                             size_t size, nbody_error *err)
{
    nb_api_ok(err);
    if (!g || !name || !value || !size)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_gravity_get_choice: a NULL argument "
                           "or no room");
    value[0] = '\0';
    const nb_kernel *owner;
    const nb_kernel_key *key = find_choice(name, NULL, &owner, err);
    if (!key)
        return NBODY_ERR_INPUT;
    int idx = (int)nb_param_get(nb_kernel_own_const(&g->kp, owner), key);
    if (!nb_param_choice_name(key->expect, idx, value, size)) /* every setter keeps idx */
        return nb_api_fail(err, NBODY_ERR_INPUT, "gravity.%s: its name does not fit in %zu "
                           "bytes", key->name, size);
    return NBODY_OK;
}

/* Room for n potentials and n flags. */
static int reserve(nbody_gravity *g, size_t n, nbody_error *err)
{
    if (n <= g->cap)
        return NBODY_OK;
    free(g->pot);
    free(g->seen);
    g->pot = nb_alloc_doubles(n);
    g->seen = calloc(n, 1);
    g->cap = g->pot && g->seen ? n : 0;
    if (!g->cap)
        return nb_api_fail(err, NBODY_ERR_RUNTIME, "out of memory for %zu targets", n);
    return NBODY_OK;
}

/* Every index below n and listed once. */
static int check_targets(nbody_gravity *g, size_t n, const uint32_t *targets, size_t nt,
                         nbody_error *err)
{
    int rc = NBODY_OK;
    size_t k;
    for (k = 0; k < nt && !rc; k++) {
        if (targets[k] >= n)
            rc = nb_api_fail(err, NBODY_ERR_INPUT, "target %zu is particle %u, expected an "
                             "index below N = %zu", k, (unsigned)targets[k], n);
        else if (g->seen[targets[k]])
            rc = nb_api_fail(err, NBODY_ERR_INPUT, "target %zu: particle %u is listed twice",
                             k, (unsigned)targets[k]);
        else
            g->seen[targets[k]] = 1;
    }
    for (size_t j = 0; j < k; j++)
        if (targets[j] < n)
            g->seen[targets[j]] = 0;
    return rc;
}

int nbody_gravity_compute(nbody_gravity *g, nbody_particles *p, const uint32_t *targets,
                          size_t nt, double *acc, double *pot, nbody_error *err)
{
    nb_api_ok(err);
    if (!g || !p || !acc)
        return nb_api_fail(err, NBODY_ERR_INPUT, "nbody_gravity_compute: no gravity, "
                           "particles or acceleration array");
    nb_particles *q = &p->p;
    int rc = reserve(g, q->n, err);
    if (!rc && targets)
        rc = check_targets(g, q->n, targets, nt, err);
    if (rc)
        return rc;
    nb_error e;
    nb_error_clear(&e);
    const char *key = NULL;
    if (nb_kernel_check(g->kernel, &g->kp, q->n, &key, &e))
        return nb_api_error(err, &e);
    if (g->bound && g->bound_n != q->n) {
        nb_force_free(&g->force);
        g->bound = 0;
    }
    if (!g->bound) {
        if (nb_force_init(&g->force, g->kernel->name, &g->kp, q->n, &e))
            return nb_api_error(err, &e);
        g->bound = 1;
        g->bound_n = q->n;
    }
    /* all targets: the potentials go straight into the caller's array */
    double *potbuf = pot && targets ? g->pot : pot;
    if (nb_force_prepare(&g->force, q, &e) ||
        nb_force_evaluate(&g->force, q, targets, nt, potbuf, &e))
        return nb_api_error(err, &e);
    size_t rows = targets ? nt : q->n;
    for (size_t k = 0; k < rows; k++) {
        size_t i = targets ? targets[k] : k;
        acc[3 * k] = q->ax[i];
        acc[3 * k + 1] = q->ay[i];
        acc[3 * k + 2] = q->az[i];
        if (pot && targets)
            pot[k] = g->pot[i];
    }
    return NBODY_OK;
}
