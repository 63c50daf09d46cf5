/* `--set SECTION.KEY=VALUE` (io/config_set.h): checks the override against the schema,
 * parses its value with libconfig and puts it into the parsed file's tree. */
#include "io/config_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/config_lint.h"

/* Copies src's value into the new setting dst (of src's type): libconfig has no copy. */
static void copy_value(config_setting_t *dst, const config_setting_t *src, int t)
{
    if (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST) {
        for (int k = 0; k < config_setting_length(src); k++) {
            const config_setting_t *e = config_setting_get_elem(src, (unsigned)k);
            int et = config_setting_type(e);
            config_setting_t *d = config_setting_add(dst, NULL, et);
            if (!d)
                break; /* only the type of the first element is allowed in an array */
            if (et == CONFIG_TYPE_FLOAT)
                config_setting_set_float(d, config_setting_get_float(e));
            else if (et == CONFIG_TYPE_INT || et == CONFIG_TYPE_INT64)
                config_setting_set_int64(d, config_setting_get_int64(e));
            else
                config_setting_set_string(d, config_setting_get_string(e));
        }
    } else if (t == CONFIG_TYPE_STRING)
        config_setting_set_string(dst, config_setting_get_string(src));
    else if (t == CONFIG_TYPE_FLOAT)
        config_setting_set_float(dst, config_setting_get_float(src));
    else
        config_setting_set_int64(dst, config_setting_get_int64(src));
}

/* Parses VALUE into the scratch config tmp as its one setting "v": libconfig's syntax, a
 * bare word for a string key taken as that string. On success tmp is the caller's to
 * destroy. */
static int parse_value(config_t *tmp, const key_spec *ks, const char *value, const char *ov,
                       nb_error *err)
{
    char what[256];
    if (nb_config_lint(value, what, sizeof what))
        return nb_fail(err, NB_ERR_INPUT, "--set %s: %s", ov, what);
    size_t len = strlen(value);
    char *text = malloc(len + 16);
    if (!text)
        return nb_fail(err, NB_ERR_RUNTIME, "out of memory");
    config_init(tmp);
    snprintf(text, len + 16, "v = %s;", value);
    int ok = config_read_string(tmp, text);
    /* a bare word is a string, but "name=foo; c = 5" is two settings, not a name */
    if (!ok && (ks->type == KEY_STRING || ks->type == KEY_CHOICE) && !strpbrk(value, "\"\\;=")) {
        snprintf(text, len + 16, "v = \"%s\";", value);
        config_destroy(tmp);
        config_init(tmp);
        ok = config_read_string(tmp, text);
    }
    free(text);
    if (!ok && strpbrk(value, ";=")) {
        config_destroy(tmp);
        return nb_fail(err, NB_ERR_INPUT, "--set %s: text after the value, expected exactly one "
                       "setting per --set (give each setting its own --set; quote a string "
                       "that holds ';' or '=')", ov);
    }
    if (!ok) {
        int rc = nb_fail(err, NB_ERR_INPUT, "--set %s: cannot read the value: %s (expected %s)",
                         ov, config_error_text(tmp), ks->expect);
        config_destroy(tmp);
        return rc;
    }
    /* "v = 1; c = 5;" parses as two settings: the rest of the value would be dropped */
    config_setting_t *tmp_root = config_root_setting(tmp);
    if (config_setting_length(tmp_root) != 1) {
        config_destroy(tmp);
        return nb_fail(err, NB_ERR_INPUT, "--set %s: text after the value, expected exactly one "
                       "setting per --set (give each setting its own --set)", ov);
    }
    int t = config_setting_type(config_lookup(tmp, "v"));
    if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64 && t != CONFIG_TYPE_FLOAT &&
        t != CONFIG_TYPE_STRING && !(ks->type == KEY_TIMES && t == CONFIG_TYPE_ARRAY) &&
        !(ks->type == KEY_VEC3 && (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST))) {
        config_destroy(tmp);
        return nb_fail(err, NB_ERR_INPUT, "--set %s: expected %s, got %s", ov, ks->expect,
                       nb_config_type_name(t));
    }
    return NB_OK;
}

/* For initial_conditions given as a list: *sec becomes the group of component comp (a
 * key of a component), or the override is refused, naming the form to use; comp >= 0 for
 * a file whose initial_conditions is not a list is refused too. */
