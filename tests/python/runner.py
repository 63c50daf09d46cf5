"""Runs test_*.py files without pytest (Debian's python3-pytest missing): each test_
function in turn, with a fresh temporary directory for a tmp_path argument. Exit 0 when
all pass, 1 when any fails, 77 when every test skipped."""
import importlib.util
import inspect
import pathlib
import sys
import tempfile
import traceback


class Skip(Exception):
    pass


def main(paths):
    sys.modules.setdefault("runner", sys.modules[__name__])  # one Skip class for the tests
    fails = passes = skips = 0
    for path in paths:
        sys.path.insert(0, str(pathlib.Path(path).resolve().parent))
        spec = importlib.util.spec_from_file_location(pathlib.Path(path).stem, path)
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except Skip as e:
            print("SKIP %s: %s" % (path, e))
            skips += 1
            continue
        for name, fn in sorted(vars(mod).items()):
            if not name.startswith("test_") or not callable(fn):
                continue
            with tempfile.TemporaryDirectory() as tmp:
                args = [pathlib.Path(tmp)] if "tmp_path" in inspect.signature(fn).parameters \
                    else []
                try:
                    fn(*args)
                    print("ok - %s::%s" % (path, name))
                    passes += 1
                except Skip as e:
                    print("SKIP - %s::%s: %s" % (path, name, e))
                    skips += 1
                except Exception:
                    traceback.print_exc()
                    print("FAIL - %s::%s" % (path, name))
                    fails += 1
    print("%d passed, %d failed, %d skipped" % (passes, fails, skips))
    return 1 if fails else 77 if not passes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
