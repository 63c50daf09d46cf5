/* Parameter files: the schema (every key with its type, default and range), reading a
 * parsed file's keys into nb_config, and the checks that need several keys. The file's
 * text comes from config_source.c, --set from config_set.c, units from physics/units.c. */
#include "io/config.h"

#include <libconfig.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/config_schema.h"
#include "io/config_set.h"
#include "io/config_source.h"
#include "io/snapshot_name.h"
#include "gravity/kernels.h"
#include "physics/ics.h"
#include "physics/timestep.h"
#include "physics/units.h"

#define FIELD_SIZE(field) sizeof(((nb_config *)0)->field)
#define STR(sec, key, field, def, what) \
    {sec, key, KEY_STRING, offsetof(nb_config, field), FIELD_SIZE(field), 0, 0, 0, what, 0, def, \
     NULL}
#define INT(sec, key, field, def, lo, hi, what) \
    {sec, key, KEY_INT, offsetof(nb_config, field), FIELD_SIZE(field), lo, hi, 0, what, def, \
     NULL, NULL}
#define FLT(sec, key, field, def, lo, hi, open, what) \
    {sec, key, KEY_FLOAT, offsetof(nb_config, field), sizeof(double), lo, hi, open, what, def, \
     NULL, NULL}
#define VEC(sec, key, field, what) \
    {sec, key, KEY_VEC3, offsetof(nb_config, field), FIELD_SIZE(field), -HUGE_VAL, HUGE_VAL, 0, \
     what, 0, NULL, NULL}

/* Every key but those the modules own (kernels, initial-condition types), with its
 * default: docs/DESIGN.md promises that every key has one. The unit scales' 0 means "not
 * set" (N-body units); it is not a valid value to give. */
