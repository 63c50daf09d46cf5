/* The shortest round-trip decimal of a double (core/format.h). */
#include "core/format.h"

#include <stdio.h>
#include <stdlib.h>

char *nb_format_double(char *buf, size_t size, double v)
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* Starting at 15 digits finds the same shortest decimal: a double that some decimal of
 * d < 15 digits reads back as lies within half a unit of its 17th digit of that decimal,
 * so rounding it to 15 digits gives that decimal again, and %g drops the trailing zeros.
 * Only the notation differs from nb_format_double's (fixed up to 1e15). */
char *nb_format_number(char *buf, size_t size, double v)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}
