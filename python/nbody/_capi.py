"""The ctypes binding of libnbody's C API (src/api/nbody.h): finds the shared library,
declares the functions, and turns a failing status into a Python exception."""
import ctypes
import ctypes.util
import os

__all__ = ["lib", "check", "NbodyError", "NbodyInputError", "library_path"]


class NbodyError(RuntimeError):
    """A failure reported by libnbody or the nbody program: .code is the status (1: a
    fault while running, 2: bad input), str() the one-line message."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


class NbodyInputError(NbodyError, ValueError):
    """Bad input (status 2): a parameter, a kernel name, a file, a configuration."""

    def __init__(self, message, code=2):
        super().__init__(message, code)


class Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("message", ctypes.c_char * 1024)]


def _candidates():
    """Where libnbody may be, most specific first."""
    env = os.environ.get("NBODY_LIBRARY")
    if env:
        yield env
        return
    try:  # written by `make install` (Makefile.am, install-nbody-python)
        from . import _paths
        yield os.path.join(_paths.LIBDIR, "libnbody.so.0")
    except ImportError:
        pass
    # the source tree, built in place: python/nbody/ -> .libs/
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    yield os.path.join(top, ".libs", "libnbody.so.0")
    found = ctypes.util.find_library("nbody")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError("nbody: libnbody not found (tried: %s); set NBODY_LIBRARY to the path "
                      "of libnbody.so" % ", ".join(tried or ["nothing"]))


lib, library_path = _load()

_p = ctypes.c_void_p
_d = ctypes.POINTER(ctypes.c_double)
_err = ctypes.POINTER(Error)
_size = ctypes.c_size_t
_SIGNATURES = {
    "nbody_version": (ctypes.c_char_p, []),
    "nbody_version_numbers": (None, [ctypes.POINTER(ctypes.c_int)] * 3),
    "nbody_particles_create": (ctypes.c_int, [ctypes.POINTER(_p), _size, _p, _p, _p, _p, _p,
                                              _err]),
    "nbody_particles_free": (None, [_p]),
    "nbody_particles_count": (_size, [_p]),
    "nbody_particles_update": (ctypes.c_int, [_p, _p, _p, _p, _err]),
    "nbody_particles_get": (None, [_p, _p, _p, _p, _p, _p, _p]),
    "nbody_kernel_names": (ctypes.c_char_p, []),
    "nbody_gravity_create": (ctypes.c_int, [ctypes.POINTER(_p), ctypes.c_char_p, _err]),
    "nbody_gravity_free": (None, [_p]),
    "nbody_gravity_set": (ctypes.c_int, [_p, ctypes.c_char_p, ctypes.c_double, _err]),
    "nbody_gravity_get": (ctypes.c_int, [_p, ctypes.c_char_p, _d, _err]),
    "nbody_gravity_set_choice": (ctypes.c_int, [_p, ctypes.c_char_p, ctypes.c_char_p, _err]),
    "nbody_gravity_get_choice": (ctypes.c_int, [_p, ctypes.c_char_p, ctypes.c_char_p, _size,
                                                _err]),
    "nbody_gravity_compute": (ctypes.c_int, [_p, _p, _p, _size, _p, _p, _err]),
    "nbody_snapshot_read": (ctypes.c_int, [ctypes.POINTER(_p), ctypes.c_char_p, _err]),
    "nbody_snapshot_create": (ctypes.c_int, [ctypes.POINTER(_p), _p, _err]),
    "nbody_snapshot_free": (None, [_p]),
    "nbody_snapshot_particles": (_p, [_p]),
    "nbody_snapshot_get": (ctypes.c_int, [_p, ctypes.c_char_p, _d, _err]),
    "nbody_snapshot_set": (ctypes.c_int, [_p, ctypes.c_char_p, ctypes.c_double, _err]),
    "nbody_snapshot_string": (ctypes.c_char_p, [_p, ctypes.c_char_p]),
    "nbody_snapshot_set_string": (ctypes.c_int, [_p, ctypes.c_char_p, ctypes.c_char_p, _err]),
    "nbody_snapshot_write": (ctypes.c_int, [_p, ctypes.c_char_p, ctypes.c_int, _err]),
}
for _name, (_res, _args) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args


def check(call, *args):
    """Calls a status-returning function with an Error as its last argument; raises
    NbodyInputError (status 2) or NbodyError (other) with the library's message."""
    err = Error()
    rc = call(*args, ctypes.byref(err))
    if rc:
        msg = err.message.decode("utf-8", "replace")
        raise (NbodyInputError if rc == 2 else NbodyError)(msg, rc)
    return rc
