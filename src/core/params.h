/* A typed parameter owned by a module (a kernel, an initial-condition type) and stored in
 * that module's plain parameter struct: the parameter file reads it as SECTION.NAME. */
#ifndef NB_PARAMS_H
#define NB_PARAMS_H

#include <stddef.h>

/* is_int for a key whose value is one of a few names (gravity.opening = "relative"): an
 * int holding the name's index among those `expect` lists, "a, b or c" (the parameter file
 * and --set give the name, /Parameters writes it back; lo = 0, hi = the last index). */
#define NB_PARAM_CHOICE 2

typedef struct nb_param {
    const char *name;    /* "neighbours": read as gravity.neighbours */
    int is_int;          /* stored as an int (1, or NB_PARAM_CHOICE), else as a double */
    size_t offset;       /* offsetof(the owner's parameter struct, field) */
    double def, lo, hi;  /* default and valid range: lo < v (lo_open) or lo <= v; v <= hi */
    int lo_open;
    const char *expect;  /* what a valid value is, for messages: "an integer from 1 to 10" */
} nb_param;

/* The value of k in the struct at base, as a double. */
double nb_param_get(const void *base, const nb_param *k);
/* Stores v (already checked against k's range) into the struct at base. */
void nb_param_set(void *base, const nb_param *k, double v);
/* The index of `name` among the names "a, b or c" lists (a NB_PARAM_CHOICE key's expect),
 * or -1. */
int nb_param_choice_index(const char *names, const char *name);
/* Name number idx of such a list into buf (size bytes); NULL when there is none. */
const char *nb_param_choice_name(const char *names, int idx, char *buf, size_t size);
/* Sets each of the n parameters of table to its default. */
void nb_param_defaults(void *base, const nb_param *table, size_t n);

#endif
