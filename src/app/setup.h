/* A new run's particles (app/setup.c): the memory check and the initial conditions. */
#ifndef NB_SETUP_H
#define NB_SETUP_H

#include "core/error.h"
#include "core/particles.h"
#include "io/config.h"

/* Refuses, before allocating, more particles than the machine can hold (collective in a
 * distributed run: every rank calls it). NB_ERR_INPUT naming the config. */
int nb_setup_check_memory(const nb_config *c, nb_error *err);

/* The particles of c's initial conditions: generated, or read from initial_conditions.file
 * (errors name that setting). */
int nb_setup_particles(const nb_config *c, nb_particles *p, nb_error *err);

#endif
