"""requirements-test.txt: pinned, installed for tests, kept out of the image and the code."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as handle:
        return handle.read()


def pins(name):
    lines = [line.strip() for line in read(name).splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "-r "))]


def test_every_test_requirement_is_pinned_exactly_and_not_already_a_runtime_one():
    runtime = {re.split("==", line)[0].lower() for line in pins("requirements.txt")}
    for line in pins("requirements-test.txt"):
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[A-Za-z0-9_.+-]+", line), line
        assert line.split("==")[0].lower() not in runtime, line
    names = {line.split("==")[0] for line in pins("requirements-test.txt")}
    assert {"SecantusDB", "kubernetes-validate"} <= names


def test_the_image_installs_the_runtime_requirements_only():
    dockerfile = read("deploy", "Dockerfile")
    ignore = read("deploy", "Dockerfile.dockerignore")
    assert "requirements-test" not in dockerfile and "requirements-test" not in ignore
    assert "-r requirements.txt" in dockerfile


def test_no_code_of_the_platform_imports_the_gpl_server():
    """SecantusDB is GPL-2.0: it is run as a program by tests/real_mongo.py, never imported."""
    pattern = re.compile(r"^\s*(import|from)\s+(secantus|wiredtiger)\b", re.M)
    for top in ("services", "gateway", "deploy", "demo", "samplegen", "bench", "scripts", "tests"):
        for folder, _, files in os.walk(os.path.join(ROOT, top)):
            for name in files:
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    with open(path, encoding="utf-8") as handle:
                        assert not pattern.search(handle.read()), path