static const key_spec schema[] = {
    STR("run", "name", name, "nbody", "a run name"),
    STR("run", "output_dir", output_dir, "outputs/nbody", "a directory path"),
    INT("run", "seed", seed, 42, 0, 9.2e18, "an integer from 0 to 9200000000000000000"),
    FLT("run", "max_wall_seconds", max_wall_seconds, 0, 0, HUGE_VAL, 0,
        "seconds >= 0 (0 = no limit)"),
    FLT("run", "checkpoint_every_seconds", checkpoint_every_seconds, 0, 0, HUGE_VAL, 0,
        "seconds >= 0 (0 = no periodic checkpoint)"),
    FLT("units", "G", G, 1.0, 0, HUGE_VAL, 1, "a number > 0"),
    STR("units", "system", unit_system, "nbody", "one of " NB_UNITS_SYSTEM_NAMES),
    FLT("units", "length_in_cm", length_in_cm, 0, 0, HUGE_VAL, 1, "a length in cm > 0"),
    FLT("units", "mass_in_g", mass_in_g, 0, 0, HUGE_VAL, 1, "a mass in g > 0"),
    FLT("units", "velocity_in_cm_per_s", velocity_in_cm_per_s, 0, 0, HUGE_VAL, 1,
        "a velocity in cm/s > 0"),
    STR("initial_conditions", "type", ic_type, "plummer", NULL), /* expect: the types */
    INT("initial_conditions", "n", n, 4096, 1, NB_MAX_PARTICLES,
        "an integer from 1 to 1000000000"),
    STR("initial_conditions", "file", ic_file, "", "the path of an HDF5 snapshot"),
    /* the keys every generated type takes (ics.h); their defaults are ics.c's */
    FLT("initial_conditions", "mass", ic.mass, 0, 0, HUGE_VAL, 0,
        "a total mass > 0 in the run's mass unit, or 0 for the type's own"),
    FLT("initial_conditions", "scale_radius", ic.scale_radius, 0, 0, HUGE_VAL, 0,
        "a length > 0 in the run's length unit, or 0 for the type's own"),
    VEC("initial_conditions", "centre", ic.centre, "three numbers, e.g. [1.0, 0.0, 0.0]"),
    VEC("initial_conditions", "bulk_velocity", ic.bulk_velocity,
        "three numbers, e.g. [0.0, -0.5, 0.0]"),
    INT("initial_conditions", "particle_type", ic.particle_type, 1, 0, NB_NTYPES - 1,
        "an integer from 0 to 5, GADGET's PartType"),
    INT("initial_conditions", "seed_offset", ic.seed_offset, 0, 0, 9.2e18,
        "an integer from 0 to 9200000000000000000"),
    STR("initial_conditions", "mass_function", ic_mass_function, "equal",
        "equal, kroupa or salpeter"),
    FLT("initial_conditions", "m_min", ic.m_min, 0.08, 0, HUGE_VAL, 1,
        "a mass > 0 in the run's mass unit"),
    FLT("initial_conditions", "m_max", ic.m_max, 150, 0, HUGE_VAL, 1,
        "a mass > 0 in the run's mass unit"),
    STR("initial_conditions", "gas", ic_gas, "refuse", "refuse or collisionless"),
    STR("gravity", "kernel", kernel, "parallel", "a kernel name"),
    FLT("gravity", "softening", softening, 0.01, 0, HUGE_VAL, 0, "a length >= 0"),
    INT("gravity", "threads", threads, 0, 0, 4096, "an integer from 0 (all cores) to 4096"),
    FLT("integrator", "dt", dt, 1.0e-3, 0, HUGE_VAL, 1, "a time step > 0"),
    FLT("integrator", "t_end", t_end, 1.0, 0, HUGE_VAL, 1, "a time > 0"),
    STR("integrator", "timestep", timestep, "fixed", "fixed or adaptive"),
    FLT("integrator", "eta", eta, 0.025, 0, HUGE_VAL, 1, "an accuracy > 0"),
    INT("integrator", "max_bins", max_bins, 30, 0, NB_TIMESTEP_MAX_BINS,
        "an integer from 0 to 60"),
    INT("output", "snapshot_every", snapshot_every, 100, 0, 1e15,
        "steps >= 0 (0 = only first and last)"),
    FLT("output", "snapshot_interval", snapshot_interval, 0, 0, HUGE_VAL, 0,
        "a time > 0 (0 = none)"),
    {"output", "snapshot_times", KEY_TIMES, offsetof(nb_config, snapshot_times),
     NB_MAX_SNAPSHOT_TIMES, 0, HUGE_VAL, 1, "an array of ascending times in (0, t_end]", 0,
     NULL, NULL}, /* default: none */
    STR("output", "snapshot_base", snapshot_base, NB_SNAPSHOT_BASE_DEFAULT,
        NB_SNAPSHOT_BASE_EXPECT),
    INT("output", "diagnostics_every", diagnostics_every, 10, 1, 1e15, "steps >= 1"),
    INT("output", "compression", compression, 0, 0, 9, "a gzip level from 0 to 9"),
    STR("output", "potential", potential, "auto", "exact, auto or a kernel with a potential"),
};
#define N_KEYS (sizeof schema / sizeof schema[0])

/* A module's own keys; one the schema already has (hernquist's scale_radius, now common
 * to every type) or another module added is the same key, listed once. */
static void add_owned(schema_t *sch, const char *section, size_t base, const nb_param *keys,
                      size_t nkeys, const char *owner)
{
    for (size_t j = 0; j < nkeys && sch->n < NB_CONFIG_MAX_KEYS; j++)
        if (nb_config_schema_find(sch, section, keys[j].name) < 0)
            sch->k[sch->n++] = (key_spec){
                section, keys[j].name,
                keys[j].is_int == NB_PARAM_CHOICE ? KEY_CHOICE
                : keys[j].is_int ? KEY_INT : KEY_FLOAT,
                base + keys[j].offset, keys[j].is_int ? sizeof(int) : sizeof(double),
                keys[j].lo, keys[j].hi, keys[j].lo_open, keys[j].expect, keys[j].def, NULL,
                owner};
}

