/* `nbody info SNAPSHOT`: a human-readable summary of one snapshot. */
#ifndef NB_INFO_H
#define NB_INFO_H

#include <stdio.h>

#include "core/error.h"

int nb_info_print(const char *path, FILE *out, nb_error *err);

#endif
