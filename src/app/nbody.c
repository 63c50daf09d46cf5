/* nbody: the program's entry point; everything else lives in the libraries. */
#include "app/cli.h"

int main(int argc, char **argv)
{
    return nb_cli_main(argc, argv);
}