void nb_config_schema_build(schema_t *sch)
{
    memset(sch, 0, sizeof *sch);
    snprintf(sch->ic_types, sizeof sch->ic_types, "one of %s", nb_ics_names());
    for (size_t k = 0; k < N_KEYS; k++) {
        sch->k[sch->n] = schema[k];
        if (!schema[k].expect)
            sch->k[sch->n].expect = sch->ic_types;
        sch->n++;
        const char *sec = schema[k].section;
        if (k + 1 < N_KEYS && !strcmp(schema[k + 1].section, sec))
            continue;
        size_t n;
        if (!strcmp(sec, "initial_conditions")) {
            const nb_ic_type *const *ics = nb_ics_list(&n);
            for (size_t i = 0; i < n; i++)
                add_owned(sch, sec, offsetof(nb_config, ic), ics[i]->keys, ics[i]->nkeys,
                          ics[i]->name);
        } else if (!strcmp(sec, "gravity")) {
            const nb_kernel *const *kernels = nb_kernel_list(&n);
            for (size_t i = 0; i < n; i++)
                add_owned(sch, sec, offsetof(nb_config, kp) + nb_kernel_own_offset(kernels[i]),
                          kernels[i]->keys, kernels[i]->nkeys, kernels[i]->name);
        }
    }
}

void nb_config_defaults(nb_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t k = 0; k < N_KEYS; k++) {
        const key_spec *ks = &schema[k];
        if (ks->type == KEY_STRING)
            snprintf((char *)c + ks->offset, ks->size, "%s", ks->sdef);
        else if (ks->type == KEY_INT || ks->type == KEY_FLOAT)
            (void)nb_config_put_number(c, ks, ks->def, (long long)ks->def);
    }
    /* the modules' own keys: each module's defaults */
    nb_ics_params_defaults(&c->ic);
    nb_kernel_params_defaults(&c->kp);
}

void nb_config_where(char *buf, size_t size, const char *source, const config_setting_t *s)
{
    int line = (int)config_setting_source_line(s);
    if (line > 0)
        snprintf(buf, size, "%s:%d", source, line);
    else
        snprintf(buf, size, "%s (--set)", source);
}

int nb_config_schema_find(const schema_t *sch, const char *section, const char *name)
{
    for (size_t k = 0; k < sch->n; k++)
        if (!strcmp(sch->k[k].section, section) && !strcmp(sch->k[k].name, name))
            return (int)k;
    return -1;
}

/* The short name this file's many look-ups use. */
static int find_key(const schema_t *sch, const char *section, const char *name)
{
    return nb_config_schema_find(sch, section, name);
}

int nb_config_section_known(const char *section)
{
    for (size_t k = 0; k < N_KEYS; k++)
        if (!strcmp(schema[k].section, section))
            return 1;
    return 0;
}

void nb_config_keys_of(const schema_t *sch, const char *section, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t k = 0; k < sch->n; k++) {
        if (strcmp(sch->k[k].section, section))
            continue;
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", len ? ", " : "", sch->k[k].name);
    }
}

/* "FILE:LINE" of key k when the file gave it, else "FILE". */
static void key_where(char *buf, size_t size, const schema_t *sch, int k, const char *source)
{
    if (k >= 0 && sch->line[k] > 0)
        snprintf(buf, size, "%s:%d", source, sch->line[k]);
    else
        snprintf(buf, size, "%s", source);
}

