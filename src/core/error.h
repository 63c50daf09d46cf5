/* One error channel for the whole program: a status code and one line of context.
 * Status codes double as the process exit codes of docs/DESIGN.md. */
#ifndef NB_ERROR_H
#define NB_ERROR_H

enum {
    NB_OK = 0,
    NB_ERR_RUNTIME = 1, /* a fault while running: I/O failure, non-finite state */
    NB_ERR_INPUT = 2,   /* bad command line, config or input file: nothing written */
    NB_STOPPED = 3      /* stopped early by a signal or the wall-clock limit */
};

typedef struct nb_error {
    int code;
    char msg[1024];
} nb_error;

/* Records code and a printf-style message in err (which may be NULL) and returns code,
 * so callers can write `return nb_fail(err, NB_ERR_INPUT, "...")`. A message longer than
 * msg loses its middle (marked " ... "), not its end, where the reason is. */
int nb_fail(nb_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears err to NB_OK with an empty message. */
void nb_error_clear(nb_error *err);

#endif
