/* docs/api.md's example: two bodies, the direct kernel, accelerations and potentials. */
#include <stdio.h>

#include <nbody.h>

int main(void)
{
    double pos[2][3] = {{0, 0, 0}, {2, 0, 0}}, mass[2] = {3, 1};
    double acc[2][3], pot[2];
    nbody_error err;
    nbody_particles *p = NULL;
    nbody_gravity *g = NULL;
    if (nbody_particles_create(&p, 2, &pos[0][0], NULL, mass, NULL, NULL, &err) ||
        nbody_gravity_create(&g, "direct", &err) ||
        nbody_gravity_set(g, "G", 1.0, &err) ||
        nbody_gravity_compute(g, p, NULL, 0, &acc[0][0], pot, &err)) {
        fprintf(stderr, "example: %s\n", err.message);
        return err.code;
    }
    printf("nbody %s\n", nbody_version());
    for (int i = 0; i < 2; i++)
        printf("particle %d: acc = (%g, %g, %g), pot = %g\n", i, acc[i][0], acc[i][1],
               acc[i][2], pot[i]);
    nbody_gravity_free(g);
    nbody_particles_free(p);
    return 0;
}
