/* Parameter files: parse with libconfig, apply --set overrides, check every key against
 * one schema table, and fill nb_config. The only file that includes <libconfig.h>. */
#include "io/config.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/config_lint.h"
#include "io/snapshot_name.h"
#include "gravity/kernels.h"
#include "physics/ics.h"

typedef enum { KEY_STRING, KEY_INT, KEY_FLOAT, KEY_TIMES } key_type;

typedef struct key_spec {
    const char *section, *name;
    key_type type;
    size_t offset; /* into nb_config */
    size_t size;   /* strings: buffer size; ints: sizeof the field */
    double lo, hi; /* numbers: valid range */
    int lo_open;   /* 1: value must be > lo rather than >= lo */
    const char *expect; /* what a valid value is, for messages */
} key_spec;

#define STR(sec, key, field, what) \
    {sec, key, KEY_STRING, offsetof(nb_config, field), sizeof(((nb_config *)0)->field), 0, 0, 0, what}
#define INT(sec, key, field, lo, hi, what) \
    {sec, key, KEY_INT, offsetof(nb_config, field), sizeof(((nb_config *)0)->field), lo, hi, 0, what}
#define FLT(sec, key, field, lo, hi, open, what) \
    {sec, key, KEY_FLOAT, offsetof(nb_config, field), sizeof(double), lo, hi, open, what}

static const key_spec schema[] = {
    STR("run", "name", name, "a run name"),
    STR("run", "output_dir", output_dir, "a directory path"),
    INT("run", "seed", seed, 0, 9.2e18, "an integer from 0 to 9200000000000000000"),
    FLT("run", "max_wall_seconds", max_wall_seconds, 0, HUGE_VAL, 0, "seconds >= 0 (0 = no limit)"),
    FLT("units", "G", G, 0, HUGE_VAL, 1, "a number > 0"),
    STR("units", "system", unit_system, "one of nbody, kpc_msun_kms, au_msun_yr, cgs"),
    FLT("units", "length_in_cm", length_in_cm, 0, HUGE_VAL, 1, "a length in cm > 0"),
    FLT("units", "mass_in_g", mass_in_g, 0, HUGE_VAL, 1, "a mass in g > 0"),
    FLT("units", "velocity_in_cm_per_s", velocity_in_cm_per_s, 0, HUGE_VAL, 1,
        "a velocity in cm/s > 0"),
    STR("initial_conditions", "type", ic_type, NULL), /* expect: the registered types */
    INT("initial_conditions", "n", n, 1, NB_MAX_PARTICLES, "an integer from 1 to 1000000000"),
    STR("initial_conditions", "file", ic_file, "the path of an HDF5 snapshot"),
    STR("gravity", "kernel", kernel, "a kernel name"),
    FLT("gravity", "softening", softening, 0, HUGE_VAL, 0, "a length >= 0"),
    INT("gravity", "threads", threads, 0, 4096, "an integer from 0 (all cores) to 4096"),
    FLT("integrator", "dt", dt, 0, HUGE_VAL, 1, "a time step > 0"),
    FLT("integrator", "t_end", t_end, 0, HUGE_VAL, 1, "a time > 0"),
    INT("output", "snapshot_every", snapshot_every, 0, 1e15,
        "steps >= 0 (0 = only first and last)"),
    FLT("output", "snapshot_interval", snapshot_interval, 0, HUGE_VAL, 0,
        "a time > 0 (0 = none)"),
    {"output", "snapshot_times", KEY_TIMES, offsetof(nb_config, snapshot_times),
     NB_MAX_SNAPSHOT_TIMES, 0, HUGE_VAL, 1, "an array of ascending times in (0, t_end]"},
    STR("output", "snapshot_base", snapshot_base, NB_SNAPSHOT_BASE_EXPECT),
    INT("output", "diagnostics_every", diagnostics_every, 1, 1e15, "steps >= 1"),
    INT("output", "compression", compression, 0, 9, "a gzip level from 0 to 9"),
    STR("output", "potential", potential, "exact, auto or a kernel with a potential"),
};
#define N_KEYS (sizeof schema / sizeof schema[0])
#define MAX_OWNED_KEYS 64

/* The schema above with the keys that modules own added at the end of their sections:
 * each initial-condition type's (nb_ic_type.keys) and each kernel's (nb_kernel.keys);
 * and the line each key was read from (0: not given; -1: given by --set). */
typedef struct schema_t {
    key_spec k[N_KEYS + MAX_OWNED_KEYS];
    int line[N_KEYS + MAX_OWNED_KEYS];
    size_t n;
    char ic_types[256]; /* "one of gaussian, ..., file" */
} schema_t;

