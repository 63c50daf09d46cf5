"""Forces on numpy arrays: nbody.accel and nbody.potential (one call), Gravity and
Particles (handles kept for repeated calls). Inputs that are already float64 and
C-contiguous are passed to the library as they are; results are written straight into
the returned arrays."""
import ctypes
import threading

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
    opening ("geometric", the default, or "relative": GADGET's test, the particle set's
    accelerations from its last compute as the previous force; also 0 or 1, the name's
    index), force_accuracy (its alpha), k (neighbours)."""

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
        """Sets one parameter: a str is a choice key's name (opening="relative"), anything
        else a number (opening=1 is the same setting)."""
        if isinstance(value, str):
            check(lib.nbody_gravity_set_choice, self._h, name.encode(), value.encode())
        else:
            check(lib.nbody_gravity_set, self._h, name.encode(), float(value))

    def get(self, name):
        """A parameter's value: the name for a choice key ("opening" -> "geometric"), a
        float for the others."""
        s = ctypes.create_string_buffer(64)
        try:
            check(lib.nbody_gravity_get_choice, self._h, name.encode(), s, len(s))
            return s.value.decode()
        except NbodyInputError:  # a number key, or no such key: the number's message
            pass
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
    if h is None:
        return 0.0
    h = np.asarray(h, dtype=np.float64)
    if h.ndim and h.size:
        if not np.all(h == h.flat[0]):
            raise NbodyInputError("softening: one length for all particles expected (nbody's "
                                  "kernels use one Plummer softening)")
        h = h.flat[0]
    return float(h)


def _gravity(kernel, softening, G, theta, threads, parallel, params):
    if parallel is not None and threads == 0:  # pytreegrav's switch: serial or all cores
        threads = 0 if parallel else 1
    params.pop("quadrupole", None)  # pytreegrav's option: nbody's tree always has them
    g = Gravity(kernel, G=G, softening=_softening(softening), threads=threads)
    if theta is not None:
        g.set("theta", theta)
    for name, value in params.items():
        if value is not None:
            g.set(name, value)
    return g


# One gravity handle and one particle set per thread, kept between calls with the same
# parameters and N (up to _CACHE_MAX_N particles, so a large set is not held on to): at
# N = 1000 a new set and kernel state cost about a tenth of the direct kernel's time.
_CACHE_MAX_N = 65536
_cache = threading.local()


def _handles(kernel, softening, G, theta, threads, parallel, params, pos, m):
    key = (kernel, _softening(softening), G, theta, threads, parallel,
           tuple(sorted(params.items())))
    pos = np.ascontiguousarray(pos, dtype=np.float64)
    n = pos.shape[0] if pos.ndim == 2 else -1
    if n > _CACHE_MAX_N or n < 1:
        return _gravity(kernel, softening, G, theta, threads, parallel, params), \
            Particles(pos, m)
    c = _cache.__dict__
    if c.get("key") != key:
        c["g"], c["key"] = None, None
        c["g"] = _gravity(kernel, softening, G, theta, threads, parallel, dict(params))
        c["key"] = key
    p = c.get("p")
    if p is not None and p.n == n and pos.shape == (n, 3):
        p.update(pos=pos, mass=m)
    else:
        c["p"] = None
        p = c["p"] = Particles(pos, m)
    return c["g"], p


def accel(pos, m, softening=0.0, G=1.0, theta=None, kernel="tree", threads=0, targets=None,
          parallel=None, **params):
    """Accelerations (N, 3) of the particles at pos (N, 3) with masses m ((N,) or one
    number), Plummer-softened: a_i = G sum_j m_j (r_j - r_i) / (|r_j - r_i|^2 + eps^2)^1.5.

    The arguments follow pytreegrav's Accel(pos, m, softening, G, theta, ..., parallel):
    `Accel(pos, m, h, theta=0.7)` becomes `nbody.accel(pos, m, h, theta=0.7)`. The one
    difference: softening is one Plummer length (an array of equal values is accepted),
    where pytreegrav's h is per particle and the support radius of a spline kernel (exactly
    Newtonian beyond h; a Plummer eps = h / 2.8 gives the same potential at r = 0).
    theta: the tree's opening angle (default 0.5); kernel: one of kernels(); threads: OpenMP
    threads, 0 = all (parallel=False, pytreegrav's default, means 1); targets: an index
    array, for their rows only. More kernel parameters by name: leaf_size, k (knn's
    neighbours)."""
    g, p = _handles(kernel, softening, G, theta, threads, parallel, params, pos, m)
    return g.compute(p, targets)[0]


def potential(pos, m, softening=0.0, G=1.0, theta=None, kernel="tree", threads=0,
              targets=None, parallel=None, **params):
    """Potentials (N,): phi_i = -G sum_{j != i} m_j / sqrt(|r_j - r_i|^2 + eps^2), with the
    arguments of accel (pytreegrav: Potential(pos, m, softening, G, theta, ...))."""
    g, p = _handles(kernel, softening, G, theta, threads, parallel, params, pos, m)
    return g.compute(p, targets, potential=True)[1]
