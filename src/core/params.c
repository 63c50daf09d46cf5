/* Reading and writing module-owned parameters through their descriptions. */
#include "core/params.h"

#include <string.h>

double nb_param_get(const void *base, const nb_param *k)
{
    const char *field = (const char *)base + k->offset;
    return k->is_int ? (double)*(const int *)field : *(const double *)field;
}

void nb_param_set(void *base, const nb_param *k, double v)
{
    char *field = (char *)base + k->offset;
    if (k->is_int)
        *(int *)field = (int)v;
    else
        *(double *)field = v;
}

void nb_param_defaults(void *base, const nb_param *table, size_t n)
{
    for (size_t j = 0; j < n; j++)
        nb_param_set(base, &table[j], table[j].def);
}

/* Name number idx of "a, b or c": its start and length; 0 when there is none. */
static int choice_at(const char *names, int idx, const char **start, size_t *len)
{
    const char *s = names;
    for (int k = 0; s && *s; k++) {
        const char *comma = strstr(s, ", "), *or = strstr(s, " or ");
        const char *end = comma && (!or || comma < or) ? comma : or;
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (k == idx) {
            *start = s;
            *len = n;
            return 1;
        }
        s = end ? end + (end == comma ? 2 : 4) : NULL;
    }
    return 0;
}

int nb_param_choice_index(const char *names, const char *name)
{
    const char *s;
    size_t n;
    for (int k = 0; choice_at(names, k, &s, &n); k++)
        if (strlen(name) == n && !strncmp(s, name, n))
            return k;
    return -1;
}

const char *nb_param_choice_name(const char *names, int idx, char *buf, size_t size)
{
    const char *s;
    size_t n;
    if (!choice_at(names, idx, &s, &n) || n >= size)
        return NULL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}