static void add_owned(schema_t *sch, const char *section, size_t base, const nb_param *keys,
                      size_t nkeys)
{
    for (size_t j = 0; j < nkeys && sch->n < N_KEYS + MAX_OWNED_KEYS; j++)
        sch->k[sch->n++] = (key_spec){
            section, keys[j].name, keys[j].is_int ? KEY_INT : KEY_FLOAT,
            base + keys[j].offset, keys[j].is_int ? sizeof(int) : sizeof(double),
            keys[j].lo, keys[j].hi, keys[j].lo_open, keys[j].expect};
}

static void schema_build(schema_t *sch)
{
    memset(sch, 0, sizeof *sch);
    snprintf(sch->ic_types, sizeof sch->ic_types, "one of %s, file", nb_ics_names());
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
                add_owned(sch, sec, offsetof(nb_config, ic), ics[i]->keys, ics[i]->nkeys);
        } else if (!strcmp(sec, "gravity")) {
            const nb_kernel *const *kernels = nb_kernel_list(&n);
            for (size_t i = 0; i < n; i++)
                add_owned(sch, sec, offsetof(nb_config, kp) + nb_kernel_own_offset(kernels[i]),
                          kernels[i]->keys, kernels[i]->nkeys);
        }
    }
}

void nb_config_defaults(nb_config *c)
{
    memset(c, 0, sizeof *c);
    strcpy(c->name, "nbody");
    strcpy(c->output_dir, "outputs/nbody");
    c->seed = 42;
    c->G = 1.0;
    strcpy(c->unit_system, "nbody");
    strcpy(c->ic_type, "plummer");
    c->n = 4096;
    nb_ics_params_defaults(&c->ic);
    strcpy(c->kernel, "parallel");
    c->softening = 0.01;
    nb_kernel_params_defaults(&c->kp);
    c->threads = 0;
    c->dt = 1.0e-3;
    c->t_end = 1.0;
    c->snapshot_every = 100;
    strcpy(c->snapshot_base, NB_SNAPSHOT_BASE_DEFAULT);
    c->diagnostics_every = 10;
    c->compression = 4;
    strcpy(c->potential, "auto");
}

/* "FILE:LINE" for a setting from the file, "FILE (--set)" for an override. */
static void where(char *buf, size_t size, const char *source, const config_setting_t *s)
{
    int line = (int)config_setting_source_line(s);
    if (line > 0)
        snprintf(buf, size, "%s:%d", source, line);
    else
        snprintf(buf, size, "%s (--set)", source);
}

/* The index of section.name in sch, or -1. */
static int find_key(const schema_t *sch, const char *section, const char *name)
{
    for (size_t k = 0; k < sch->n; k++)
        if (!strcmp(sch->k[k].section, section) && !strcmp(sch->k[k].name, name))
            return (int)k;
    return -1;
}

static int section_known(const char *section)
{
    for (size_t k = 0; k < N_KEYS; k++)
        if (!strcmp(schema[k].section, section))
            return 1;
    return 0;
}

static void keys_of(const schema_t *sch, const char *section, char *buf, size_t size)
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

static const char *type_name(int t)
{
    switch (t) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: return "an integer";
    case CONFIG_TYPE_FLOAT: return "a floating-point number";
    case CONFIG_TYPE_STRING: return "a string";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_GROUP: return "a group";
    case CONFIG_TYPE_ARRAY: return "an array";
    case CONFIG_TYPE_LIST: return "a list";
    default: return "an unknown type";
    }
}

