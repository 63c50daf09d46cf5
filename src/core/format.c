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
