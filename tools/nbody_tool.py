"""What nbody's plotting tools (plot_energy.py, plot_snapshot.py, plot_timebins.py) share:
finding a Python with their modules (re-running under one that has them), argument
handling with one-line errors (exit 2 for bad input, 1 for a missing module or an
unwritable output), saving, and names for physical units (pc, kpc, Myr, Gyr, Msun) on
axis labels instead of "[3.086e+18 cm]". Installed beside them ($(pkgdatadir)/tools);
each tool finds it in its own directory.
"""
import argparse
import math
import os
import sys

PROG = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "nbody tool"


def fail(msg, code=2):
    """One line on stderr, then exit: 2 for bad input, 1 for the environment."""
    sys.stderr.write("%s: %s\n" % (PROG, msg))
    sys.exit(code)


def need(importer, packages):
    """importer() imports the tool's modules and returns them. The first python3 on PATH
    may lack Debian's modules, so on ImportError re-run once under $NBODY_PYTHON or
    /usr/bin/python3; without them anywhere, exit 1 naming the Debian packages."""
    try:
        return importer()
    except ImportError as e:
        missing = str(e)
    if not os.environ.get("NBODY_TOOLS_REEXEC"):
        for cand in (os.environ.get("NBODY_PYTHON"), "/usr/bin/python3"):
            if cand and os.access(cand, os.X_OK) and \
                    os.path.realpath(cand) != os.path.realpath(sys.executable):
                os.environ["NBODY_TOOLS_REEXEC"] = "1"
                os.execv(cand, [cand] + sys.argv)
    fail("%s (install %s, or run this script with a Python that has them, e.g. "
         "/usr/bin/python3)" % (missing, packages), 1)


def pyplot():
    """matplotlib.pyplot on the headless Agg backend (raises ImportError)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error (exit 2) instead of usage plus error."""

    def error(self, message):
        fail("%s (see --help)" % message)


def parser(description, epilog, output, dpi=100):
    """The tools' common options: -o/--output, --title, --dpi, --print-labels."""
    ap = Parser(prog=PROG, description=description, epilog=epilog)
    ap.add_argument("-o", "--output", default=output,
                    help="PNG file to write (default: %(default)s)")
    ap.add_argument("--title", default=None, help="plot title")
    ap.add_argument("--dpi", type=int, default=dpi, help="resolution (default: %(default)s)")
    ap.add_argument("--print-labels", action="store_true",
                    help="print each axis label, title and colour-bar label to stdout")
    return ap


def parse(ap):
    args = ap.parse_args()
    if args.dpi < 10 or args.dpi > 1200:
        fail("--dpi: expected 10 .. 1200, got %d" % args.dpi)
    return args


def print_labels(fig):
    """The figure's texts, one 'KIND: TEXT' line each, for tests and scripts."""
    for ax in fig.axes:
        for kind, text in (("title", ax.get_title()), ("xlabel", ax.get_xlabel()),
                           ("ylabel", ax.get_ylabel())):
            if text:
                sys.stdout.write("%s: %s\n" % (kind, text))


def save(fig, path, dpi, args=None):
    """Writes fig as PNG (exit 1 when path cannot be written); --print-labels prints."""
    try:
        fig.savefig(path, dpi=dpi, format="png")
    except OSError as e:
        fail("%s: cannot write: %s" % (path, e.strerror), 1)
    if args is not None and getattr(args, "print_labels", False):
        print_labels(fig)


def scalar(v):
    """An HDF5 attribute as a Python number (scalars may come back as 1-element arrays)."""
    try:
        return v.item() if hasattr(v, "item") and getattr(v, "size", 1) == 1 else v
    except (TypeError, ValueError):
        return v


# Named units in cgs. The solar mass and the parsec are src/physics/units.c's; the year is
# the Julian year (au_msun_yr's orbital "yr" is within 1e-5 of it).
PC = 3.0856775814913673e18
MSUN = 1.988409870698051e33
YR = 3.15576e7
LENGTHS = (("cm", 1.0), ("m", 1e2), ("km", 1e5), ("au", 1.495978707e13), ("pc", PC),
           ("kpc", 1e3 * PC), ("Mpc", 1e6 * PC))
MASSES = (("g", 1.0), ("kg", 1e3), ("Msun", MSUN), ("1e10 Msun", 1e10 * MSUN))
TIMES = (("s", 1.0), ("day", 86400.0), ("yr", YR), ("kyr", 1e3 * YR), ("Myr", 1e6 * YR),
         ("Gyr", 1e9 * YR))


def named_unit(cgs, table):
    """(name, factor) for a run's unit of cgs in the table's units: a value v in the run's
    unit is v * factor NAME. The named unit nearest in log, so 3.086e16 s (kpc / (km/s))
    is 0.978 Gyr; None for a unit that is not a positive finite number."""
    try:
        cgs = float(cgs)
    except (TypeError, ValueError):
        return None
    if not (cgs > 0 and math.isfinite(cgs)):
        return None
    name, value = min(table, key=lambda nv: abs(math.log10(cgs / nv[1])))
    factor = cgs / value
    return name, (1.0 if abs(factor - 1.0) <= 1e-6 else factor)


def units_from_header(attrs_list):
    """{'length': (name, factor), 'mass': ..., 'time': ...} from GADGET's unit attributes
    (UnitLength_in_cm, UnitMass_in_g, UnitVelocity_in_cm_per_s), looked for in each of
    attrs_list in turn (nbody and AREPO: /Header; GADGET-4: /Parameters); {} for N-body
    units."""
    found = {}
    for key in ("UnitLength_in_cm", "UnitMass_in_g", "UnitVelocity_in_cm_per_s"):
        for attrs in attrs_list:
            if attrs is not None and key in attrs:
                try:
                    found[key] = float(scalar(attrs[key]))
                except (TypeError, ValueError):
                    pass
                break
    if len(found) != 3 or not all(v > 0 and math.isfinite(v) for v in found.values()):
        return {}
    out = {"length": named_unit(found["UnitLength_in_cm"], LENGTHS),
           "mass": named_unit(found["UnitMass_in_g"], MASSES),
           "time": named_unit(found["UnitLength_in_cm"] / found["UnitVelocity_in_cm_per_s"],
                              TIMES)}
    return {k: v for k, v in out.items() if v}


def time_from_units_line(line):
    """(name, factor) of the time unit from energy.csv's '# units:' text ('... time T s
    (NAME), ...'); None in N-body units or when the line is not nbody's."""
    import re
    m = re.search(r"\btime ([-+0-9.eE]+) s\b", line)
    return named_unit(m.group(1), TIMES) if m else None
