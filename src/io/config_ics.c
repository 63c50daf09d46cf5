/* initial_conditions as one group or as a list of components (docs/initial-conditions.md):
 * reading a list's groups, the checks that need several of its keys (type, n, file, mass
 * function) and what the generator is given. The keys themselves are config.c's schema. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "io/config.h"
#include "io/config_schema.h"
#include "physics/ics.h"

#define SECTION "initial_conditions"
#define LOC_MAX (NB_PATH_MAX + 64)

/* The mass functions physics/ics.c draws from. */
static const char *const mass_functions[] = {"equal", "kroupa", "salpeter"};
#define MASS_FUNCTIONS "equal, kroupa or salpeter"

int nb_config_component_key(const key_spec *ks)
{
    size_t ic = offsetof(nb_config, ic);
    if (strcmp(ks->section, SECTION))
        return 0;
    if (ks->offset >= ic && ks->offset < ic + sizeof(nb_ics_params))
        return 1;
    return ks->offset == offsetof(nb_config, ic_type) || ks->offset == offsetof(nb_config, n) ||
           ks->offset == offsetof(nb_config, ic_mass_function);
}

/* One group's keys with the line each was given on (0: not given, -1: --set) and the
 * line of the group itself, for messages. */
typedef struct group_lines {
    const schema_t *sch;
    const int *line;  /* indexed like sch->k */
    int group;        /* the group's own line, 0 if unknown */
    const char *prefix; /* "initial_conditions" or "initial_conditions.[K]" */
    const char *source;
} group_lines;

/* "FILE:LINE" of key name in the group g, else of the group, else "FILE". */
static void at(char *buf, const group_lines *g, const char *name)
{
    int k = nb_config_schema_find(g->sch, SECTION, name);
    int line = k >= 0 ? g->line[k] : 0;
    if (line <= 0)
        line = g->group;
    if (line > 0)
        snprintf(buf, LOC_MAX, "%s:%d", g->source, line);
    else
        snprintf(buf, LOC_MAX, "%s", g->source);
}

static int given(const group_lines *g, const char *name)
{
    int k = nb_config_schema_find(g->sch, SECTION, name);
    return k >= 0 && g->line[k] != 0;
}

/* The checks of one group whose keys are in x's initial_conditions fields; in_list: a
 * component of a list, where n must be given and a type that reads a file cannot be. */
static int check_group(nb_config *x, const group_lines *g, int in_list, nb_error *err)
{
    char loc[LOC_MAX];
    const nb_ic_type *t = nb_ics_find(x->ic_type);
    if (!t) {
        at(loc, g, "type");
        return nb_fail(err, NB_ERR_INPUT, "%s: %s.type: unknown type '%s' (expected %s)", loc,
                       g->prefix, x->ic_type, g->sch->ic_types);
    }
    if (t->reads && in_list) {
        at(loc, g, "type");
        return nb_fail(err, NB_ERR_INPUT, "%s: %s.type: \"%s\" cannot be a component (expected "
                       "a generated type; a file's particles are read with initial_conditions "
                       "as one group)", loc, g->prefix, t->name);
    }
    if (t->reads && !x->ic_file[0]) {
        at(loc, g, "file");
        return nb_fail(err, NB_ERR_INPUT, "%s: %s.file: type \"%s\" needs the path of an HDF5 "
                       "snapshot", loc, g->prefix, t->name);
    }
    if (t->fixed_n) {
        if (given(g, "n") && x->n != (long)t->fixed_n) {
            at(loc, g, "n");
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.n: %s has exactly %zu particles, got %ld",
                           loc, g->prefix, t->name, t->fixed_n, x->n);
        }
        x->n = (long)t->fixed_n;
    } else if (in_list && !t->reads && !given(g, "n")) {
        at(loc, g, "n");
        return nb_fail(err, NB_ERR_INPUT, "%s: %s.n: missing (a %s component needs its "
                       "particle count, an integer from 1 to 1000000000)", loc, g->prefix,
                       t->name);
    }
    /* two_body: its masses are m1 and m2, its size semi_major_axis; the default values
     * (which the effective configuration writes) are not "given" */
    nb_ics_params def;
    memset(&def, 0, sizeof def);
    nb_ics_params_defaults(&def);
    if (t->fixed_n)
        for (int j = 0; j < 3; j++) {
            static const char *const own[3] = {"mass", "scale_radius", "mass_function"};
            int differs = j == 0   ? x->ic.mass != def.mass
                          : j == 1 ? x->ic.scale_radius != def.scale_radius
                                   : strcmp(x->ic_mass_function, "equal") != 0;
            if (given(g, own[j]) && differs) {
                at(loc, g, own[j]);
                return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: does not apply to %s (expected "
                               "it left out: %s takes m1, m2 and semi_major_axis)", loc,
                               g->prefix, own[j], t->name, t->name);
            }
        }
    size_t k = 0;
    while (k < sizeof mass_functions / sizeof mass_functions[0] &&
           strcmp(x->ic_mass_function, mass_functions[k]))
        k++;
    if (k == sizeof mass_functions / sizeof mass_functions[0]) {
        at(loc, g, "mass_function");
        return nb_fail(err, NB_ERR_INPUT, "%s: %s.mass_function: unknown mass function '%s' "
                       "(expected " MASS_FUNCTIONS ")", loc, g->prefix, x->ic_mass_function);
    }
    if (!(x->ic.m_min < x->ic.m_max)) {
        at(loc, g, given(g, "m_max") ? "m_max" : "m_min");
        return nb_fail(err, NB_ERR_INPUT, "%s: %s.m_min = %.17g is not below %s.m_max = %.17g "
                       "(expected m_min < m_max)", loc, g->prefix, x->ic.m_min, g->prefix,
                       x->ic.m_max);
    }
    return NB_OK;
}

