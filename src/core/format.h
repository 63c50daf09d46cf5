/* Numbers as text for files people read: the shortest decimal that reads back as the same
 * double. Shared by the units line (physics/units.c), the parameter-file writer and the
 * energy log. */
#ifndef NB_FORMAT_H
#define NB_FORMAT_H

#include <stddef.h>

/* The shortest decimal text that reads back as exactly v (0.005, not
 * 0.0050000000000000001). Returns buf. */
char *nb_format_double(char *buf, size_t size, double v);

/* The same shortest decimal in the notation of %g at 15 digits, for columns of numbers
 * (energy.csv): 100 and 0.03, where nb_format_double writes 1e+02 and 0.03. NaN and
 * infinities as printf writes them. Returns buf. */
char *nb_format_number(char *buf, size_t size, double v);

#endif
