/* The error channel: formats one line of context next to a status code. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes of text kept at the front of a message too long for nb_error.msg; the rest of
 * the room goes to its end, which holds the reason ("PATH: no space left on device"). */
#define KEEP_HEAD 256
#define CUT_MARK " ... "

/* 1 for a UTF-8 continuation byte: a cut there would split a character. */
static int continuation(char c)
{
    return ((unsigned char)c & 0xc0) == 0x80;
}

/* Copies the len bytes of text into out (size bytes, len >= size): its head, CUT_MARK and
 * its tail, each cut at a character boundary. */
static void shorten_middle(char *out, size_t size, const char *text, size_t len)
{
    size_t head = KEEP_HEAD, mark = strlen(CUT_MARK);
    size_t tail = size - 1 - head - mark;
    while (head > 0 && continuation(text[head]))
        head--;
    const char *end = text + len - tail;
    while (*end && continuation(*end))
        end++;
    memcpy(out, text, head);
    memcpy(out + head, CUT_MARK, mark);
    memcpy(out + head + mark, end, (size_t)(text + len - end) + 1);
}

int nb_fail(nb_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap, again;
        va_start(ap, fmt);
        va_copy(again, ap);
        int len = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        /* too long: shortened in its middle (a long path quoted), never cut before its
         * reason; without the memory for that, cut at the end */
        char *full = len >= (int)sizeof err->msg ? malloc((size_t)len + 1) : NULL;
        if (full) {
            vsnprintf(full, (size_t)len + 1, fmt, again);
            shorten_middle(err->msg, sizeof err->msg, full, (size_t)len);
            free(full);
        }
        va_end(again);
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
