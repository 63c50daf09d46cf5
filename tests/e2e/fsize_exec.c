/* Runs a command with a limit on the size of any file it writes (RLIMIT_FSIZE) and
 * SIGXFSZ ignored, so a write past the limit fails with EFBIG the way a write to a full
 * disk fails with ENOSPC: the program sees a failed write, not a signal.
 * usage: fsize_exec BYTES PROGRAM [ARG]... */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fsize_exec BYTES PROGRAM [ARG]...\n");
        return 2;
    }
    char *end;
    errno = 0;
    unsigned long long bytes = strtoull(argv[1], &end, 10);
    if (errno || *end || end == argv[1]) {
        fprintf(stderr, "fsize_exec: '%s' is not a byte count\n", argv[1]);
        return 2;
    }
    struct rlimit rl = {(rlim_t)bytes, (rlim_t)bytes};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) {
        fprintf(stderr, "fsize_exec: setrlimit: %s\n", strerror(errno));
        return 2;
    }
    /* an ignored signal stays ignored across exec */
    signal(SIGXFSZ, SIG_IGN);
    execvp(argv[2], argv + 2);
    fprintf(stderr, "fsize_exec: %s: %s\n", argv[2], strerror(errno));
    return 127;
}
