/* Parameter-file text checks for what libconfig 1.5 silently misreads: integers that
 * wrap to 32 bits without an L suffix, an unterminated block comment; and the @include
 * directives it will follow. */
#ifndef NB_CONFIG_LINT_H
#define NB_CONFIG_LINT_H

#include <stddef.h>

/* Returns the 1-based line of the first problem in text, or 0 if there is none; what
 * receives a one-line description. */
int nb_config_lint(const char *text, char *what, size_t size);

/* Called for each @include directive: its line, the file name as written (len bytes, not
 * NUL-terminated) and malformed = 1 when the name has a backslash or no closing quote. A
 * nonzero return stops the scan and is returned. */
typedef int (*nb_include_fn)(int line, const char *name, size_t len, int malformed,
                             void *ctx);

/* Calls fn for every @include directive of text that libconfig 1.5 would follow, in
 * order. Returns 0, or fn's first nonzero result. */
int nb_config_each_include(const char *text, nb_include_fn fn, void *ctx);

#endif