/* Walks the whole tree: every section and key must be in the schema. */
static int read_tree(nb_config *c, schema_t *sch, config_t *cfg, const char *source,
                     nb_error *err)
{
    config_setting_t *root = config_root_setting(cfg);
    char loc[NB_PATH_MAX + 128];
    for (int i = 0; i < config_setting_length(root); i++) {
        config_setting_t *sec = config_setting_get_elem(root, (unsigned)i);
        const char *sname = config_setting_name(sec);
        nb_config_where(loc, sizeof loc, source, sec);
        if (!nb_config_section_known(sname))
            return nb_fail(err, NB_ERR_INPUT,
                           "%s: unknown section '%s' (expected run, units, initial_conditions, "
                           "gravity, integrator or output)", loc, sname);
        if (!strcmp(sname, "initial_conditions") && config_setting_type(sec) == CONFIG_TYPE_LIST) {
            int rc = nb_config_read_components(c, sch, sec, source, err);
            if (rc)
                return rc;
            continue;
        }
        if (config_setting_type(sec) != CONFIG_TYPE_GROUP)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s: expected a group { ... }%s, got %s", loc,
                           sname, strcmp(sname, "initial_conditions") ? ""
                           : " or a list of groups ( { ... }, { ... } )",
                           nb_config_type_name(config_setting_type(sec)));
        for (int j = 0; j < config_setting_length(sec); j++) {
            config_setting_t *s = config_setting_get_elem(sec, (unsigned)j);
            const char *kname = config_setting_name(s);
            nb_config_where(loc, sizeof loc, source, s);
            int ki = find_key(sch, sname, kname);
            if (ki < 0) {
                char keys[512];
                nb_config_keys_of(sch, sname, keys, sizeof keys);
                return nb_fail(err, NB_ERR_INPUT, "%s: unknown key '%s.%s' (expected one of: %s)",
                               loc, sname, kname, keys);
            }
            int rc = nb_config_store(c, &sch->k[ki], s, loc, NULL, err);
            if (rc)
                return rc;
            /* line of the key for cross-key messages; -1: set by --set */
            int line = (int)config_setting_source_line(s);
            sch->line[ki] = line > 0 ? line : -1;
        }
    }
    return NB_OK;
}

/* c's units as physics/units.c takes them. */
static nb_units units_of(const nb_config *c)
{
    nb_units u = {.G = c->G, .length_in_cm = c->length_in_cm, .mass_in_g = c->mass_in_g,
                  .velocity_in_cm_per_s = c->velocity_in_cm_per_s};
    snprintf(u.system, sizeof u.system, "%s", c->unit_system);
    return u;
}

/* The units section resolved by physics/units.c: which keys were given (a line in sch)
 * and the scales in, the scales and G out; an error names the line of the key at fault. */
static int resolve_units(nb_config *c, const schema_t *sch, const char *source, nb_error *err)
{
    nb_units u = units_of(c);
    int given[NB_UNITS_NKEYS], key = NB_UNITS_SYSTEM;
    for (int k = 0; k < NB_UNITS_NKEYS; k++)
        given[k] = sch->line[find_key(sch, "units", nb_units_key(k))] != 0;
    nb_error why;
    if (nb_units_resolve(&u, given, &key, &why)) {
        char loc[NB_PATH_MAX + 32];
        key_where(loc, sizeof loc, sch, find_key(sch, "units", nb_units_key(key)), source);
        return nb_fail(err, NB_ERR_INPUT, "%s: %s", loc, why.msg);
    }
    c->G = u.G;
    c->length_in_cm = u.length_in_cm;
    c->mass_in_g = u.mass_in_g;
    c->velocity_in_cm_per_s = u.velocity_in_cm_per_s;
    return NB_OK;
}

int nb_config_has_units(const nb_config *c)
{
    nb_units u = units_of(c);
    return nb_units_physical(&u);
}

char *nb_config_units_line(const nb_config *c, char *buf, size_t size)
{
    nb_units u = units_of(c);
    return nb_units_line(&u, buf, size);
}

