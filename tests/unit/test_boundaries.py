"""Fitness: what crosses a service's boundary is its contract, and nothing else.

- The gateway and every service, imported in a fresh interpreter, load of any
  other service only ``services.<other>.contract`` (and the shared package).
- An AST scan of every module finds no import of another service's internals,
  lazy imports included.
- A contract imports only marshmallow, the standard library and ``services.shared``.
"""
import ast
import json
import os
import subprocess
import sys


from deploy.services import read_services

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVICES = sorted(d for d in os.listdir(os.path.join(ROOT, "services"))
                  if os.path.isdir(os.path.join(ROOT, "services", d)) and d not in ("shared",)
                  and not d.startswith("_"))
STDLIB = set(sys.stdlib_module_names)


def _owner(module):
    """``"registry"`` for ``services.registry.store``; None outside a service."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "services" and parts[1] in SERVICES:
        return parts[1]
    return None


def _crossing(module, importer):
    """True when ``importer`` (a service name or "gateway") may not load ``module``."""
    owner = _owner(module)
    if owner is None or owner == importer:
        return False
    rest = module.split(".")[2:]
    return bool(rest) and rest[0] != "contract"


def _loaded_by(specs):
    """``{name: [modules in sys.modules]}`` after importing each process's module
    in a fresh interpreter (all at once: each import takes seconds)."""
    running = {}
    for name, spec in specs:
        code = ("import warnings; warnings.filterwarnings('ignore'); import json, sys, "
                "importlib; importlib.import_module(%r); print(json.dumps(sorted(sys.modules)))"
                % spec.split(":")[0])
        running[name] = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, text=True,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = {}
    for name, proc in running.items():
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        out[name] = json.loads(stdout.strip().splitlines()[-1])
    return out


def test_importing_the_gateway_loads_only_contracts_of_the_services():
    """The AST scan below covers every module's imports; this also catches what the
    gateway loads at run time (its route modules are found by name)."""
    loaded = _loaded_by([(n, s) for n, s in read_services() if n == "gateway"])
    crossing = {name: [m for m in modules if _crossing(m, name)]
                for name, modules in loaded.items()}
    assert crossing == {name: [] for name in loaded}
    assert "services.registry.contract" in loaded["gateway"]  # the scan saw the gateway's imports


def _python_files(*tops):
    for top in tops:
        for folder, _, files in os.walk(os.path.join(ROOT, top)):
            for file in files:
                if file.endswith(".py"):
                    yield os.path.join(folder, file)


def _imports(path):
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:
                yield "%s.%s" % (node.module, alias.name)


def test_no_module_imports_another_services_internals():
    offenders = []
    for path in _python_files("services", "gateway"):
        rel = os.path.relpath(path, ROOT)
        importer = _owner(rel[:-3].replace(os.sep, ".")) or rel.split(os.sep)[0]
        for module in _imports(path):
            if _crossing(module, importer):
                offenders.append("%s imports %s" % (rel, module))
    assert offenders == []


def test_a_contract_imports_only_marshmallow_and_the_shared_package():
    offenders = []
    for service in SERVICES:
        base = os.path.join(ROOT, "services", service)
        paths = [os.path.join(base, "contract.py")] + list(
            _python_files(os.path.join("services", service, "contract")))
        for path in filter(os.path.exists, paths):
            for module in _imports(path):
                top = module.split(".")[0]
                if top in STDLIB or top == "marshmallow" or module.startswith("services.shared"):
                    continue
                if module.startswith("services.%s.contract" % service):
                    continue
                offenders.append("%s imports %s" % (os.path.relpath(path, ROOT), module))
    assert offenders == []
    assert all(os.path.exists(os.path.join(ROOT, "services", s, "contract.py"))
               or os.path.isdir(os.path.join(ROOT, "services", s, "contract")) for s in SERVICES)


def test_settings_are_read_in_one_place():
    """Services and the gateway get settings from services.shared.settings, never from
    the environment or the raw nameko config (the command-line tools are clients)."""
    allowed = {os.path.join("gateway", "cli.py"), os.path.join("services", "shared", "settings.py")}
    offenders = []
    for path in _python_files("services", "gateway"):
        rel = os.path.relpath(path, ROOT)
        text = open(path, encoding="utf-8").read()
        if rel not in allowed and ("os.environ" in text or "os.getenv" in text
                                   or "container.config.get(" in text):
            offenders.append(rel)
    assert offenders == []
