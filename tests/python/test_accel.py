"""nbody.accel and nbody.potential against a numpy long-double direct sum; target lists
against the whole; the pytreegrav-style call; errors as exceptions with the library's
message."""
import numpy as np

from common import direct_sum, rel_err

import nbody

N = 400
rng = np.random.default_rng(2024)
POS = rng.normal(size=(N, 3))
M = rng.uniform(0.5, 1.5, size=N) / N
EPS = 0.02
G = 1.7
REF_ACC, REF_POT = direct_sum(POS, M, EPS, G)


def test_direct_and_parallel_against_long_double():
    for kernel in ("direct", "parallel"):
        for threads in (1, 2):
            a = nbody.accel(POS, M, EPS, kernel=kernel, G=G, threads=threads)
            p = nbody.potential(POS, M, EPS, kernel=kernel, G=G, threads=threads)
            assert a.shape == (N, 3) and a.dtype == np.float64
            assert p.shape == (N,)
            assert rel_err(a, REF_ACC).max() < 1e-12, kernel
            assert (abs(p - REF_POT) / abs(REF_POT)).max() < 1e-13, kernel


def test_tree_against_long_double():
    # the error falls with the opening angle: quadrupole tree, median error well below
    # 1e-3 at theta = 0.5 and below 1e-5 at theta = 0.1
    med = {}
    for theta in (0.5, 0.1):
        a = nbody.accel(POS, M, EPS, theta=theta, G=G)
        med[theta] = np.median(rel_err(a, REF_ACC))
    assert med[0.5] < 1e-3 and med[0.1] < 1e-5 and med[0.1] < med[0.5] / 10, med
    p = nbody.potential(POS, M, EPS, theta=0.1, G=G)
    assert (abs(p - REF_POT) / abs(REF_POT)).max() < 1e-5


def test_knn_is_the_nearest_neighbour_sum():
    # k = N - 1 neighbours: every other particle, so the direct sum
    a = nbody.accel(POS, M, EPS, kernel="knn", k=N - 1, G=G)
    assert rel_err(a, REF_ACC).max() < 1e-12


def test_subsets_are_rows_of_the_whole():
    idx = np.array([399, 0, 17, 250, 3])
    for kernel in nbody.kernels():
        whole = nbody.accel(POS, M, EPS, kernel=kernel)
        sub = nbody.accel(POS, M, EPS, kernel=kernel, targets=idx)
        assert sub.shape == (5, 3)
        assert np.array_equal(sub, whole[idx]), kernel  # the same bits
        pw = nbody.potential(POS, M, EPS, kernel="direct")
        ps = nbody.potential(POS, M, EPS, kernel="direct", targets=idx)
        assert np.array_equal(ps, pw[idx])


def test_inputs_without_a_copy_and_with_one():
    # float32, Fortran order and a scalar mass give the same result as float64 rows
    a = nbody.accel(POS, M, EPS, kernel="direct")
    b = nbody.accel(np.asfortranarray(POS), M.tolist(), EPS, kernel="direct")
    assert np.array_equal(a, b)
    c = nbody.accel(POS, 1.0 / N, EPS, kernel="direct")
    d = nbody.accel(POS, np.full(N, 1.0 / N), EPS, kernel="direct")
    assert np.array_equal(c, d)


def test_pytreegrav_call_site():
    # Accel(pos, m, h, theta=0.7) -> nbody.accel(pos, m, h, theta=0.7): h per particle
    # (all equal) accepted, different ones refused
    h = np.full(N, EPS)
    a = nbody.accel(POS, M, h, theta=0.7)
    assert np.array_equal(a, nbody.accel(POS, M, EPS, theta=0.7))
    h[3] = 2 * EPS
    try:
        nbody.accel(POS, M, h)
    except nbody.NbodyInputError as e:
        assert "one length" in str(e)
    else:
        raise AssertionError("different softenings accepted")