/* Checks that need several keys at once. */
static int cross_check(nb_config *c, const schema_t *sch, const char *source, nb_error *err)
{
    int rc = resolve_units(c, sch, source, err);
    if (rc)
        return rc;
    if ((rc = nb_config_check_ics(c, sch, source, err)))
        return rc;
    const nb_ic_type *ic = nb_ics_find(c->ic_type);
    const nb_kernel *kernel = nb_kernel_find(c->kernel);
    if (!kernel)
        return nb_fail(err, NB_ERR_INPUT, "%s: gravity.kernel: unknown kernel '%s' (expected one of: %s)",
                       source, c->kernel, nb_kernel_names());
    if (strcmp(c->ic_gas, "refuse") && strcmp(c->ic_gas, "collisionless")) {
        char loc[NB_PATH_MAX + 32];
        key_where(loc, sizeof loc, sch, find_key(sch, "initial_conditions", "gas"), source);
        return nb_fail(err, NB_ERR_INPUT, "%s: initial_conditions.gas: '%s', expected "
                       "\"refuse\" (a file's PartType0 is refused: nbody has no "
                       "hydrodynamics) or \"collisionless\"", loc, c->ic_gas);
    }
    if (!c->name[0])
        return nb_fail(err, NB_ERR_INPUT, "%s: run.name: must not be empty", source);
    if (!c->output_dir[0])
        return nb_fail(err, NB_ERR_INPUT, "%s: run.output_dir: must not be empty", source);
    /* a file's particle count is known only once it is read: nb_config_check_kernel then */
    if (!ic->reads) {
        const char *key = NULL;
        nb_error why;
        if (nb_kernel_check(kernel, &c->kp, (size_t)c->n, &key, &why)) {
            char loc[NB_PATH_MAX + 32];
            key_where(loc, sizeof loc, sch, key ? find_key(sch, "gravity", key) : -1, source);
            return nb_fail(err, NB_ERR_INPUT, "%s: %s", loc, why.msg);
        }
    }
    int known;
    nb_kernel_energy_potential(c->potential, (size_t)c->n, &known);
    if (!known) {
        char loc[NB_PATH_MAX + 32];
        key_where(loc, sizeof loc, sch, find_key(sch, "output", "potential"), source);
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: output.potential: unknown method '%s' (expected one of: %s)", loc,
                       c->potential, nb_kernel_energy_potential_names());
    }
    if (strcmp(c->timestep, "fixed") && strcmp(c->timestep, "adaptive")) {
        char loc[NB_PATH_MAX + 32];
        key_where(loc, sizeof loc, sch, find_key(sch, "integrator", "timestep"), source);
        return nb_fail(err, NB_ERR_INPUT, "%s: integrator.timestep: unknown method '%s' "
                       "(expected fixed or adaptive)", loc, c->timestep);
    }
    char why[64];
    if (nb_snapshot_base_check(c->snapshot_base, why, sizeof why) != 0) {
        char loc[NB_PATH_MAX + 32];
        key_where(loc, sizeof loc, sch, find_key(sch, "output", "snapshot_base"), source);
        return nb_fail(err, NB_ERR_INPUT, "%s: output.snapshot_base: %s, expected %s", loc, why,
                       NB_SNAPSHOT_BASE_EXPECT);
    }
    const nb_times *times = &c->snapshot_times;
    if (times->n > 0 && times->t[times->n - 1] > c->t_end) {
        char loc[NB_PATH_MAX + 32];
        key_where(loc, sizeof loc, sch, find_key(sch, "output", "snapshot_times"), source);
        return nb_fail(err, NB_ERR_INPUT, "%s: output.snapshot_times: %.17g is after "
                       "integrator.t_end = %.17g (expected times in (0, t_end])", loc,
                       times->t[times->n - 1], c->t_end);
    }
    double steps = c->t_end / c->dt;
    if (steps > 1e15)
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: integrator.t_end / integrator.dt = %.3g steps is too many (at most 1e15)",
                       source, steps);
    if (nb_config_steps(c) < 1)
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: integrator.t_end (%g) is shorter than half a step (dt = %g)", source,
                       c->t_end, c->dt);
    return NB_OK;
}

/* The longest path a run may write is a restart's
 * OUTPUT_DIR/superseded_after_NNNN.V/BASE_NNNN.h5.tmp (NNNN an output index: at most one a
 * step). One longer than the system takes would fail only once the run has begun, after
 * its lock and energy.csv were written: it is refused here, before anything is. */
static int check_path_length(const nb_config *c, const schema_t *sch, const char *source,
                             nb_error *err)
{
    size_t digits = (size_t)snprintf(NULL, 0, "%ld", nb_config_steps(c) + 1);
    if (digits < 4)
        digits = 4;
    size_t name = strlen(c->snapshot_base) + 1 + digits + strlen(".h5.tmp");
    if (name < 32)
        name = 32; /* energy.csv, the lock and their temporaries */
    size_t dir = strlen(c->output_dir);
    size_t longest = dir + strlen("/superseded_after_") + digits + strlen(".NNN/") + name;
    if (longest < NB_PATH_MAX)
        return NB_OK;
    char loc[NB_PATH_MAX + 32];
    key_where(loc, sizeof loc, sch, find_key(sch, "run", "output_dir"), source);
    return nb_fail(err, NB_ERR_INPUT, "%s: run.output_dir: %zu characters, which with "
                   "output.snapshot_base (%zu) make the run's longest path "
                   "(OUTPUT_DIR/superseded_after_NNNN/BASE_NNNN.h5.tmp) %zu characters, more "
                   "than the %d a path may have (expected a shorter directory or base)", loc,
                   dir, strlen(c->snapshot_base), longest, NB_PATH_MAX - 1);
}