/* Stores one setting into c after checking its type and range. */
static int store(nb_config *c, const key_spec *ks, const config_setting_t *s, const char *loc,
                 nb_error *err)
{
    int t = config_setting_type(s);
    char *field = (char *)c + ks->offset;
    if (ks->type == KEY_STRING) {
        if (t != CONFIG_TYPE_STRING)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: expected %s in quotes, got %s", loc,
                           ks->section, ks->name, ks->expect, type_name(t));
        const char *v = config_setting_get_string(s);
        /* the name and directory end up in file names and in energy.csv's "#" header,
         * where a newline would start a line that is not a comment */
        if (!strcmp(ks->section, "run"))
            for (const char *ch = v; *ch; ch++)
                if ((unsigned char)*ch < 0x20 || *ch == 0x7f)
                    return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: contains a control character "
                                   "(byte 0x%02x at position %d), expected printable text", loc,
                                   ks->section, ks->name, (unsigned char)*ch, (int)(ch - v));
        if (strlen(v) >= ks->size)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: too long (at most %zu characters)",
                           loc, ks->section, ks->name, ks->size - 1);
        strcpy(field, v);
        return NB_OK;
    }
    if (ks->type == KEY_TIMES) {
        if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: expected %s, e.g. [0.5, 1.0], got %s",
                           loc, ks->section, ks->name, ks->expect, type_name(t));
        nb_times *times = (nb_times *)field;
        int n = config_setting_length(s);
        if (n > (int)ks->size)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: %d times, expected at most %zu", loc,
                           ks->section, ks->name, n, ks->size);
        for (int k = 0; k < n; k++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)k);
            int et = config_setting_type(e);
            double v;
            if (et == CONFIG_TYPE_INT || et == CONFIG_TYPE_INT64)
                v = (double)config_setting_get_int64(e);
            else if (et == CONFIG_TYPE_FLOAT)
                v = config_setting_get_float(e);
            else
                return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: element %d is %s, expected a "
                               "number (%s)", loc, ks->section, ks->name, k + 1, type_name(et),
                               ks->expect);
            if (!(v > 0) || !isfinite(v))
                return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: element %d is %.17g, expected a "
                               "time > 0 (%s)", loc, ks->section, ks->name, k + 1, v,
                               ks->expect);
            if (k > 0 && !(v > times->t[k - 1]))
                return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: element %d (%.17g) is not after "
                               "element %d (%.17g), expected %s", loc, ks->section, ks->name,
                               k + 1, v, k, times->t[k - 1], ks->expect);
            times->t[k] = v;
        }
        times->n = n;
        return NB_OK;
    }
    double v;
    long long iv = 0;
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
        iv = config_setting_get_int64(s);
        v = (double)iv;
    } else if (t == CONFIG_TYPE_FLOAT && ks->type == KEY_FLOAT) {
        v = config_setting_get_float(s);
    } else {
        return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: expected %s, got %s", loc, ks->section,
                       ks->name, ks->type == KEY_INT ? "an integer" : "a number",
                       type_name(t));
    }
    int below = ks->lo_open ? !(v > ks->lo) : !(v >= ks->lo);
    if (below || !(v <= ks->hi) || !isfinite(v))
        return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: %.17g is out of range (expected %s)", loc,
                       ks->section, ks->name, v, ks->expect);
    if (ks->type == KEY_FLOAT)
        *(double *)field = v;
    else if (ks->size == sizeof(int))
        *(int *)field = (int)iv;
    else if (ks->size == sizeof(long))
        *(long *)field = (long)iv;
    else
        return nb_fail(err, NB_ERR_RUNTIME, "internal: field size of %s.%s", ks->section,
                       ks->name);
    return NB_OK;
}

/* Parses VALUE of "section.key=VALUE" with libconfig's own syntax into a scratch
 * config; a bare word for a string key is taken as that string. */
