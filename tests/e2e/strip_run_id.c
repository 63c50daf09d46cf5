/* strip_run_id FILE...: deletes /Integrator run_id from nbody snapshots, making them as
 * the versions before run ids wrote them (e2e_rundir's legacy cases). */
#include <hdf5.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    int bad = 0;
    for (int k = 1; k < argc; k++) {
        hid_t f = H5Fopen(argv[k], H5F_ACC_RDWR, H5P_DEFAULT);
        if (f < 0 || H5Adelete_by_name(f, "Integrator", "run_id", H5P_DEFAULT) < 0) {
            fprintf(stderr, "strip_run_id: %s: no /Integrator run_id to delete\n", argv[k]);
            bad = 1;
        }
        if (f >= 0)
            H5Fclose(f);
    }
    return bad;
}
