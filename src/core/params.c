/* Reading and writing module-owned parameters through their descriptions. */
#include "core/params.h"

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
