/* The snapshot writer's attributes: GADGET's /Header (NumPart_*, MassTable, the flags),
 * /Parameters and /Integrator (nb_snapshot_attrs), all in checksummed object headers. */
#include "io/snapshot.h"
#include "io/snapshot_h5.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Attribute name of loc: a scalar when n == 0, else n values. */
static int put_attr(nb_snapshot_writer *w, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                    hsize_t n, const void *buf)
{
    int rc = 0;
    hid_t space = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR);
    hid_t a = -1;
    if (space < 0 || (a = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Awrite(a, mtype, buf) < 0)
        rc = nb_snapshot_wfail(w, name, NULL);
    if (a >= 0 && H5Aclose(a) < 0 && !rc)
        rc = nb_snapshot_wfail(w, name, NULL);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

static int put_double(nb_snapshot_writer *w, hid_t loc, const char *name, double v)
{
    return put_attr(w, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, &v);
}

static int put_int(nb_snapshot_writer *w, hid_t loc, const char *name, int32_t v)
{
    return put_attr(w, loc, name, H5T_STD_I32LE, H5T_NATIVE_INT32, 0, &v);
}

/* Fixed-length, so the text sits in the checksummed object header; variable-length
 * strings would go to the global heap, which has no checksum. */
static int put_string(nb_snapshot_writer *w, hid_t loc, const char *name, const char *s)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    int rc;
    if (t < 0 || H5Tset_size(t, strlen(s) + 1) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)
        rc = nb_snapshot_wfail(w, name, NULL);
    else
        rc = put_attr(w, loc, name, t, t, 0, s);
    if (t >= 0)
        H5Tclose(t);
    return rc;
}

hid_t nb_snapshot_wgroup(nb_snapshot_writer *w, hid_t file, const char *name)
{
    hid_t g = H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        nb_snapshot_wfail(w, name, NULL);
    return g;
}

int nb_snapshot_wgroup_close(nb_snapshot_writer *w, hid_t g, const char *name, int rc)
{
    if (H5Gclose(g) < 0 && !rc)
        rc = nb_snapshot_wfail(w, name, NULL);
    return rc;
}

/* GADGET-4's unit attributes (UnitLength_in_cm, UnitMass_in_g, UnitVelocity_in_cm_per_s)
 * in loc, for a run with physical units; N-body units have no scale, and a made-up one
 * (1 cm, 1 g) would be read as physical, so they are left out. */
static int put_units(nb_snapshot_writer *w, hid_t loc, const nb_snapshot_meta *meta)
{
    if (!(meta->unit_length_in_cm > 0 && meta->unit_mass_in_g > 0 &&
          meta->unit_velocity_in_cm_per_s > 0))
        return 0;
    int rc = put_double(w, loc, "UnitLength_in_cm", meta->unit_length_in_cm);
    if (!rc)
        rc = put_double(w, loc, "UnitMass_in_g", meta->unit_mass_in_g);
    if (!rc)
        rc = put_double(w, loc, "UnitVelocity_in_cm_per_s", meta->unit_velocity_in_cm_per_s);
    return rc;
}

int nb_snapshot_write_header(nb_snapshot_writer *w, hid_t file, const size_t count[NB_NTYPES],
                        const double mass_table[NB_NTYPES], const nb_snapshot_meta *meta)
{
    double time = meta->time;
    hid_t g = nb_snapshot_wgroup(w, file, "Header");
    if (g < 0)
        return -1;
    /* GADGET-2/AREPO/GIZMO types: int32 this-file counts, uint32 totals split in words;
     * MassTable[t] is the mass every particle of type t has, 0 when they differ (the
     * Masses datasets are written either way: nb_snapshot_mass_table) */
    int32_t this_file[NB_NTYPES];
    uint32_t total[NB_NTYPES], high[NB_NTYPES];
    for (int t = 0; t < NB_NTYPES; t++) {
        this_file[t] = (int32_t)count[t];
        total[t] = (uint32_t)count[t];
        high[t] = (uint32_t)((uint64_t)count[t] >> 32);
    }
    const char *flags[] = {"Flag_Sfr", "Flag_Cooling", "Flag_StellarAge", "Flag_Metals",
                           "Flag_Feedback"};
    int rc = put_attr(w, g, "NumPart_ThisFile", H5T_STD_I32LE, H5T_NATIVE_INT32, 6, this_file);
    if (!rc)
        rc = put_attr(w, g, "NumPart_Total", H5T_STD_U32LE, H5T_NATIVE_UINT32, 6, total);
    if (!rc)
        rc = put_attr(w, g, "NumPart_Total_HighWord", H5T_STD_U32LE, H5T_NATIVE_UINT32, 6, high);
    if (!rc)
        rc = put_attr(w, g, "MassTable", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 6, mass_table);
    if (!rc)
        rc = put_double(w, g, "Time", time);
    if (!rc)
        rc = put_double(w, g, "Redshift", 0.0);
    if (!rc)
        rc = put_double(w, g, "BoxSize", 0.0);
    if (!rc)
        rc = put_int(w, g, "NumFilesPerSnapshot", 1);
    if (!rc)
        rc = put_double(w, g, "Omega0", 0.0);
    if (!rc)
        rc = put_double(w, g, "OmegaLambda", 0.0);
    if (!rc)
        rc = put_double(w, g, "HubbleParam", 1.0);
    for (size_t k = 0; k < sizeof flags / sizeof flags[0] && !rc; k++)
        rc = put_int(w, g, flags[k], 0);
    if (!rc)
        rc = put_int(w, g, "Flag_DoublePrecision", 1);
    /* AREPO's readers (and yt's AREPO frontend) look for the units here */
    if (!rc)
        rc = put_units(w, g, meta);
    return nb_snapshot_wgroup_close(w, g, "Header", rc);
}

int nb_snapshot_write_meta(nb_snapshot_writer *w, hid_t file, const nb_snapshot_meta *meta)
{
    hid_t g = nb_snapshot_wgroup(w, file, "Parameters");
    if (g < 0)
        return -1;
    int rc = put_string(w, g, "ParameterFile", meta->parameters ? meta->parameters : "");
    /* GADGET-4 keeps its unit attributes here (AREPO in /Header: both are written) */
    if (!rc)
        rc = put_units(w, g, meta);
    if ((rc = nb_snapshot_wgroup_close(w, g, "Parameters", rc)))
        return rc;
    if ((g = nb_snapshot_wgroup(w, file, "Integrator")) < 0)
        return -1;
    for (size_t k = 0; k < nb_snapshot_n_attrs && !rc; k++) {
        const nb_snapshot_attr *a = &nb_snapshot_attrs[k];
        const void *v = nb_snapshot_attr_value(meta, a);
        if (a->type == NB_SNAP_STRING && a->restart == NB_SNAP_OPTIONAL && !*(const char *)v)
            continue; /* an optional string left empty is not written */
        if (a->type == NB_SNAP_STRING) {
            /* the member need not be terminated when full */
            char *s = malloc(a->size + 1);
            rc = s ? put_string(w, g, a->name, nb_snapshot_attr_format(meta, a, s, a->size + 1))
                   : nb_snapshot_wfail(w, a->name, "out of memory");
            free(s);
        } else {
            rc = put_attr(w, g, a->name, nb_snapshot_h5_ftype(a->type),
                          nb_snapshot_h5_mtype(a->type), 0, v);
        }
    }
    return nb_snapshot_wgroup_close(w, g, "Integrator", rc);
}
