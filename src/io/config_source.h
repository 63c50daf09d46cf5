/* The text libconfig is given, checked first (for io/config.c only): parameter files read
 * whole with a size cap and without blocking, and every file they @include checked the same
 * way; text from memory (a snapshot's /Parameters) capped and kept from @including files. */
#ifndef NB_CONFIG_SOURCE_H
#define NB_CONFIG_SOURCE_H

#include "core/error.h"

/* Larger text is refused: libconfig 1.5's parser takes time quadratic in the length of a
 * token, so a few megabytes take minutes. A parameter file is a few kilobytes. */
#define NB_PARAM_MAX_BYTES (1024L * 1024L)

/* Reads the parameter file at path into *text (malloc'd, NUL-terminated) and checks it and
 * every file it @includes (each name taken relative to include_dir, NULL: as written), as
 * libconfig will read them: regular files of at most NB_PARAM_MAX_BYTES, without NUL bytes,
 * passing nb_config_lint. Errors: NB_ERR_INPUT naming the file (and line); *text is NULL. */
int nb_config_source_file(const char *path, const char *include_dir, char **text,
                          nb_error *err);

/* Checks text from memory, named name in messages: its size, no @include (a restart would
 * read whatever file of the machine it names), nb_config_lint. */
int nb_config_source_string(const char *text, const char *name, nb_error *err);

#endif
