/* Numbers as text for files people read: the shortest decimal that reads back as the same
 * double. Shared by the units line (physics/units.c), the parameter-file writer and the
 * energy log. */
#ifndef NB_FORMAT_H
#define NB_FORMAT_H

#include <stddef.h>

/* The shortest decimal text that reads back as exactly v (0.005, not
 * 0.0050000000000000001). Returns buf. */
char *nb_format_double(char *buf, size_t size, double v);

#endif