static int apply_override(const schema_t *sch, config_t *cfg, const char *ov, const char *source,
                          nb_error *err)
{
    const char *eq = strchr(ov, '=');
    const char *dot = strchr(ov, '.');
    if (!eq || !dot || dot > eq)
        return nb_fail(err, NB_ERR_INPUT,
                       "--set %s: expected SECTION.KEY=VALUE, e.g. gravity.softening=0.02", ov);
    char section[64], name[64];
    size_t slen = (size_t)(dot - ov), nlen = (size_t)(eq - dot - 1);
    if (slen == 0 || slen >= sizeof section || nlen == 0 || nlen >= sizeof name)
        return nb_fail(err, NB_ERR_INPUT, "--set %s: expected SECTION.KEY=VALUE", ov);
    memcpy(section, ov, slen);
    section[slen] = '\0';
    memcpy(name, dot + 1, nlen);
    name[nlen] = '\0';
    int ki = find_key(sch, section, name);
    if (ki < 0) {
        char keys[512];
        keys_of(sch, section, keys, sizeof keys);
        if (!section_known(section))
            return nb_fail(err, NB_ERR_INPUT,
                           "--set %s: unknown section '%s' (expected run, units, "
                           "initial_conditions, gravity, integrator or output)", ov, section);
        return nb_fail(err, NB_ERR_INPUT, "--set %s: unknown key '%s.%s' (expected one of: %s)",
                       ov, section, name, keys);
    }

    const key_spec *ks = &sch->k[ki];
    const char *value = eq + 1;
    /* one line, one value: a newline would let the value start an @include line */
    for (const char *ch = value; *ch; ch++)
        if ((unsigned char)*ch < 0x20 || *ch == 0x7f)
            return nb_fail(err, NB_ERR_INPUT, "--set %s: the value contains a control character "
                           "(byte 0x%02x), expected one value on one line", ov,
                           (unsigned char)*ch);
    char what[256];
    if (nb_config_lint(value, what, sizeof what))
        return nb_fail(err, NB_ERR_INPUT, "--set %s: %s", ov, what);
    size_t len = strlen(value);
    char *text = malloc(len + 16);
    if (!text)
        return nb_fail(err, NB_ERR_RUNTIME, "out of memory");
    config_t tmp;
    config_init(&tmp);
    snprintf(text, len + 16, "v = %s;", value);
    int ok = config_read_string(&tmp, text);
    /* a bare word is a string, but "name=foo; c = 5" is two settings, not a name */
    if (!ok && ks->type == KEY_STRING && !strpbrk(value, "\"\\;=")) {
        snprintf(text, len + 16, "v = \"%s\";", value);
        config_destroy(&tmp);
        config_init(&tmp);
        ok = config_read_string(&tmp, text);
    }
    free(text);
    if (!ok && strpbrk(value, ";=")) {
        config_destroy(&tmp);
        return nb_fail(err, NB_ERR_INPUT, "--set %s: text after the value, expected exactly one "
                       "setting per --set (give each setting its own --set; quote a string "
                       "that holds ';' or '=')", ov);
    }
    if (!ok) {
        int rc = nb_fail(err, NB_ERR_INPUT, "--set %s: cannot read the value: %s (expected %s)",
                         ov, config_error_text(&tmp), ks->expect);
        config_destroy(&tmp);
        return rc;
    }
    /* "v = 1; c = 5;" parses as two settings: the rest of the value would be dropped */
    config_setting_t *tmp_root = config_root_setting(&tmp);
    if (config_setting_length(tmp_root) != 1) {
        config_destroy(&tmp);
        return nb_fail(err, NB_ERR_INPUT, "--set %s: text after the value, expected exactly one "
                       "setting per --set (give each setting its own --set)", ov);
    }
    config_setting_t *src = config_lookup(&tmp, "v");
    int t = config_setting_type(src);
    if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64 && t != CONFIG_TYPE_FLOAT &&
        t != CONFIG_TYPE_STRING && !(ks->type == KEY_TIMES && t == CONFIG_TYPE_ARRAY)) {
        config_destroy(&tmp);
        return nb_fail(err, NB_ERR_INPUT, "--set %s: expected %s, got %s", ov, ks->expect,
                       type_name(t));
    }

    config_setting_t *root = config_root_setting(cfg);
    config_setting_t *sec = config_setting_get_member(root, section);
    if (sec && config_setting_type(sec) != CONFIG_TYPE_GROUP) {
        config_destroy(&tmp);
        return nb_fail(err, NB_ERR_INPUT, "%s:%d: %s: expected a group { ... }", source,
                       config_setting_source_line(sec), section);
    }
    if (!sec)
        sec = config_setting_add(root, section, CONFIG_TYPE_GROUP);
    if (config_setting_get_member(sec, name))
        config_setting_remove(sec, name);
    config_setting_t *dst = sec ? config_setting_add(sec, name, t) : NULL;
    if (!dst) {
        config_destroy(&tmp);
        return nb_fail(err, NB_ERR_RUNTIME, "--set %s: could not apply", ov);
    }
    if (t == CONFIG_TYPE_ARRAY) {
        /* element by element: libconfig has no copy */
        for (int k = 0; k < config_setting_length(src); k++) {
            const config_setting_t *e = config_setting_get_elem(src, (unsigned)k);
            int et = config_setting_type(e);
            config_setting_t *d = config_setting_add(dst, NULL, et);
            if (!d)
                break; /* only the type of the first element is allowed in an array */
            if (et == CONFIG_TYPE_FLOAT)
                config_setting_set_float(d, config_setting_get_float(e));
            else if (et == CONFIG_TYPE_INT || et == CONFIG_TYPE_INT64)
                config_setting_set_int64(d, config_setting_get_int64(e));
            else
                config_setting_set_string(d, config_setting_get_string(e));
        }
    } else if (t == CONFIG_TYPE_STRING)
        config_setting_set_string(dst, config_setting_get_string(src));
    else if (t == CONFIG_TYPE_FLOAT)
        config_setting_set_float(dst, config_setting_get_float(src));
    else
        config_setting_set_int64(dst, config_setting_get_int64(src));
    config_destroy(&tmp);
    return NB_OK;
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
        where(loc, sizeof loc, source, sec);
        if (!section_known(sname))
            return nb_fail(err, NB_ERR_INPUT,
                           "%s: unknown section '%s' (expected run, units, initial_conditions, "
                           "gravity, integrator or output)", loc, sname);
        if (config_setting_type(sec) != CONFIG_TYPE_GROUP)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s: expected a group { ... }, got %s", loc,
                           sname, type_name(config_setting_type(sec)));
        for (int j = 0; j < config_setting_length(sec); j++) {
            config_setting_t *s = config_setting_get_elem(sec, (unsigned)j);
            const char *kname = config_setting_name(s);
            where(loc, sizeof loc, source, s);
            int ki = find_key(sch, sname, kname);
            if (ki < 0) {
                char keys[512];
                keys_of(sch, sname, keys, sizeof keys);
                return nb_fail(err, NB_ERR_INPUT, "%s: unknown key '%s.%s' (expected one of: %s)",
                               loc, sname, kname, keys);
            }
            int rc = store(c, &sch->k[ki], s, loc, err);
            if (rc)
                return rc;
            /* line of the key for cross-key messages; -1: set by --set */
            int line = (int)config_setting_source_line(s);
            sch->line[ki] = line > 0 ? line : -1;
        }
    }
    return NB_OK;
}