static int load(nb_config *c, config_t *cfg, int read_ok, const char *source,
                const char *const *overrides, size_t n_overrides, nb_error *err)
{
    if (!read_ok) {
        const char *file = config_error_file(cfg);
        const char *text = config_error_text(cfg);
        /* libconfig's text is often "syntax error" itself: say it once */
        int said = text && !strncmp(text, "syntax error", 12);
        return nb_fail(err, NB_ERR_INPUT, "%s:%d: %s%s", file ? file : source,
                       config_error_line(cfg), said ? "" : "syntax error: ",
                       text ? text : "");
    }
    schema_t sch;
    nb_config_schema_build(&sch);
    for (size_t k = 0; k < n_overrides; k++) {
        int rc = nb_config_set(&sch, cfg, overrides[k], source, err);
        if (rc)
            return rc;
    }
    int rc = read_tree(c, &sch, cfg, source, err);
    if (!rc)
        rc = cross_check(c, &sch, source, err);
    if (!rc)
        rc = check_path_length(c, &sch, source, err);
    return rc;
}

int nb_config_load(nb_config *c, const char *path, const char *const *overrides,
                   size_t n_overrides, nb_error *err)
{
    nb_config_defaults(c);
    snprintf(c->source, sizeof c->source, "%s", path);
    /* @include paths are relative to the including file's directory */
    char dir[NB_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    char *text;
    int rc = nb_config_source_file(path, slash ? dir : NULL, &text, err);
    if (rc)
        return rc;
    config_t cfg;
    config_init(&cfg);
    if (slash)
        config_set_include_dir(&cfg, dir);
    /* parse the very text that was checked, not the file again */
    int ok = config_read_string(&cfg, text);
    free(text);
    rc = load(c, &cfg, ok, path, overrides, n_overrides, err);
    config_destroy(&cfg);
    return rc;
}

int nb_config_load_string(nb_config *c, const char *text, const char *name,
                          const char *const *overrides, size_t n_overrides, nb_error *err)
{
    nb_config_defaults(c);
    snprintf(c->source, sizeof c->source, "%s", name);
    int rc = nb_config_source_string(text, name, err);
    if (rc)
        return rc;
    config_t cfg;
    config_init(&cfg);
    int ok = config_read_string(&cfg, text);
    rc = load(c, &cfg, ok, name, overrides, n_overrides, err);
    config_destroy(&cfg);
    return rc;
}

int nb_config_check_kernel(const nb_config *c, size_t n, nb_error *err)
{
    const char *key = NULL;
    nb_error why;
    const nb_kernel *kernel = nb_kernel_find(c->kernel);
    if (!kernel)
        return nb_fail(err, NB_ERR_INPUT, "%s: gravity.kernel: unknown kernel '%s' (expected one of: %s)",
                       c->source, c->kernel, nb_kernel_names());
    if (nb_kernel_check(kernel, &c->kp, n, &key, &why))
        return nb_fail(err, NB_ERR_INPUT, "%s: %s", c->source, why.msg);
    return NB_OK;
}

const nb_kernel *nb_config_potential_kernel(const nb_config *c, size_t n)
{
    int known;
    return nb_kernel_energy_potential(c->potential, n, &known);
}

nb_kernel_params nb_config_kernel_params(const nb_config *c)
{
    nb_kernel_params kp = c->kp;
    kp.G = c->G;
    kp.eps = c->softening;
    kp.threads = c->threads;
    return kp;
}

long nb_config_steps(const nb_config *c)
{
    return (long)llround(c->t_end / c->dt);
}
