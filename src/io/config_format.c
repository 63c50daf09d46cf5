/* The effective configuration written back as a parameter file (nb_config_format): every
 * key of the schema, in the syntax nb_config_load_string reads back to the same struct. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "io/config.h"
#include "io/config_schema.h"
#include "core/params.h"

char *nb_config_format_double(char *buf, size_t size, double v)
{
    return nb_format_double(buf, size, v);
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

/* One key's line "INDENT key = value;" from c's field (nothing for a time list left
 * empty or a unit scale left unset). */
static void key_line(char **buf, size_t *len, size_t *cap, const key_spec *ks,
                     const nb_config *c, const char *indent)
{
    const char *field = (const char *)c + ks->offset;
    if (ks->type == KEY_TIMES) {
        const nb_times *times = (const nb_times *)field;
        if (times->n == 0)
            return; /* none requested */
        append(buf, len, cap, "%s%s = [", indent, ks->name);
        for (int j = 0; j < times->n; j++) {
            char num[64];
            nb_config_format_double(num, sizeof num, times->t[j]);
            append(buf, len, cap, "%s%s%s", j ? ", " : "", num,
                   strpbrk(num, ".eEn") ? "" : ".0");
        }
        append(buf, len, cap, "];\n");
    } else if (ks->type == KEY_VEC3) {
        const double *v = (const double *)field;
        append(buf, len, cap, "%s%s = [", indent, ks->name);
        for (int j = 0; j < 3; j++) {
            char num[64];
            nb_config_format_double(num, sizeof num, v[j]);
            /* every element a float: a libconfig array holds one type */
            append(buf, len, cap, "%s%s%s", j ? ", " : "", num,
                   strpbrk(num, ".eEn") ? "" : ".0");
        }
        append(buf, len, cap, "];\n");
    } else if (ks->type == KEY_CHOICE) {
        char name[64];
        const char *v = nb_param_choice_name(ks->expect, *(const int *)field, name, sizeof name);
        append(buf, len, cap, "%s%s = \"%s\";\n", indent, ks->name, v ? v : "?");
    } else if (ks->type == KEY_STRING) {
        append(buf, len, cap, "%s%s = \"", indent, ks->name);
        for (const char *s = field; *s; s++)
            append(buf, len, cap, "%s%c", (*s == '"' || *s == '\\') ? "\\" : "", *s);
        append(buf, len, cap, "\";\n");
    } else if (ks->type == KEY_FLOAT && !strcmp(ks->section, "units") &&
               strcmp(ks->name, "G") && *(const double *)field == 0) {
        return; /* a unit scale left unset (N-body units): 0 is not a valid value */
    } else if (ks->type == KEY_FLOAT) {
        char num[64];
        nb_config_format_double(num, sizeof num, *(const double *)field);
        /* keep it a float for libconfig: 1 -> 1.0 */
        int is_float = strpbrk(num, ".eEn") != NULL;
        append(buf, len, cap, "%s%s = %s%s;\n", indent, ks->name, num, is_float ? "" : ".0");
    } else {
        long long v = ks->size == sizeof(int) ? *(const int *)field : *(const long *)field;
        append(buf, len, cap, "%s%s = %lld%s;\n", indent, ks->name, v,
               (v > 2147483647LL || v < -2147483648LL) ? "L" : "");
    }
}

/* initial_conditions as a list: each component's group with its type, n, the keys every
 * type takes and its type's own keys (another type's keys would not be used). */
static void components(char **buf, size_t *len, size_t *cap, const schema_t *sch,
                       const nb_config *c)
{
    nb_config x;
    for (int k = 0; k < c->ncomp; k++) {
        const nb_config_component *o = &c->comp[k];
        nb_config_defaults(&x);
        memcpy(x.ic_type, o->type, sizeof x.ic_type);
        x.n = o->n;
        memcpy(x.ic_mass_function, o->mass_function, sizeof x.ic_mass_function);
        x.ic = o->ic;
        append(buf, len, cap, "  {\n");
        for (size_t j = 0; j < sch->n; j++) {
            const key_spec *ks = &sch->k[j];
            if (nb_config_component_key(ks) && (!ks->owner || !strcmp(ks->owner, o->type)))
                key_line(buf, len, cap, ks, &x, "    ");
        }
        append(buf, len, cap, "  }%s\n", k + 1 < c->ncomp ? "," : "");
    }
}

char *nb_config_format(const nb_config *c)
{
    size_t len = 0, cap = 2048;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    buf[0] = '\0';
    const char *section = "", *end = "";
    schema_t sch;
    nb_config_schema_build(&sch);
    for (size_t k = 0; k < sch.n; k++) {
        const key_spec *ks = &sch.k[k];
        if (strcmp(section, ks->section)) {
            section = ks->section;
            int list = c->ic_list && !strcmp(section, "initial_conditions");
            append(&buf, &len, &cap, "%s%s:\n%s\n", end, section, list ? "(" : "{");
            end = list ? ");\n\n" : "};\n\n";
            if (list)
                components(&buf, &len, &cap, &sch, c);
        }
        if (!(c->ic_list && !strcmp(section, "initial_conditions")))
            key_line(&buf, &len, &cap, ks, c, "  ");
    }
    append(&buf, &len, &cap, "%.2s\n", end);
    return buf;
}
