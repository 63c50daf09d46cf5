/* libFuzzer harness for the parameter-file loader (src/config.c). Input: the file's text,
 * optionally preceded by up to 8 --set overrides, one a line, and a line "%%". Whatever
 * the bytes, loading must return NB_OK or NB_ERR_INPUT with a one-line message naming the
 * file or the --set option; what loads must format and load back to the same text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/config.h"

#define NAME "fuzz.cfg"

static void bad(const char *what, const char *text, const char *msg)
{
    fprintf(stderr, "fuzz_config: %s\n--- message:\n%s\n--- text:\n%s\n", what, msg, text);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    /* @include would read other files: not the loader's input */
    if (strstr(buf, "@include")) {
        free(buf);
        return 0;
    }
    const char *ov[8];
    size_t n_ov = 0;
    char *text = buf, *sep = strstr(buf, "%%\n");
    if (sep) {
        *sep = '\0';
        text = sep + 3;
        for (char *line = buf; *line && n_ov < 8;) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            ov[n_ov++] = line;
            line = nl ? nl + 1 : line + strlen(line);
        }
    }
    nb_config c;
    nb_error err;
    nb_error_clear(&err);
    int rc = nb_config_load_string(&c, text, NAME, ov, n_ov, &err);
    if (rc != NB_OK) {
        if (rc != NB_ERR_INPUT && rc != NB_ERR_RUNTIME)
            bad("unexpected status", text, err.msg);
        if (err.code != rc || !err.msg[0] || strchr(err.msg, '\n') || strchr(err.msg, '\r'))
            bad("the error is not one non-empty line", text, err.msg);
        if (strncmp(err.msg, NAME, strlen(NAME)) != 0 && strncmp(err.msg, "--set ", 6) != 0)
            bad("the error names neither the file nor the --set option", text, err.msg);
        free(buf);
        return 0;
    }
    char *once = nb_config_format(&c);
    if (!once)
        bad("nb_config_format failed", text, "");
    nb_config back;
    rc = nb_config_load_string(&back, once, NAME, NULL, 0, &err);
    if (rc != NB_OK)
        bad("the formatted configuration does not load back", once, err.msg);
    char *twice = nb_config_format(&back);
    if (!twice || strcmp(once, twice) != 0)
        bad("the formatted configuration loads back different", once, twice ? twice : "");
    free(twice);
    free(once);
    free(buf);
    return 0;
}
