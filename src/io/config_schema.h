/* The parameter file's schema as the io/config*.c files share it (not for other modules):
 * one row per key with its type, place in nb_config, default and valid range. The table
 * itself and the reading are in config.c. */
#ifndef NB_CONFIG_SCHEMA_H
#define NB_CONFIG_SCHEMA_H

#include <libconfig.h>
#include <stddef.h>

#include "io/config.h"

/* KEY_VEC3: an array or list of three numbers (initial_conditions.centre, ...). */
/* KEY_CHOICE: one of the names its expect lists ("a, b or c"), given as a string and
 * stored as the name's index in an int (a module's NB_PARAM_CHOICE key). */
typedef enum { KEY_STRING, KEY_INT, KEY_FLOAT, KEY_TIMES, KEY_VEC3, KEY_CHOICE } key_type;

typedef struct key_spec {
    const char *section, *name;
    key_type type;
    size_t offset; /* into nb_config */
    size_t size;   /* strings: buffer size; ints: sizeof the field; times: at most */
    double lo, hi; /* numbers: valid range */
    int lo_open;   /* 1: value must be > lo rather than >= lo */
    const char *expect; /* what a valid value is, for messages */
    double def;         /* numbers: the default */
    const char *sdef;   /* strings: the default */
    const char *owner;  /* the IC type or kernel whose own key it is; NULL: the schema's */
} key_spec;

#define NB_CONFIG_MAX_KEYS 96

/* The schema with the keys that modules own added at the end of their sections: each
 * initial-condition type's (nb_ic_type.keys) and each kernel's (nb_kernel.keys); and the
 * line each key was read from (0: not given; -1: given by --set). */
typedef struct schema_t {
    key_spec k[NB_CONFIG_MAX_KEYS];
    int line[NB_CONFIG_MAX_KEYS];
    size_t n;
    char ic_types[256]; /* "one of gaussian, ..., file" */
} schema_t;

void nb_config_schema_build(schema_t *sch);

/* The index of section.name in sch, or -1. */
int nb_config_schema_find(const schema_t *sch, const char *section, const char *name);

/* 1 when section is one of the parameter file's sections. */
int nb_config_section_known(const char *section);

/* "name, n, file, ..." the keys of section, for messages. */
void nb_config_keys_of(const schema_t *sch, const char *section, char *buf, size_t size);

/* Stores number v (iv for an integer key) into ks's field (int, long or double); -1 for a
 * field of another size. */
int nb_config_put_number(nb_config *c, const key_spec *ks, double v, long long iv);

/* Checks setting s against key ks (type, range) and stores it into c; loc ("FILE:LINE")
 * and prefix ("initial_conditions", "initial_conditions.[1]"; NULL: ks's section) start
 * the message. */
int nb_config_store(nb_config *c, const key_spec *ks, const config_setting_t *s,
                    const char *loc, const char *prefix, nb_error *err);

/* "FILE:LINE" of a setting (line > 0), else "FILE (--set)". */
void nb_config_where(char *buf, size_t size, const char *source, const config_setting_t *s);

/* io/config_ics.c: initial_conditions. 1 when key ks is one a component holds (type, n,
 * mass_function and nb_ics_params's fields: not file). */
int nb_config_component_key(const key_spec *ks);
/* Reads the list initial_conditions = ( { ... }, ... ) into c->comp (each group's keys
 * checked, lines kept for messages), c->ncomp, ic_list = 1. */
int nb_config_read_components(nb_config *c, const schema_t *sch, const config_setting_t *list,
                              const char *source, nb_error *err);
/* The checks of initial_conditions that need several keys (type, n, file, mass function),
 * for a single group (which becomes comp[0]); a list was checked as it was read. Sets
 * c->n to the total count. */
int nb_config_check_ics(nb_config *c, const schema_t *sch, const char *source, nb_error *err);

/* "an integer", "a string", ... for a libconfig setting type. */
const char *nb_config_type_name(int type);

/* What an unknown section is told, after "unknown section 'X' ". */
#define NB_CONFIG_SECTIONS "(expected run, units, initial_conditions, gravity, integrator or output)"

#endif
