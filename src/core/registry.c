/* Lookup and listing for the name-keyed tables (core/registry.h). */
#include "core/registry.h"

#include <string.h>

/* A row's name: its first member (a pointer to a struct converts to one to its first
 * member). */
static const char *row_name(const void *row)
{
    return *(const char *const *)row;
}

const void *nb_registry_find(const void *const *rows, size_t count, const char *name)
{
    for (size_t k = 0; k < count; k++)
        if (!strcmp(row_name(rows[k]), name))
            return rows[k];
    return NULL;
}

const char *nb_registry_names(const void *const *rows, size_t count, char *buf, size_t size)
{
    if (buf[0] || size == 0)
        return buf;
    size_t used = 0;
    for (size_t k = 0; k < count; k++) {
        const char *name = row_name(rows[k]);
        size_t need = strlen(name) + (k ? 2 : 0);
        if (used + need + 1 > size)
            break;
        if (k) {
            memcpy(buf + used, ", ", 2);
            used += 2;
        }
        memcpy(buf + used, name, strlen(name));
        used += strlen(name);
    }
    buf[used] = '\0';
    return buf;
}