/* Named unit systems. The solar mass is the IAU 2015 nominal GM_sun / G, so that
 * G_cgs * Msun is the measured GM_sun; velocity 0: derived (au_msun_yr's "yr" is the
 * period of a circular orbit of 1 au around 1 Msun, 365.2569 days, which makes G = 4 pi^2
 * in these units). */
#define KPC_CM 3.0856775814913673e21
#define MSUN_G 1.988409870698051e33
#define AU_CM 1.495978707e13
#define TWO_PI 6.283185307179586
static const struct unit_system {
    const char *name;
    double length, mass, velocity;
    const char *length_name, *mass_name, *velocity_name, *time_name;
} unit_systems[] = {
    {"nbody", 0, 0, 0, NULL, NULL, NULL, NULL},
    {"kpc_msun_kms", KPC_CM, MSUN_G, 1e5, "kpc", "Msun", "km/s", "0.978 Gyr"},
    {"au_msun_yr", AU_CM, MSUN_G, 0, "au", "Msun", "au/yr", "yr"},
    {"cgs", 1, 1, 1, "cm", "g", "cm/s", "s"},
};
#define N_UNIT_SYSTEMS (sizeof unit_systems / sizeof unit_systems[0])

static const struct unit_system *unit_system_find(const char *name)
{
    for (size_t k = 0; k < N_UNIT_SYSTEMS; k++)
        if (!strcmp(unit_systems[k].name, name))
            return &unit_systems[k];
    return NULL;
}

/* Resolves units.system and the explicit scales into length, mass and velocity (each an
 * explicit key overrides the system's), and G: with all three scales G = G_cgs M / (L V^2)
 * unless units.G is given (it wins; a note says when it disagrees by more than 1e-6);
 * with two, the third follows from G (given, or 1: N-body units with a physical scale);
 * with none the run is in N-body units without a scale and G is as given (default 1). */
static int resolve_units(nb_config *c, const schema_t *sch, const char *source, nb_error *err)
{
    char loc[NB_PATH_MAX + 32];
    const struct unit_system *us = unit_system_find(c->unit_system);
    if (!us) {
        key_where(loc, sizeof loc, sch, find_key(sch, "units", "system"), source);
        return nb_fail(err, NB_ERR_INPUT, "%s: units.system: unknown unit system '%s' (expected "
                       "one of nbody, kpc_msun_kms, au_msun_yr, cgs)", loc, c->unit_system);
    }
    const char *names[3] = {"length_in_cm", "mass_in_g", "velocity_in_cm_per_s"};
    double *v[3] = {&c->length_in_cm, &c->mass_in_g, &c->velocity_in_cm_per_s};
    double sys[3] = {us->length, us->mass, us->velocity};
    if (us->length > 0 && us->velocity == 0) /* au_msun_yr: au per Kepler year */
        sys[2] = sqrt(NB_G_CGS * us->mass / us->length) / TWO_PI;
    int known = 0, given = -1;
    for (int k = 0; k < 3; k++) {
        if (sch->line[find_key(sch, "units", names[k])] != 0)
            given = k;
        else
            *v[k] = sys[k];
        known += *v[k] > 0;
    }
    double L = c->length_in_cm, M = c->mass_in_g, V = c->velocity_in_cm_per_s;
    int g_line = sch->line[find_key(sch, "units", "G")];
    if (known == 3) {
        double g = NB_G_CGS * M / (L * V * V);
        if (!isfinite(g) || !(g > 0)) {
            key_where(loc, sizeof loc, sch, find_key(sch, "units", names[given < 0 ? 0 : given]),
                      source);
            return nb_fail(err, NB_ERR_INPUT, "%s: units: G = G_cgs M / (L V^2) = %g is not a "
                           "usable number (expected scales that give 0 < G < infinity)", loc, g);
        }
        if (!g_line)
            c->G = g;
        else if (fabs(c->G - g) > 1e-6 * g) {
            key_where(loc, sizeof loc, sch, find_key(sch, "units", "G"), source);
            fprintf(stderr, "nbody: note: %s: units.G = %.9g is used as given; the units say "
                    "G = %.9g\n", loc, c->G, g);
        }
    } else if (known == 2) {
        double G = c->G;
        if (!(L > 0))
            c->length_in_cm = NB_G_CGS * M / (G * V * V);
        else if (!(M > 0))
            c->mass_in_g = G * L * V * V / NB_G_CGS;
        else
            c->velocity_in_cm_per_s = sqrt(NB_G_CGS * M / (G * L));
        for (int k = 0; k < 3; k++)
            if (!isfinite(*v[k]) || !(*v[k] > 0)) {
                key_where(loc, sizeof loc, sch, find_key(sch, "units", names[k]), source);
                return nb_fail(err, NB_ERR_INPUT, "%s: units.%s: derived from G and the other "
                               "two scales as %g (expected a number > 0)", loc, names[k], *v[k]);
            }
    } else if (known == 1) {
        key_where(loc, sizeof loc, sch, find_key(sch, "units", names[given]), source);
        return nb_fail(err, NB_ERR_INPUT, "%s: units.%s: one scale alone does not fix the "
                       "units (expected a second of length_in_cm, mass_in_g, "
                       "velocity_in_cm_per_s, the third following from G, or all three)", loc,
                       names[given]);
    }
    return NB_OK;
}

