/* The error channel: formats one line of context next to a status code. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

int nb_fail(nb_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        /* one line whatever it quotes: a --set value, a string from a file */
        for (char *c = err->msg; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
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
