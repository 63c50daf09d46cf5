"""Forces on numpy arrays: nbody.accel and nbody.potential (one call), Gravity and
Particles (handles kept for repeated calls). Inputs that are already float64 and
C-contiguous are passed to the library as they are; results are written straight into
the returned arrays."""
import ctypes

import numpy as np

from ._capi import NbodyInputError, check, lib

__all__ = ["Particles", "Gravity", "accel", "potential", "kernels"]


def kernels():
    """The kernel names: ['direct', 'parallel', 'knn', 'tree']."""
    return lib.nbody_kernel_names().decode().split(", ")


def _ptr(a):
    return None if a is None else a.ctypes.data_as(ctypes.c_void_p)


def _rows(a, n, what):
    a = np.ascontiguousarray(a, dtype=np.float64)
    if a.shape != (n, 3):
        raise NbodyInputError("%s: shape %s, expected (%d, 3)" % (what, a.shape, n))
    return a


class Particles:
    """A particle set in the library (a copy of the arrays). pos: (N, 3); mass: (N,) or a
    scalar for all; vel (N, 3), ids (N,) uint64 and types (N,) 0..5 ascending: optional."""

    def __init__(self, pos, mass, vel=None, ids=None, types=None):
        pos = np.ascontiguousarray(pos, dtype=np.float64)
        if pos.ndim != 2 or pos.shape[1] != 3:
            raise NbodyInputError("pos: shape %s, expected (N, 3)" % (pos.shape,))
        n = pos.shape[0]
        mass = np.ascontiguousarray(np.broadcast_to(np.asarray(mass, dtype=np.float64),
                                                    (n,)))
        vel = None if vel is None else _rows(vel, n, "vel")
        if ids is not None:
            ids = np.ascontiguousarray(ids, dtype=np.uint64).reshape(n)
        if types is not None:
            types = np.ascontiguousarray(types, dtype=np.uint8).reshape(n)
        self._h = ctypes.c_void_p()
        check(lib.nbody_particles_create, ctypes.byref(self._h), n, _ptr(pos), _ptr(vel),
              _ptr(mass), _ptr(ids), _ptr(types))
        self.n = n

    @classmethod
    def _borrow(cls, handle, owner):
        self = cls.__new__(cls)
        self._h = ctypes.c_void_p(handle)
        self._owner = owner  # the snapshot that frees it
        self.n = lib.nbody_particles_count(self._h)
        return self

    def __del__(self):
        if getattr(self, "_owner", None) is None and getattr(self, "_h", None):
            lib.nbody_particles_free(self._h)
            self._h = None

    def __len__(self):
        return self.n

    def update(self, pos=None, vel=None, mass=None):
        """New positions, velocities and/or masses (None: unchanged)."""
        pos = None if pos is None else _rows(pos, self.n, "pos")
        vel = None if vel is None else _rows(vel, self.n, "vel")
        if mass is not None:
            mass = np.ascontiguousarray(np.broadcast_to(np.asarray(mass, np.float64),
                                                        (self.n,)))
        check(lib.nbody_particles_update, self._h, _ptr(pos), _ptr(vel), _ptr(mass))

    def arrays(self):
        """dict of numpy arrays: pos, vel, acc (N, 3), mass (N,), ids (uint64), types
        (uint8)."""
        n = self.n
        out = {"pos": np.empty((n, 3)), "vel": np.empty((n, 3)), "acc": np.empty((n, 3)),
               "mass": np.empty(n), "ids": np.empty(n, np.uint64),
               "types": np.empty(n, np.uint8)}
        lib.nbody_particles_get(self._h, *(_ptr(out[k]) for k in
                                           ("pos", "vel", "acc", "mass", "ids", "types")))
        return out


class Gravity:
    """A force kernel with its parameters: Gravity("tree", softening=0.01, theta=0.5).
    Keyword parameters: G, softening, threads, theta (opening_angle), leaf_size,
    k (neighbours)."""

    def __init__(self, kernel="tree", **params):
        self._h = ctypes.c_void_p()
        check(lib.nbody_gravity_create, ctypes.byref(self._h), kernel.encode())
        self.kernel = kernel
        for name, value in params.items():
            self.set(name, value)

    def __del__(self):
        if getattr(self, "_h", None):
            lib.nbody_gravity_free(self._h)
            self._h = None

    def set(self, name, value):
        check(lib.nbody_gravity_set, self._h, name.encode(), float(value))

    def get(self, name):
        v = ctypes.c_double()
        check(lib.nbody_gravity_get, self._h, name.encode(), ctypes.byref(v))
        return v.value

    def compute(self, particles, targets=None, potential=False):
        """(acc, pot): acc (M, 3) and pot (M,) or None, for the targets (an index array;
        None: all N, M = N), rows in the targets' order."""
        if targets is None:
            m, tp = particles.n, None
        else:
            targets = np.ascontiguousarray(targets, dtype=np.int64).reshape(-1)
            if targets.size and (targets.min() < 0 or targets.max() >= particles.n):
                raise NbodyInputError("targets: indices from 0 to N - 1 = %d expected"
                                      % (particles.n - 1))
            targets = targets.astype(np.uint32)
            m, tp = targets.size, targets
        acc = np.empty((m, 3))
        pot = np.empty(m) if potential else None
        check(lib.nbody_gravity_compute, self._h, particles._h, _ptr(tp), m, _ptr(acc),
              _ptr(pot))
        return acc, pot


def _softening(h):
    """pytreegrav takes one softening per particle; the kernels take one length."""
    h = np.asarray(h, dtype=np.float64)
    if h.ndim and h.size:
        if not np.all(h == h.flat[0]):
            raise NbodyInputError("softening: one length for all particles expected (nbody's "
                                  "kernels use one Plummer softening)")
        h = h.flat[0]
    return float(h)


def _gravity(kernel, softening, theta, G, threads, params):
    g = Gravity(kernel, G=G, softening=_softening(softening), threads=threads)
    if theta is not None:
        g.set("theta", theta)
    for name, value in params.items():
        if value is not None:
            g.set(name, value)
    return g


def accel(pos, m, softening=0.0, theta=None, kernel="tree", G=1.0, threads=0, targets=None,
          **params):
    """Accelerations (N, 3) of the particles at pos (N, 3) with masses m ((N,) or one
    number), Plummer-softened: a_i = G sum_j m_j (r_j - r_i) / (|r_j - r_i|^2 + eps^2)^1.5.
    pytreegrav's Accel(pos, m, h, theta=...) becomes accel(pos, m, h, theta=...): h must be
    one length (an array of equal values is accepted) and it is a Plummer length, where
    pytreegrav's h is the support radius of a spline kernel (about 2.8 eps for the same
    force far away). theta: the tree's opening angle (default 0.5); kernel: one of
    kernels(); threads: 0 = OpenMP's default; targets: an index array, for their rows only.
    More kernel parameters by name: leaf_size, k (knn's neighbours)."""
    g = _gravity(kernel, softening, theta, G, threads, params)
    return g.compute(Particles(pos, m), targets)[0]


def potential(pos, m, softening=0.0, theta=None, kernel="tree", G=1.0, threads=0,
              targets=None, **params):
    """Potentials (N,): phi_i = -G sum_{j != i} m_j / sqrt(|r_j - r_i|^2 + eps^2), with the
    arguments of accel (pytreegrav: Potential(pos, m, h, theta=...))."""
    g = _gravity(kernel, softening, theta, G, threads, params)
    return g.compute(Particles(pos, m), targets, potential=True)[1]