int nb_config_has_units(const nb_config *c)
{
    return c->length_in_cm > 0 && c->mass_in_g > 0 && c->velocity_in_cm_per_s > 0;
}

char *nb_config_units_line(const nb_config *c, char *buf, size_t size)
{
    char g[32];
    nb_config_format_double(g, sizeof g, c->G);
    if (!nb_config_has_units(c)) {
        snprintf(buf, size, "N-body (no physical scale), G = %s", g);
        return buf;
    }
    /* the system's names only when the scales are still the system's own */
    const struct unit_system *us = unit_system_find(c->unit_system);
    double v = us && us->length > 0 && us->velocity == 0
                   ? sqrt(NB_G_CGS * us->mass / us->length) / TWO_PI
                   : us ? us->velocity : 0;
    int named = us && us->length_name && c->length_in_cm == us->length &&
                c->mass_in_g == us->mass && c->velocity_in_cm_per_s == v;
    char l[32], m[32], ve[32];
    snprintf(buf, size, "length %s cm%s%s%s, mass %s g%s%s%s, velocity %s cm/s%s%s%s, "
             "time %.9g s%s%s%s, G = %s",
             nb_config_format_double(l, sizeof l, c->length_in_cm),
             named ? " (" : "", named ? us->length_name : "", named ? ")" : "",
             nb_config_format_double(m, sizeof m, c->mass_in_g),
             named ? " (" : "", named ? us->mass_name : "", named ? ")" : "",
             nb_config_format_double(ve, sizeof ve, c->velocity_in_cm_per_s),
             named ? " (" : "", named ? us->velocity_name : "", named ? ")" : "",
             c->length_in_cm / c->velocity_in_cm_per_s,
             named ? " (" : "", named ? us->time_name : "", named ? ")" : "", g);
    return buf;
}

