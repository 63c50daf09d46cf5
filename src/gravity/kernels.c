/* The kernel registry (the one table of kernels), the kernels' own parameters, and the
 * energy log's choice of potential among them. */
#include "gravity/kernels.h"

#include <stdio.h>
#include <string.h>

#include "core/registry.h"
#include "gravity/potential.h"

extern const nb_kernel nb_kernel_direct;
extern const nb_kernel nb_kernel_parallel;
extern const nb_kernel nb_kernel_knn;
extern const nb_kernel nb_kernel_tree;

static const nb_kernel *const registry[] = {
    &nb_kernel_direct,
    &nb_kernel_parallel,
    &nb_kernel_knn,
    &nb_kernel_tree,
};

#define REGISTRY_LEN NB_REGISTRY_LEN(registry)
#define ROWS ((const void *const *)registry)
_Static_assert(NB_REGISTRY_LEN(registry) <= NB_KERNELS_MAX, "a slot of own for each kernel");

const nb_kernel *nb_kernel_find(const char *name)
{
    return nb_registry_find(ROWS, REGISTRY_LEN, name);
}

const nb_kernel *const *nb_kernel_list(size_t *count)
{
    *count = REGISTRY_LEN;
    return registry;
}

const char *nb_kernel_names(void)
{
    static char names[256];
    return nb_registry_names(ROWS, REGISTRY_LEN, names, sizeof names);
}

/* Kernel k's row in the table (its slot of nb_kernel_params.own). */
static size_t slot_of(const nb_kernel *k)
{
    for (size_t j = 0; j < REGISTRY_LEN; j++)
        if (registry[j] == k)
            return j;
    return 0; /* not registered: never, every nb_kernel comes from the table */
}

size_t nb_kernel_own_offset(const nb_kernel *k)
{
    return offsetof(nb_kernel_params, own) + slot_of(k) * sizeof(((nb_kernel_params *)0)->own[0]);
}

void *nb_kernel_own(nb_kernel_params *kp, const nb_kernel *k)
{
    return kp->own[slot_of(k)].bytes;
}

const void *nb_kernel_own_const(const nb_kernel_params *kp, const nb_kernel *k)
{
    return kp->own[slot_of(k)].bytes;
}

void nb_kernel_params_defaults(nb_kernel_params *kp)
{
    memset(kp, 0, sizeof *kp);
    kp->G = 1.0;
    for (size_t k = 0; k < REGISTRY_LEN; k++)
        nb_param_defaults(nb_kernel_own(kp, registry[k]), registry[k]->keys,
                          registry[k]->nkeys);
}

const nb_kernel_key *nb_kernel_key_find(const char *name, const nb_kernel **owner)
{
    for (size_t k = 0; k < REGISTRY_LEN; k++)
        for (size_t j = 0; j < registry[k]->nkeys; j++)
            if (!strcmp(registry[k]->keys[j].name, name)) {
                if (owner)
                    *owner = registry[k];
                return &registry[k]->keys[j];
            }
    return NULL;
}

int nb_kernel_set(nb_kernel_params *kp, const char *name, double v, nb_error *err)
{
    const nb_kernel *owner;
    const nb_kernel_key *key = nb_kernel_key_find(name, &owner);
    if (!key)
        return nb_fail(err, NB_ERR_INPUT, "no kernel has a parameter '%s'", name);
    int below = key->lo_open ? !(v > key->lo) : !(v >= key->lo);
    if (below || !(v <= key->hi) || (key->is_int && v != (double)(long)v))
        return nb_fail(err, NB_ERR_INPUT, "gravity.%s = %g: expected %s%s", name, v,
                       key->expect, key->is_int == NB_PARAM_CHOICE
                       ? " (as a number: the name's index, from 0)" : "");
    nb_param_set(nb_kernel_own(kp, owner), key, v);
    return NB_OK;
}

int nb_kernel_check(const nb_kernel *k, const nb_kernel_params *kp, size_t n,
                    const char **key, nb_error *err)
{
    return k->check ? k->check(nb_kernel_own_const(kp, k), n, key, err) : NB_OK;
}

int nb_kernel_reads_accel(const nb_kernel *k, const nb_kernel_params *kp)
{
    return k && k->reads_accel ? k->reads_accel(nb_kernel_own_const(kp, k)) : 0;
}

double nb_kernel_interactions(const nb_kernel *k, const nb_kernel_params *kp, size_t n)
{
    if (k->interactions)
        return k->interactions(nb_kernel_own_const(kp, k), n);
    return (double)n * (double)(n ? n - 1 : 0);
}

const nb_kernel *nb_kernel_energy_potential(const char *method, size_t n, int *known)
{
    *known = 1;
    if (!strcmp(method, "exact"))
        return NULL;
    if (!strcmp(method, "auto")) {
        for (size_t k = 0; k < REGISTRY_LEN; k++)
            if (registry[k]->energy_potential && registry[k]->energy_potential_auto_n &&
                n >= registry[k]->energy_potential_auto_n)
                return registry[k];
        return NULL;
    }
    const nb_kernel *k = nb_kernel_find(method);
    if (k && k->energy_potential)
        return k;
    *known = 0;
    return NULL;
}

void nb_kernel_energy_params(const nb_kernel *k, const char *method, nb_kernel_params *kp,
                             char *desc, size_t size)
{
    if (k && k->energy_potential)
        k->energy_potential(nb_kernel_own(kp, k), !strcmp(method, "auto"), desc, size);
    else if (desc && size)
        snprintf(desc, size, "%s", NB_POTENTIAL_EXACT_DESC);
}

const char *nb_kernel_energy_potential_names(void)
{
    static char names[256];
    if (!names[0]) {
        size_t used = (size_t)snprintf(names, sizeof names, "exact, auto");
        for (size_t k = 0; k < REGISTRY_LEN && used < sizeof names; k++)
            if (registry[k]->energy_potential)
                used += (size_t)snprintf(names + used, sizeof names - used, ", %s",
                                         registry[k]->name);
    }
    return names;
}
