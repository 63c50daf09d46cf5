/* Checks parameter-file text for what libconfig 1.5 parses without complaint but gets
 * wrong. Works on the text alone, so it needs no libconfig types. */
#include "io/config_lint.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The scanning both functions below share: each skips one token of libconfig text that
 * starts at s (a string, a comment) and returns what follows, counting newlines in *line. */
static const char *skip_string(const char *s, int *line)
{
    for (s++; *s && *s != '"'; s++) {
        if (*s == '\n')
            (*line)++;
        else if (*s == '\\' && s[1])
            s++;
    }
    return *s ? s + 1 : s;
}

static const char *skip_line_comment(const char *s)
{
    while (*s && *s != '\n')
        s++;
    return s;
}

/* NULL when the comment is never closed. */
static const char *skip_block_comment(const char *s, int *line)
{
    for (s += 2; *s && !(*s == '*' && s[1] == '/'); s++)
        *line += *s == '\n';
    return *s ? s + 2 : NULL;
}

/* A bare word where a value belongs (kernel = tree;): libconfig says only "syntax error",
 * so the fix is named here. true and false are libconfig's booleans. */
static int bare_word(const char *name, int nl, const char *word, int wl, char *what,
                     size_t size)
{
    if ((wl == 4 && !strncasecmp(word, "true", 4)) || (wl == 5 && !strncasecmp(word, "false", 5)))
        return 0;
    nl = nl > 40 ? 40 : nl;
    wl = wl > 40 ? 40 : wl;
    snprintf(what, size, "syntax error: %.*s = %.*s: a string needs double quotes (%.*s = "
             "\"%.*s\";)", nl, name, wl, word, nl, name, wl, word);
    return 1;
}

/* What libconfig 1.5 accepts but misreads, found in text it has parsed: an integer
 * without the L suffix is read into 32 bits and wrapped silently (n = 4294967300 becomes
 * n = 4), and an unterminated block comment swallows the rest of the file; and a string
 * without its quotes, which it refuses without saying why. Returns the 1-based line of the
 * first problem, 0 if there is none; what gets its description. */
int nb_config_lint(const char *text, char *what, size_t size)
{
    int line = 1;
    const char *s = text, *name = "", *name_end = name;
    char prev = 0; /* the last character outside strings and comments, blanks aside */
    while (*s) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\n') {
            line++;
            s++;
        } else if (ch == '"') {
            s = skip_string(s, &line);
            prev = '"';
        } else if (ch == '#' || (ch == '/' && s[1] == '/')) {
            s = skip_line_comment(s);
        } else if (ch == '/' && s[1] == '*') {
            int start = line;
            if (!(s = skip_block_comment(s, &line))) {
                snprintf(what, size, "syntax error: unterminated /* comment (everything after "
                         "it would be ignored)");
                return start;
            }
        } else if (isalpha(ch) || ch == '_' || ch == '*') {
            const char *word = s;
            while (isalnum((unsigned char)*s) || *s == '_' || *s == '*' || *s == '-')
                s++;
            if ((prev == '=' || prev == ':') &&
                bare_word(name, (int)(name_end - name), word, (int)(s - word), what, size))
                return line;
            if (prev != '=' && prev != ':') {
                name = word;
                name_end = s;
            }
            prev = 'a';
        } else if (isdigit(ch) || ch == '.') {
            prev = '0';
            const char *b = s;
            int neg = b > text && b[-1] == '-';
            int hex = b[0] == '0' && (b[1] == 'x' || b[1] == 'X');
            for (s += hex ? 2 : 0; hex ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s);)
                s++;
            if (!hex && (*b == '.' || *s == '.' || *s == 'e' || *s == 'E')) {
                /* a float: libconfig reads it as a double */
                while (isdigit((unsigned char)*s) || *s == '.')
                    s++;
                if (*s == 'e' || *s == 'E') {
                    s++;
                    if (*s == '+' || *s == '-')
                        s++;
                    while (isdigit((unsigned char)*s))
                        s++;
                }
                continue;
            }
            if (*s == 'L') {
                while (*s == 'L')
                    s++;
                continue;
            }
            errno = 0;
            unsigned long long v = strtoull(hex ? b + 2 : b, NULL, hex ? 16 : 10);
            if (errno == ERANGE || v > (hex ? 0x7fffffffULL : neg ? 2147483648ULL : 2147483647ULL)) {
                int nl = (int)(name_end - name > 40 ? 40 : name_end - name);
                int vl = (int)(s - b > 40 ? 40 : s - b);
                snprintf(what, size, "%.*s%s%s%.*s: the integer does not fit in 32 bits; write "
                         "it with an L suffix (%s%.*sL) for a 64-bit integer", nl, name,
                         nl ? " = " : "", neg ? "-" : "", vl, b, neg ? "-" : "", vl, b);
                return line;
            }
        } else {
            if (!isspace(ch))
                prev = (char)ch;
            s++;
        }
    }
    return 0;
}

/* libconfig 1.5's scanner takes `@include "NAME"` only at the start of a line (after
 * blanks) and outside comments and strings, and reads NAME up to the next quote with no
 * escapes. Mirrors that so every file libconfig will read can be checked first. */
int nb_config_each_include(const char *text, nb_include_fn fn, void *ctx)
{
    int line = 1, line_start = 1;
    const char *s = text;
    while (*s) {
        unsigned char ch = (unsigned char)*s;
        if (line_start && (ch == ' ' || ch == '\t')) {
            s++;
        } else if (line_start && !strncmp(s, "@include", 8) && (s[8] == ' ' || s[8] == '\t')) {
            for (s += 8; *s == ' ' || *s == '\t';)
                s++;
            line_start = 0;
            if (*s != '"')
                continue; /* libconfig's own syntax error */
            const char *name = ++s;
            while (*s && *s != '"' && *s != '\\' && *s != '\n')
                s++;
            int rc = fn(line, name, (size_t)(s - name), *s == '"' ? 0 : 1, ctx);
            if (rc)
                return rc;
        } else if (ch == '\n') {
            line++;
            line_start = 1;
            s++;
        } else if (ch == '"') {
            line_start = 0;
            s = skip_string(s, &line);
        } else if (ch == '#' || (ch == '/' && s[1] == '/')) {
            s = skip_line_comment(s);
        } else if (ch == '/' && s[1] == '*') {
            line_start = 0;
            const char *end = skip_block_comment(s, &line);
            s = end ? end : s + strlen(s);
        } else {
            line_start = 0;
            s++;
        }
    }
    return 0;
}
