/* One setting of the parameter file checked against its key in the schema (type, range,
 * length) and stored into nb_config: numbers, strings, time lists and 3-vectors. */
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/config.h"
#include "io/config_schema.h"
#include "core/params.h"

/* Stores number v (iv for an integer key) into key ks's field, an int, long or double as
 * the field is; -1 for a field of another size. */
int nb_config_put_number(nb_config *c, const key_spec *ks, double v, long long iv)
{
    char *field = (char *)c + ks->offset;
    if (ks->type == KEY_FLOAT)
        *(double *)field = v;
    else if (ks->size == sizeof(int))
        *(int *)field = (int)iv;
    else if (ks->size == sizeof(long))
        *(long *)field = (long)iv;
    else
        return -1;
    return 0;
}


const char *nb_config_type_name(int t)
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

/* A number setting's value into *v; 0 when it is not a number. */
static int number_of(const config_setting_t *e, double *v)
{
    int t = config_setting_type(e);
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
        *v = (double)config_setting_get_int64(e);
    else if (t == CONFIG_TYPE_FLOAT)
        *v = config_setting_get_float(e);
    else
        return 0;
    return 1;
}

int nb_config_store(nb_config *c, const key_spec *ks0, const config_setting_t *s,
                    const char *loc, const char *prefix, nb_error *err)
{
    key_spec named = *ks0; /* the messages' "SECTION.KEY" with SECTION the prefix */
    const key_spec *ks = &named;
    if (prefix)
        named.section = prefix;
    int t = config_setting_type(s);
    char *field = (char *)c + ks->offset;
    if (ks->type == KEY_STRING) {
        if (t != CONFIG_TYPE_STRING)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: expected %s in quotes, got %s", loc,
                           ks->section, ks->name, ks->expect, nb_config_type_name(t));
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
    if (ks->type == KEY_CHOICE) {
        int idx = t == CONFIG_TYPE_STRING
                      ? nb_param_choice_index(ks->expect, config_setting_get_string(s)) : -1;
        if (t != CONFIG_TYPE_STRING)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: expected %s in quotes, got %s", loc,
                           ks->section, ks->name, ks->expect, nb_config_type_name(t));
        if (idx < 0)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: unknown value '%s' (expected %s)",
                           loc, ks->section, ks->name, config_setting_get_string(s),
                           ks->expect);
        *(int *)field = idx;
        return NB_OK;
    }
    if (ks->type == KEY_VEC3) {
        double *vec = (double *)field, v[3];
        if ((t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) || config_setting_length(s) != 3)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: expected %s, got %s%s", loc,
                           ks->section, ks->name, ks->expect, nb_config_type_name(t),
                           t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST ? " of another length"
                                                                          : "");
        for (int k = 0; k < 3; k++)
            if (!number_of(config_setting_get_elem(s, (unsigned)k), &v[k]) || !isfinite(v[k]))
                return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: element %d is not a finite "
                               "number (expected %s)", loc, ks->section, ks->name, k + 1,
                               ks->expect);
        memcpy(vec, v, sizeof v);
        return NB_OK;
    }
    if (ks->type == KEY_TIMES) {
        if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: expected %s, e.g. [0.5, 1.0], got %s",
                           loc, ks->section, ks->name, ks->expect, nb_config_type_name(t));
        nb_times *times = (nb_times *)field;
        int n = config_setting_length(s);
        if (n > (int)ks->size)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: %d times, expected at most %zu", loc,
                           ks->section, ks->name, n, ks->size);
        for (int k = 0; k < n; k++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)k);
            int et = config_setting_type(e);
            double v;
            if (!number_of(e, &v))
                return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: element %d is %s, expected a "
                               "number (%s)", loc, ks->section, ks->name, k + 1,
                               nb_config_type_name(et), ks->expect);
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
                       nb_config_type_name(t));
    }
    int below = ks->lo_open ? !(v > ks->lo) : !(v >= ks->lo);
    if (below || !(v <= ks->hi) || !isfinite(v))
        return nb_fail(err, NB_ERR_INPUT, "%s: %s.%s: %.17g is out of range (expected %s)", loc,
                       ks->section, ks->name, v, ks->expect);
    if (nb_config_put_number(c, ks, v, iv))
        return nb_fail(err, NB_ERR_RUNTIME, "internal: field size of %s.%s", ks->section,
                       ks->name);
    return NB_OK;
}

