/* The error channel: formats one line of context next to a status code. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

int nb_fail(nb_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void nb_error_clear(nb_error *err)
{
    if (err) {
        err->code = NB_OK;
        err->msg[0] = '\0';
    }
}
