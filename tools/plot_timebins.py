#!/usr/bin/env python3
"""Plots an adaptive run's timebins.csv: the particles in each time bin against time, as
a heat map (bin k steps by dt / 2^k; colour: particle count, log scale). Headless (Agg).

  plot_timebins.py outputs/hernquist/timebins.csv -o timebins.png
"""
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import nbody_tool as nt  # noqa: E402  (installed beside this script)


def import_matplotlib():
    plt = nt.pyplot()
    from matplotlib.colors import LogNorm
    return plt, LogNorm


class BinLog:
    def __init__(self, path):
        self.path = path
        self.name = None
        self.dt = None      # from '# dt:', to label the bins with their steps
        self.time_unit = None  # (name, factor) from '# units:' with physical units
        self.time = []
        self.counts = []    # one list of per-bin counts a row


def read_log(path):
    """Reads a timebins.csv; any problem is a one-line error and exit 2."""
    log = BinLog(path)
    try:
        f = open(path, newline="")
    except OSError as e:
        nt.fail("%s: cannot open: %s" % (path, e.strerror))
    columns = None
    with f:
        try:
            for lineno, line in enumerate(f, 1):
                s = line.strip()
                if not s:
                    continue
                if s.startswith("#"):
                    body = s[1:].strip()
                    if body.startswith("name:") and log.name is None:
                        log.name = body[5:].strip()
                    elif body.startswith("units:") and log.time_unit is None:
                        log.time_unit = nt.time_from_units_line(body[6:])
                    elif body.startswith("dt:") and log.dt is None:
                        try:
                            log.dt = float(body[3:])
                        except ValueError:
                            pass  # only a label: the plot stands without it
                    continue
                row = next(csv.reader([s]))
                if columns is None:
                    want = ["step", "time"] + ["bin%d" % k for k in range(len(row) - 2)]
                    if len(row) < 3 or row != want:
                        nt.fail("%s:%d: not a time-bin column row (expected "
                                   "'step,time,bin0,bin1,...', the timebins.csv of an "
                                   "adaptive run)" % (path, lineno))
                    columns = row
                    continue
                if len(row) != len(columns):
                    nt.fail("%s:%d: %d fields, expected %d like the column row"
                               % (path, lineno, len(row), len(columns)))
                try:
                    t = float(row[1])
                    c = [int(x) for x in row[2:]]
                except ValueError:
                    nt.fail("%s:%d: time or a bin count is not a number" % (path, lineno))
                if min(c) < 0:
                    nt.fail("%s:%d: a negative bin count" % (path, lineno))
                log.time.append(t)
                log.counts.append(c)
        except (UnicodeDecodeError, csv.Error):
            nt.fail("%s: not a text file (expected an nbody timebins.csv)" % path)
    if columns is None:
        nt.fail("%s: no column row (expected an nbody timebins.csv with a "
                   "'step,time,bin0,...' row)" % path)
    if not log.time:
        nt.fail("%s: no data rows" % path)
    return log


def main():
    ap = nt.parser("Plot the particles per time bin against time from an adaptive run's "
                   "timebins.csv, as a heat map (colour: count, log scale).",
                   "example: %(prog)s outputs/hernquist/timebins.csv -o timebins.png",
                   "timebins.png")
    ap.add_argument("file", metavar="TIMEBINS_CSV", help="timebins.csv to plot")
    args = nt.parse(ap)

    log = read_log(args.file)
    plt, LogNorm = nt.need(import_matplotlib, "python3-matplotlib")
    # physical time in a named unit (Gyr for kpc, km/s)
    unit, scale = (log.time_unit[0], log.time_unit[1]) if log.time_unit else (None, 1.0)
    log.time = [v * scale for v in log.time]
    if log.dt:
        log.dt *= scale

    # only the bins ever occupied, and one more for air; rows to columns
    deepest = max(max((k for k, n in enumerate(c) if n > 0), default=0) for c in log.counts)
    nb = deepest + 1
    grid = [[(c[k] if c[k] > 0 else float("nan")) for c in log.counts] for k in range(nb)]
    # each row holds the bins of the next dt: a cell spans [t_i, t_i+1); the last row
    # gets the previous row's width
    t = list(log.time)
    width = t[-1] - t[-2] if len(t) > 1 else (log.dt or 1.0)
    edges = t + [t[-1] + (width if width > 0 else 1.0)]
    nmax = max(max(c) for c in log.counts)

    fig, (ax, axn) = plt.subplots(2, 1, figsize=(8, 5.2), sharex=True,
                                  gridspec_kw={"height_ratios": [3, 1]})
    mesh = ax.pcolormesh(edges, [k - 0.5 for k in range(nb + 1)], grid, cmap="viridis",
                         norm=LogNorm(vmin=1, vmax=max(nmax, 2)), shading="flat")
    ax.set_ylim(nb - 0.5, -0.5)   # bin 0 (the longest step) on top
    ax.set_ylabel("time bin k (step dt / 2^k)")
    if nb <= 16:
        ax.set_yticks(range(nb))
    cb = fig.colorbar(mesh, ax=[ax, axn], pad=0.02)
    cb.set_label("particles in the bin")
    ax.set_title(args.title if args.title is not None else
                 "time bins: %s%s" % (log.name or os.path.basename(args.file),
                                      " (dt = %g%s)" % (log.dt, " " + unit if unit else "")
                                      if log.dt else ""))

    # force evaluations per dt that the bins ask for: sum of n_k 2^k, against N a dt fixed
    work = [sum(n << k for k, n in enumerate(c)) for c in log.counts]
    ntot = sum(log.counts[0])
    axn.step(edges, work + [work[-1]], where="post", color="C1",
             label="adaptive: sum n_k 2^k")
    axn.step(edges, [ntot << deepest] * len(edges), where="post", color="C0", ls="--",
             label="fixed at dt / 2^%d" % deepest)
    axn.set_yscale("log")
    axn.set_ylabel("evaluations / dt")
    axn.set_xlabel("time [%s]" % unit if unit else "time")
    axn.legend(loc="best", fontsize="x-small")
    axn.grid(True, which="major", alpha=0.3)
    nt.save(fig, args.output, args.dpi, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