static int component_of(config_setting_t **sec, long comp, const key_spec *ks, const char *ov,
                        const char *source, nb_error *err)
{
    int is_list = *sec && config_setting_type(*sec) == CONFIG_TYPE_LIST;
    int count = is_list ? config_setting_length(*sec) : 0;
    if (comp < 0) {
        if (is_list)
            return nb_fail(err, NB_ERR_INPUT, "--set %s: %s:%d: initial_conditions is a list of "
                           "%d components (expected initial_conditions.[K].%s=VALUE with K "
                           "from 0 to %d)", ov, source, config_setting_source_line(*sec), count,
                           ks->name, count - 1);
        return NB_OK;
    }
    if (!is_list)
        return nb_fail(err, NB_ERR_INPUT, "--set %s: %s: initial_conditions is not a list of "
                       "components (expected initial_conditions.%s=VALUE)", ov, source,
                       ks->name);
    if (comp >= count)
        return nb_fail(err, NB_ERR_INPUT, "--set %s: %s:%d: initial_conditions has %d "
                       "components (expected K from 0 to %d)", ov, source,
                       config_setting_source_line(*sec), count, count - 1);
    if (!nb_config_component_key(ks))
        return nb_fail(err, NB_ERR_INPUT, "--set %s: initial_conditions.%s is not a key of a "
                       "component", ov, ks->name);
    *sec = config_setting_get_elem(*sec, (unsigned)comp);
    return NB_OK;
}

int nb_config_set(const schema_t *sch, config_t *cfg, const char *ov, const char *source,
                  nb_error *err)
{
    const char *eq = strchr(ov, '=');
    const char *dot = strchr(ov, '.');
    if (!eq || !dot || dot > eq)
        return nb_fail(err, NB_ERR_INPUT,
                       "--set %s: expected SECTION.KEY=VALUE, e.g. gravity.softening=0.02", ov);
    char section[64], name[64];
    size_t slen = (size_t)(dot - ov), nlen = (size_t)(eq - dot - 1);
    if (slen == 0 || slen >= sizeof section || nlen == 0 || nlen >= sizeof name)
        return nb_fail(err, NB_ERR_INPUT, "--set %s: expected SECTION.KEY=VALUE", ov);
    memcpy(section, ov, slen);
    section[slen] = '\0';
    memcpy(name, dot + 1, nlen);
    name[nlen] = '\0';
    /* SECTION.[K].KEY: key KEY of component K (from 0) of a list of components */
    long comp = -1;
    if (name[0] == '[') {
        char *end;
        comp = strtol(name + 1, &end, 10);
        if (end == name + 1 || comp < 0 || comp >= NB_MAX_COMPONENTS || strncmp(end, "].", 2) ||
            !end[2] || strcmp(section, "initial_conditions"))
            return nb_fail(err, NB_ERR_INPUT, "--set %s: expected initial_conditions.[K].KEY="
                           "VALUE (K the component's index from 0) or SECTION.KEY=VALUE", ov);
        memmove(name, end + 2, strlen(end + 2) + 1);
    }
    int ki = nb_config_schema_find(sch, section, name);
    if (ki < 0) {
        char keys[512];
        nb_config_keys_of(sch, section, keys, sizeof keys);
        if (!nb_config_section_known(section))
            return nb_fail(err, NB_ERR_INPUT,
                           "--set %s: unknown section '%s' " NB_CONFIG_SECTIONS, ov, section);
        return nb_fail(err, NB_ERR_INPUT, "--set %s: unknown key '%s.%s' (expected one of: %s)",
                       ov, section, name, keys);
    }

    const key_spec *ks = &sch->k[ki];
    const char *value = eq + 1;
    /* one line, one value: a newline would let the value start an @include line */
    for (const char *ch = value; *ch; ch++)
        if ((unsigned char)*ch < 0x20 || *ch == 0x7f)
            return nb_fail(err, NB_ERR_INPUT, "--set %s: the value contains a control character "
                           "(byte 0x%02x), expected one value on one line", ov,
                           (unsigned char)*ch);
    config_t tmp;
    int rc = parse_value(&tmp, ks, value, ov, err);
    if (rc)
        return rc;
    config_setting_t *src = config_lookup(&tmp, "v");
    int t = config_setting_type(src);

    config_setting_t *root = config_root_setting(cfg);
    config_setting_t *sec = config_setting_get_member(root, section);
    rc = component_of(&sec, comp, ks, ov, source, err);
    if (rc) {
        config_destroy(&tmp);
        return rc;
    }
    if (sec && config_setting_type(sec) != CONFIG_TYPE_GROUP) {
        config_destroy(&tmp);
        return nb_fail(err, NB_ERR_INPUT, "%s:%d: %s: expected a group { ... }", source,
                       config_setting_source_line(sec), section);
    }
    if (!sec)
        sec = config_setting_add(root, section, CONFIG_TYPE_GROUP);
    if (config_setting_get_member(sec, name))
        config_setting_remove(sec, name);
    config_setting_t *dst = sec ? config_setting_add(sec, name, t) : NULL;
    if (!dst) {
        config_destroy(&tmp);
        return nb_fail(err, NB_ERR_RUNTIME, "--set %s: could not apply", ov);
    }
    copy_value(dst, src, t);
    config_destroy(&tmp);
    return NB_OK;
}