def test_errors_raise_with_the_library_message():
    cases = [
        (dict(kernel="fmm"), "unknown kernel 'fmm'"),
        (dict(theta=3.0), "opening_angle"),
        (dict(softening=-1.0), "softening = -1"),
        (dict(kernel="knn", k=N + 5), "neighbours"),
    ]
    for kwargs, text in cases:
        try:
            nbody.accel(POS, M, **kwargs)
        except nbody.NbodyInputError as e:
            assert text in str(e) and e.code == 2, (kwargs, str(e))
        else:
            raise AssertionError("accepted %s" % kwargs)
    bad = M.copy()
    bad[7] = -1
    try:
        nbody.accel(POS, bad)
    except nbody.NbodyInputError as e:
        assert "particle 7" in str(e)
    else:
        raise AssertionError("a negative mass accepted")


def test_gravity_handle_reused():
    g = nbody.Gravity("tree", softening=EPS, theta=0.3, G=G)
    assert g.get("theta") == 0.3 and g.get("opening_angle") == 0.3 and g.get("G") == G
    d = nbody.Gravity("direct", softening=EPS, G=G)
    p = nbody.Particles(POS, M)
    a1, p1 = d.compute(p, potential=True)
    assert np.array_equal(a1, nbody.accel(POS, M, EPS, kernel="direct", G=G))
    p.update(pos=POS + 1.0)  # a translation: the same forces to rounding
    a2, _ = d.compute(p)
    assert rel_err(a2, REF_ACC).max() < 1e-12
    assert np.array_equal(p1, nbody.potential(POS, M, EPS, kernel="direct", G=G))


def test_relative_opening_reads_the_last_compute():
    # docs/api.md: "opening" = 1 takes the set's accelerations from its last compute as the
    # previous force: a new set's first compute is the geometric test's, bit for bit; the
    # second is the relative test's, of the accuracy alpha asks (check_tree_relative: median
    # below 2e-2 sqrt(alpha)), and differs
    geo = nbody.Gravity("tree", softening=EPS, theta=0.7, G=G)
    rel = nbody.Gravity("tree", softening=EPS, theta=0.7, G=G, opening=1,
                        force_accuracy=1e-4)
    assert rel.get("opening") == "relative" and rel.get("force_accuracy") == 1e-4
    a_geo, _ = geo.compute(nbody.Particles(POS, M))
    p = nbody.Particles(POS, M)
    a_first, _ = rel.compute(p)
    assert np.array_equal(a_first, a_geo)
    a_second, _ = rel.compute(p)
    assert not np.array_equal(a_second, a_first)
    assert np.median(rel_err(a_second, REF_ACC)) < 2e-2 * 1e-4 ** 0.5
    assert np.median(rel_err(a_second, REF_ACC)) < np.median(rel_err(a_geo, REF_ACC))


def test_opening_by_name():
    # a str goes through nbody_gravity_set_choice, a number through nbody_gravity_set: the
    # same setting, the same bits (the second compute: the relative test on the first's
    # forces, which differs from the geometric test's); get returns the name
    g = nbody.Gravity("tree")
    assert g.get("opening") == "geometric" and g.get("theta") == 0.5
    g.set("opening", "relative")
    assert g.get("opening") == "relative"
    g.set("opening", 0)
    assert g.get("opening") == "geometric"
    for key, value, texts in [("opening", "fast", ["gravity.opening", "'fast'",
                                                   "geometric or relative"]),
                              ("theta", "relative", ["gravity.theta", "number", "opening"]),
                              ("speed", "relative", ["gravity.speed", "no kernel"])]:
        try:
            g.set(key, value)
        except nbody.NbodyInputError as e:
            assert e.code == 2 and all(t in str(e) for t in texts), str(e)
        else:
            raise AssertionError("%s = %r accepted" % (key, value))
    assert g.get("opening") == "geometric"
    second = {}
    for how, value in [("geometric", 0), ("number", 1), ("name", "relative")]:
        h = nbody.Gravity("tree", softening=EPS, theta=0.7, G=G, force_accuracy=1e-4,
                          opening=value)
        p = nbody.Particles(POS, M)
        h.compute(p)
        second[how] = h.compute(p)[0]
    assert np.array_equal(second["name"], second["number"])
    assert not np.array_equal(second["name"], second["geometric"])
