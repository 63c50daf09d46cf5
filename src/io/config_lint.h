/* Parameter-file text checks for what libconfig 1.5 silently misreads: integers that
 * wrap to 32 bits without an L suffix, an unterminated block comment. */
#ifndef NB_CONFIG_LINT_H
#define NB_CONFIG_LINT_H

#include <stddef.h>

/* Returns the 1-based line of the first problem in text, or 0 if there is none; what
 * receives a one-line description. */
int nb_config_lint(const char *text, char *what, size_t size);

#endif
