"""The main job: live through a year of the village on a running platform, over its HTTP API.

    python -m demo --url http://127.0.0.1:8000 --token <admin token>
    python -m demo ... --families 200 --figures year.json   # a smaller year, figures as JSON

(``scripts/demo`` starts the platform and runs this for you.) The steps are
modules ``demo/<step>.py`` for each name in ``STEPS``, run in order; each
exposes ``run(client, out)``:

- ``client``: a ``gateway.client.Client`` acting with the admin token;
- ``out``: an ``Output``: ``out("a line", ...)``, ``out.section("Title")``,
  ``out.json(value)``, ``out.table(rows, columns)``.

A step module that does not exist yet is skipped with a note. The job stops at
the first step that fails and exits 1; 0 when every present step ran. What the
options ask for reaches the steps through ``demo.options``.
"""
import argparse
import importlib
import json
import os
import sys
import time
import traceback

from demo import options
from gateway.client import ApiError, Client

STEPS = ("registry", "distribution", "complaints", "partners", "health", "marketplace",
         "yearend", "monitoring", "web", "figures")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Output:
    """Where a step writes what it shows (stdout by default)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def __call__(self, *lines):
        for line in lines:
            self.stream.write("%s\n" % (line,))
        self.stream.flush()

    def write(self, text):
        """File-like use: ``print(..., file=out)``."""
        self.stream.write(text)

    def flush(self):
        self.stream.flush()

    def section(self, title):
        self("", "== %s" % title)

    def json(self, value):
        self(json.dumps(value, indent=2, ensure_ascii=False))

    def table(self, rows, columns):
        """Print ``rows`` (dicts) as aligned text columns named by ``columns``."""
        cells = [[str(row.get(c, "")) for c in columns] for row in rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
        line = "  ".join("%%-%ds" % w for w in widths)
        self(line % tuple(columns), line % tuple("-" * w for w in widths))
        for row in cells:
            self(line % tuple(row))


def load_step(name):
    """Return the step module ``demo.<name>``, or None when it is not written yet."""
    try:
        return importlib.import_module("demo.%s" % name)
    except ModuleNotFoundError as exc:
        if exc.name == "demo.%s" % name:
            return None
        raise


def run_steps(client, out, steps=STEPS):
    """Run the steps in order; return True when every present step succeeded."""
    for name in steps:
        module = load_step(name)
        if module is None:
            out("", "(skipped %s: demo/%s.py is not written yet)" % (name, name))
            continue
        began = time.monotonic()
        try:
            module.run(client, out)
        except ApiError as exc:
            out("", "FAILED in step %s: %s" % (name, exc))
            return False
        except Exception:  # noqa: BLE001 - a bug in a step: show where, then stop
            out("", "FAILED in step %s with an unexpected error:" % name)
            out(traceback.format_exc().rstrip())
            return False
        out("(%s: done in %.1f s)" % (name, time.monotonic() - began))
    return True


def main(argv=None):
    default_url = os.environ.get("BANSOS_URL") or "http://127.0.0.1:%s" % (
        os.environ.get("GATEWAY_PORT") or "8000")
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=default_url, help="gateway URL (default %(default)s)")
    parser.add_argument("--token", default=os.environ.get("ADMIN_TOKEN"),
                        help="admin token (default: $ADMIN_TOKEN)")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS),
                        help="run only these steps, in this order")
    parser.add_argument("--families", type=int, metavar="N",
                        help="a smaller year: only N families of the sample, taken evenly "
                             "through it (written under var/demo/)")
    parser.add_argument("--figures", metavar="PATH",
                        help="also write the year's key figures as JSON to PATH")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bars (by default they show on a terminal)")
    args = parser.parse_args(argv)
    out = Output()
    if args.families is not None:
        try:
            options.use_sample(options.smaller_sample(
                args.families, os.path.join(ROOT, "var", "demo")))
        except ValueError as exc:
            out("demo: %s" % exc)
            return 2
    options.FIGURES = args.figures
    options.PROGRESS = False if args.no_progress else None
    if not args.token:
        out("demo: no admin token: pass --token or set ADMIN_TOKEN "
            "(deploy/run-local prints the one it uses)")
        return 2
    # a read answered 503/504 (a service busy for a moment) is asked again, as an officer
    # reloads the page; commands are not
    client = Client(args.url, args.token, retries=2)
    try:
        client.get("/health")
    except (ApiError, OSError) as exc:
        out("demo: the platform at %s is not healthy: %s" % (args.url, exc))
        return 1
    out("Bansos Tanjung Barat: the main job against %s" % args.url)
    try:
        ok = run_steps(client, out, args.steps)
    except KeyboardInterrupt:
        out("", "The main job was interrupted.")
        return 130
    out("", "The main job finished: every step worked and every figure agreed." if ok
        else "The main job FAILED: the step that failed says why, above.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
