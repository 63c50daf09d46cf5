/* `--set SECTION.KEY=VALUE`: one override applied to a parsed parameter file before its
 * keys are read (for io/config.c only: it takes libconfig's tree). */
#ifndef NB_CONFIG_SET_H
#define NB_CONFIG_SET_H

#include <libconfig.h>

#include "core/error.h"
#include "io/config_schema.h"

/* Parses VALUE of ov = "section.key=VALUE" with libconfig's own syntax (a bare word for a
 * string key is taken as that string) and puts it into cfg in place of any setting of that
 * key; source names cfg's file in messages. Errors: NB_ERR_INPUT with "--set OV: what". */
int nb_config_set(const schema_t *sch, config_t *cfg, const char *ov, const char *source,
                  nb_error *err);

#endif
