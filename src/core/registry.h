/* The one lookup behind every name-keyed table (force kernels, initial-condition types,
 * unit systems): a constant table of pointers to rows whose first member is the row's
 * `const char *name`. */
#ifndef NB_REGISTRY_H
#define NB_REGISTRY_H

#include <stddef.h>

/* The rows of a table of row pointers, for the functions below. */
#define NB_REGISTRY_LEN(table) (sizeof(table) / sizeof((table)[0]))

/* The row called name among rows[0 .. count), or NULL. */
const void *nb_registry_find(const void *const *rows, size_t count, const char *name);

/* "a, b, c": the rows' names in table order, written once into buf (size bytes, zeroed
 * static storage the caller keeps for the table) and returned; later calls return it as
 * it is. Truncated names end the list rather than overflow. */
const char *nb_registry_names(const void *const *rows, size_t count, char *buf, size_t size);

#endif