/* Copies x's initial_conditions fields into component k of c. */
static void take(nb_config *c, int k, const nb_config *x)
{
    nb_config_component *o = &c->comp[k];
    memset(o, 0, sizeof *o);
    memcpy(o->type, x->ic_type, sizeof o->type);
    o->n = x->n;
    memcpy(o->mass_function, x->ic_mass_function, sizeof o->mass_function);
    o->ic = x->ic;
}

int nb_config_check_ics(nb_config *c, const schema_t *sch, const char *source, nb_error *err)
{
    if (c->ic_list)
        return NB_OK; /* each component was checked as it was read */
    group_lines g = {sch, sch->line, 0, SECTION, source};
    int rc = check_group(c, &g, 0, err);
    if (rc)
        return rc;
    c->ncomp = 1;
    take(c, 0, c);
    return NB_OK;
}

/* Reads the keys of group s (component k) into x, set to the defaults first. */
static int read_group(nb_config *x, int *line, const schema_t *sch, const config_setting_t *s,
                      const char *prefix, const char *source, nb_error *err)
{
    char loc[LOC_MAX];
    nb_config_defaults(x);
    memset(line, 0, sizeof(int) * NB_CONFIG_MAX_KEYS);
    for (int j = 0; j < config_setting_length(s); j++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)j);
        const char *name = config_setting_name(e);
        nb_config_where(loc, sizeof loc, source, e);
        int ki = nb_config_schema_find(sch, SECTION, name);
        if (ki < 0 || !nb_config_component_key(&sch->k[ki])) {
            char keys[768] = "";
            for (size_t q = 0; q < sch->n; q++)
                if (nb_config_component_key(&sch->k[q])) {
                    size_t len = strlen(keys);
                    snprintf(keys + len, sizeof keys - len, "%s%s", len ? ", " : "",
                             sch->k[q].name);
                }
            if (ki >= 0)
                return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: not a key of a component (a "
                               "list of components is generated; expected one of: %s)", loc,
                               prefix, name, keys);
            return nb_fail(err, NB_ERR_INPUT, "%s: unknown key '%s.%s' (expected one of: %s)",
                           loc, prefix, name, keys);
        }
        int rc = nb_config_store(x, &sch->k[ki], e, loc, prefix, err);
        if (rc)
            return rc;
        int l = (int)config_setting_source_line(e);
        line[ki] = l > 0 ? l : -1;
    }
    return NB_OK;
}

int nb_config_read_components(nb_config *c, const schema_t *sch, const config_setting_t *list,
                              const char *source, nb_error *err)
{
    char loc[LOC_MAX];
    nb_config_where(loc, sizeof loc, source, list);
    int count = config_setting_length(list);
    if (count < 1 || count > NB_MAX_COMPONENTS)
        return nb_fail(err, NB_ERR_INPUT, "%s: " SECTION ": a list of %d components (expected "
                       "1 to %d groups { ... })", loc, count, NB_MAX_COMPONENTS);
    nb_config x; /* one group's keys, read as a single group's are */
    int line[NB_CONFIG_MAX_KEYS];
    long total = 0;
    for (int k = 0; k < count; k++) {
        const config_setting_t *s = config_setting_get_elem(list, (unsigned)k);
        char prefix[48];
        snprintf(prefix, sizeof prefix, SECTION ".[%d]", k);
        nb_config_where(loc, sizeof loc, source, s);
        if (config_setting_type(s) != CONFIG_TYPE_GROUP)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s: expected a group { type = ...; n = ...; "
                           "}, got %s", loc, prefix, nb_config_type_name(config_setting_type(s)));
        int rc = read_group(&x, line, sch, s, prefix, source, err);
        group_lines g = {sch, line, (int)config_setting_source_line(s), prefix, source};
        if (rc || (rc = check_group(&x, &g, 1, err)))
            return rc;
        if (x.n > NB_MAX_PARTICLES - total) {
            at(loc, &g, "n");
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.n: the components hold more than %ld "
                           "particles together (expected at most 1000000000)", loc, prefix,
                           (long)NB_MAX_PARTICLES);
        }
        total += x.n;
        take(c, k, &x);
    }
    c->ic_list = 1;
    c->ncomp = count;
    c->n = total;
    memcpy(c->ic_type, c->comp[0].type, sizeof c->ic_type);
    return NB_OK;
}

size_t nb_config_ics(const nb_config *c, nb_ics_params out[NB_MAX_COMPONENTS])
{
    for (int k = 0; k < c->ncomp; k++) {
        const nb_config_component *o = &c->comp[k];
        out[k] = o->ic;
        out[k].type = o->type;
        out[k].n = (size_t)o->n;
        out[k].seed = c->seed;
        out[k].G = c->G;
        out[k].mass_function = o->mass_function;
    }
    return (size_t)c->ncomp;
}
