/* The command line of docs/DESIGN.md: parses argv, dispatches to run, restart, info,
 * check-config and bench, and turns a status into an exit code and one stderr line. */
#ifndef NB_CLI_H
#define NB_CLI_H

int nb_cli_main(int argc, char **argv);

#endif