/* Checks that need several keys at once. */
static int cross_check(nb_config *c, const schema_t *sch, const char *source, nb_error *err)
{
    int rc = resolve_units(c, sch, source, err);
    if (rc)
        return rc;
    int n_line = sch->line[find_key(sch, "initial_conditions", "n")];
    const nb_ic_type *ic = nb_ics_find(c->ic_type);
    if (!ic && strcmp(c->ic_type, "file"))
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: initial_conditions.type: unknown type '%s' (expected %s)", source,
                       c->ic_type, sch->ic_types);
    const nb_kernel *kernel = nb_kernel_find(c->kernel);
    if (!kernel)
        return nb_fail(err, NB_ERR_INPUT, "%s: gravity.kernel: unknown kernel '%s' (expected one of: %s)",
                       source, c->kernel, nb_kernel_names());
    if (ic && ic->fixed_n) {
        if (n_line != 0 && c->n != (long)ic->fixed_n)
            return nb_fail(err, NB_ERR_INPUT,
                           "%s: initial_conditions.n: %s has exactly %zu particles, got %ld",
                           source, ic->name, ic->fixed_n, c->n);
        c->n = (long)ic->fixed_n;
    }
    if (!strcmp(c->ic_type, "file") && !c->ic_file[0])
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: initial_conditions.file: type \"file\" needs the path of an HDF5 "
                       "snapshot", source);
    if (!c->name[0])
        return nb_fail(err, NB_ERR_INPUT, "%s: run.name: must not be empty", source);
    if (!c->output_dir[0])
        return nb_fail(err, NB_ERR_INPUT, "%s: run.output_dir: must not be empty", source);
    /* a file's particle count is known only once it is read: nb_config_check_kernel then */
    if (strcmp(c->ic_type, "file")) {
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

/* libconfig 1.5's parser takes time quadratic in the length of a token: a few megabytes
 * take minutes. A parameter file is a few kilobytes. */
#define PARAM_MAX_BYTES (1024L * 1024L)
/* libconfig's own limit on @include nesting */
#define INCLUDE_MAX_DEPTH 10

static const char *not_regular(mode_t m)
{
    if (S_ISDIR(m))
        return "is a directory";
    if (S_ISFIFO(m))
        return "not a regular file (a FIFO)";
    if (S_ISSOCK(m))
        return "not a regular file (a socket)";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "not a regular file (a device)";
    return "not a regular file";
}

/* Reads a parameter file whole into *out (malloc'd; a NUL inside ends it, as it ends
 * libconfig's parse). Opened without blocking and checked before any read: a FIFO would
 * block forever, a device never end. On failure returns -1 (what: the system's reason)
 * or -2 (what: not a regular file, too large). */
static int read_param_file(const char *path, char **out, char *what, size_t size)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(what, size, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(what, size, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > PARAM_MAX_BYTES) {
        if (S_ISREG(st.st_mode))
            snprintf(what, size, "%.1f MB, larger than the 1 MB limit for a parameter file",
                     (double)st.st_size / (1024.0 * 1024.0));
        else
            snprintf(what, size, "%s (expected a parameter file)", not_regular(st.st_mode));
        close(fd);
        return -2;
    }
    size_t len = 0, cap = st.st_size > 0 && st.st_size <= PARAM_MAX_BYTES ?
                              (size_t)st.st_size + 2 : 4096;
    char *buf = malloc(cap);
    int too_big = 0;
    for (;;) {
        if (!buf) {
            snprintf(what, size, "out of memory");
            break;
        }
        if (len + 1 >= cap) {
            char *more = realloc(buf, cap * 2);
            if (!more) {
                free(buf);
                buf = NULL;
                continue;
            }
            buf = more;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + len, cap - len - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            snprintf(what, size, "%s", strerror(errno));
            free(buf);
            buf = NULL;
            break;
        }
        len += (size_t)k;
        if (len > PARAM_MAX_BYTES) {
            too_big = 1;
            /* st_size may have been smaller (a file still growing) */
            long long total = st.st_size > (off_t)len ? (long long)st.st_size : (long long)len;
            snprintf(what, size, "%.1f MB, larger than the 1 MB limit for a parameter file",
                     (double)total / (1024.0 * 1024.0));
            free(buf);
            buf = NULL;
            break;
        }
        if (k == 0) {
            buf[len] = '\0';
            break;
        }
    }
    close(fd);
    *out = buf;
    return buf ? 0 : too_big ? -2 : -1;
}

/* One file being checked before libconfig reads it, for the @include walk. */
typedef struct include_walk {
    const char *dir;  /* libconfig's include_dir: every @include is taken relative to it */
    const char *file; /* the file being scanned */
    int depth;
    nb_error *err;
} include_walk;

static int check_param_text(const char *text, const char *file, const char *from,
                            const char *dir, int depth, nb_error *err);

static int check_include(int line, const char *name, size_t len, int malformed, void *ctx)
{
    const include_walk *w = ctx;
    if (malformed)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: @include: expected a file name in double "
                       "quotes without backslashes", w->file, line);
    if (w->depth >= INCLUDE_MAX_DEPTH)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: @include '%.*s': nested more than %d deep "
                       "(does a file include itself?)", w->file, line, (int)len, name,
                       INCLUDE_MAX_DEPTH);
    /* libconfig 1.5 puts include_dir in front of every name, absolute ones too */
    char path[NB_PATH_MAX], from[NB_PATH_MAX + 32], what[256];
    if ((size_t)snprintf(path, sizeof path, "%s%s%.*s", w->dir ? w->dir : "",
                         w->dir ? "/" : "", (int)len, name) >= sizeof path)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: @include: the path is too long", w->file,
                       line);
    char *text;
    int got = read_param_file(path, &text, what, sizeof what);
    if (got == -1)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: syntax error: cannot open include file "
                       "'%s': %s", w->file, line, path, what);
    if (got)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: @include '%s': %s", w->file, line, path,
                       what);
    snprintf(from, sizeof from, "%s:%d", w->file, line);
    int rc = check_param_text(text, path, from, w->dir, w->depth + 1, w->err);
    free(text);
    return rc;
}

/* Lints text (of file, included from "FILE:LINE" or NULL), then every file it
 * @includes, as libconfig will read them. */
