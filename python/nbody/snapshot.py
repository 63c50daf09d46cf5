"""nbody.load: a snapshot's particles as numpy arrays with its time, units and parameters
(read through the C API, so every file nbody reads is read the same way), and .to_yt()."""
import ctypes
import os

import numpy as np

from ._capi import check, lib
from .gravity import Particles

__all__ = ["Snapshot", "load", "save"]

# the /Integrator attributes and /Header units that nbody_snapshot_get answers
_NUMBERS = ("step", "time", "dt", "step_origin", "time_origin", "output_index", "E0", "G",
            "softening", "force_evaluations")
_STRINGS = ("kernel", "version", "run_id", "timestep")
_UNITS = ("UnitLength_in_cm", "UnitMass_in_g", "UnitVelocity_in_cm_per_s")
_G_CGS = 6.6743e-8  # CODATA 2018, cm^3 g^-1 s^-2 (src/physics/units.c)


class Snapshot:
    """pos, vel, acc (N, 3), mass (N,), ids (uint64), types (uint8) numpy arrays; time;
    units: dict of UnitLength_in_cm, UnitMass_in_g, UnitVelocity_in_cm_per_s (None: N-body
    units); attrs: the /Integrator attributes; parameters: the run's parameter text."""

    def __init__(self, handle, path=None):
        self._h = handle
        self.path = path
        self.particles = Particles._borrow(lib.nbody_snapshot_particles(handle), self)
        arrays = self.particles.arrays()
        for k, v in arrays.items():
            setattr(self, k, v)
        self.attrs = {k: self._number(k) for k in _NUMBERS}
        for k in ("step", "step_origin", "output_index", "force_evaluations"):
            self.attrs[k] = int(self.attrs[k])
        for k in _STRINGS:
            s = lib.nbody_snapshot_string(handle, k.encode())
            self.attrs[k] = s.decode() if s is not None else None
        self.parameters = lib.nbody_snapshot_string(handle, b"parameters").decode()
        self.time = self.attrs["time"]
        units = {k: self._number(k) for k in _UNITS}
        self.units = units if all(v > 0 for v in units.values()) else None

    def _number(self, name):
        v = ctypes.c_double()
        check(lib.nbody_snapshot_get, self._h, name.encode(), ctypes.byref(v))
        return v.value

    def __del__(self):
        if getattr(self, "_h", None):
            lib.nbody_snapshot_free(self._h)
            self._h = None

    def __len__(self):
        return len(self.mass)

    def __repr__(self):
        return "<nbody.Snapshot %s: N = %d, time = %.17g>" % (self.path, len(self), self.time)

    def unit_base(self):
        """yt's unit_base: the file's units, or for N-body units a length of 1 cm, a
        velocity of 1 cm/s and the mass that makes G the snapshot's G in them."""
        if self.units:
            return dict(self.units)
        return {"UnitLength_in_cm": 1.0, "UnitVelocity_in_cm_per_s": 1.0,
                "UnitMass_in_g": self.attrs["G"] / _G_CGS}

    def bounding_box(self, margin=0.01):
        """A cube around the origin holding every particle (BoxSize is 0: not periodic)."""
        L = (1 + margin) * float(np.abs(self.pos).max() or 1.0)
        return [[-L, L]] * 3

    def to_yt(self, **kwargs):
        """yt.load of the file, with the units and a bounding box (yt's GADGET frontend
        needs both for nbody's snapshots: docs/python.md)."""
        import yt
        if self.path is None:
            raise ValueError("to_yt: the snapshot has no file (save it first)")
        kwargs.setdefault("unit_base", self.unit_base())
        kwargs.setdefault("bounding_box", self.bounding_box())
        return yt.load(self.path, **kwargs)


def load(path):
    """The snapshot at path (an nbody snapshot, or any GADGET-style HDF5 file)."""
    h = ctypes.c_void_p()
    check(lib.nbody_snapshot_read, ctypes.byref(h), os.fsencode(path))
    return Snapshot(h, os.fspath(path))


def save(path, pos, mass, vel=None, ids=None, types=None, time=0.0, units=None,
         compression=0, **attrs):
    """Writes particles as a snapshot (readable by nbody as initial_conditions.type =
    "file"); units: a dict of UnitLength_in_cm, UnitMass_in_g, UnitVelocity_in_cm_per_s.
    Returns load(path)."""
    p = Particles(pos, mass, vel=vel, ids=ids, types=types)
    h = ctypes.c_void_p()
    check(lib.nbody_snapshot_create, ctypes.byref(h), p._h)
    try:
        check(lib.nbody_snapshot_set, h, b"time", float(time))
        for k, v in dict(units or {}, **attrs).items():
            if isinstance(v, str):
                check(lib.nbody_snapshot_set_string, h, k.encode(), v.encode())
            else:
                check(lib.nbody_snapshot_set, h, k.encode(), float(v))
        check(lib.nbody_snapshot_write, h, os.fsencode(path), int(compression))
    finally:
        lib.nbody_snapshot_free(h)
    return load(path)