static int check_param_text(const char *text, const char *file, const char *from,
                            const char *dir, int depth, nb_error *err)
{
    char what[256];
    int line = nb_config_lint(text, what, sizeof what);
    if (line)
        return nb_fail(err, NB_ERR_INPUT, "%s:%d: %s%s%s%s", file, line, what,
                       from ? " (in a file included from " : "", from ? from : "",
                       from ? ")" : "");
    include_walk w = {dir, file, depth, err};
    return nb_config_each_include(text, check_include, &w);
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
    schema_build(&sch);
    for (size_t k = 0; k < n_overrides; k++) {
        int rc = apply_override(&sch, cfg, overrides[k], source, err);
        if (rc)
            return rc;
    }
    int rc = read_tree(c, &sch, cfg, source, err);
    if (rc)
        return rc;
    return cross_check(c, &sch, source, err);
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
    char *text, what[256];
    int got = read_param_file(path, &text, what, sizeof what);
    if (got)
        return nb_fail(err, NB_ERR_INPUT, "%s: %s%s", path,
                       got == -1 ? "cannot read the parameter file: " : "", what);
    /* every file libconfig is about to read is checked first: it misreads some text
     * silently, and hangs on a FIFO */
    int rc = check_param_text(text, path, NULL, slash ? dir : NULL, 0, err);
    if (rc) {
        free(text);
        return rc;
    }
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

/* An @include in a snapshot's /Parameters would make a restart read whatever file of the
 * machine it names. */
static int refuse_include(int line, const char *name, size_t len, int malformed, void *ctx)
{
    (void)malformed;
    void **a = ctx;
    return nb_fail(a[1], NB_ERR_INPUT, "%s:%d: @include '%.*s': not allowed here, expected "
                   "the parameters themselves", (const char *)a[0], line,
                   (int)(len > 200 ? 200 : len), name);
}

int nb_config_load_string(nb_config *c, const char *text, const char *name,
                          const char *const *overrides, size_t n_overrides, nb_error *err)
{
    nb_config_defaults(c);
    snprintf(c->source, sizeof c->source, "%s", name);
    size_t len = strlen(text);
    if (len > PARAM_MAX_BYTES)
        return nb_fail(err, NB_ERR_INPUT, "%s: %.1f MB, larger than the 1 MB limit for a "
                       "parameter file", name, (double)len / (1024.0 * 1024.0));
    void *ctx[2] = {(void *)name, err};
    int rc = nb_config_each_include(text, refuse_include, ctx);
    if (!rc)
        rc = check_param_text(text, name, NULL, NULL, 0, err);
    if (rc)
        return rc;
    config_t cfg;
    config_init(&cfg);
    int ok = config_read_string(&cfg, text);
    rc = load(c, &cfg, ok, name, overrides, n_overrides, err);
    config_destroy(&cfg);
    return rc;
}

char *nb_config_format_double(char *buf, size_t size, double v)
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
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

nb_ics_params nb_config_ics_params(const nb_config *c)
{
    nb_ics_params ip = c->ic;
    ip.type = c->ic_type;
    ip.n = (size_t)c->n;
    ip.seed = c->seed;
    ip.G = c->G;
    return ip;
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

/* Appends printf output to a growing buffer; on allocation failure the buffer is freed
 * and *buf set to NULL so the caller sees one failure. */
__attribute__((format(printf, 4, 5)))
static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    if (!*buf)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if (k < 0) {
            free(*buf);
            *buf = NULL;
            return;
        }
        if ((size_t)k < *cap - *len) {
            *len += (size_t)k;
            return;
        }
        char *nb = realloc(*buf, *cap * 2 + (size_t)k);
        if (!nb) {
            free(*buf);
            *buf = NULL;
            return;
        }
        *buf = nb;
        *cap = *cap * 2 + (size_t)k;
    }
}

char *nb_config_format(const nb_config *c)
{
    size_t len = 0, cap = 2048;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    buf[0] = '\0';
    const char *section = "";
    schema_t sch;
    schema_build(&sch);
    for (size_t k = 0; k < sch.n; k++) {
        const key_spec *ks = &sch.k[k];
        const char *field = (const char *)c + ks->offset;
        if (strcmp(section, ks->section)) {
            append(&buf, &len, &cap, "%s%s:\n{\n", k ? "};\n\n" : "", ks->section);
            section = ks->section;
        }
        if (ks->type == KEY_TIMES) {
            const nb_times *times = (const nb_times *)field;
            if (times->n == 0)
                continue; /* none requested */
            append(&buf, &len, &cap, "  %s = [", ks->name);
            for (int j = 0; j < times->n; j++) {
                char num[64];
                nb_config_format_double(num, sizeof num, times->t[j]);
                append(&buf, &len, &cap, "%s%s%s", j ? ", " : "", num,
                       strpbrk(num, ".eEn") ? "" : ".0");
            }
            append(&buf, &len, &cap, "];\n");
        } else if (ks->type == KEY_STRING) {
            append(&buf, &len, &cap, "  %s = \"", ks->name);
            for (const char *s = field; *s; s++)
                append(&buf, &len, &cap, "%s%c", (*s == '"' || *s == '\\') ? "\\" : "", *s);
            append(&buf, &len, &cap, "\";\n");
        } else if (ks->type == KEY_FLOAT && !strcmp(ks->section, "units") &&
                   strcmp(ks->name, "G") && *(const double *)field == 0) {
            continue; /* a unit scale left unset (N-body units): 0 is not a valid value */
        } else if (ks->type == KEY_FLOAT) {
            char num[64];
            nb_config_format_double(num, sizeof num, *(const double *)field);
            /* keep it a float for libconfig: 1 -> 1.0 */
            int is_float = strpbrk(num, ".eEn") != NULL;
            append(&buf, &len, &cap, "  %s = %s%s;\n", ks->name, num, is_float ? "" : ".0");
        } else {
            long long v = ks->size == sizeof(int) ? *(const int *)field : *(const long *)field;
            append(&buf, &len, &cap, "  %s = %lld%s;\n", ks->name, v,
                   (v > 2147483647LL || v < -2147483648LL) ? "L" : "");
        }
    }
    append(&buf, &len, &cap, "};\n");
    return buf;
}
