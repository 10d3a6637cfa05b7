"""scripts/setup and scripts/test, run against a stand-in virtualenv.

The stand-in's ``bin/python`` records how it is called, so the tests see what
the scripts would install or run without creating a real virtualenv.
"""
import hashlib
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def requirements_hash():
    content = b""
    for name in ("requirements.txt", "requirements-test.txt"):
        with open(os.path.join(ROOT, name), "rb") as handle:
            content += handle.read()
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def venv(tmp_path):
    """A fake venv whose python logs its arguments and exits with $FAKE_PYTEST_STATUS for pytest."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(
        "#!/bin/sh\n"
        "echo \"$*\" >> %s\n"
        "if [ \"$1 $2\" = \"-m pytest\" ]; then exit ${FAKE_PYTEST_STATUS:-0}; fi\n"
        "exit 0\n" % (tmp_path / "calls"))
    python.chmod(0o755)
    ruff = venv / "bin" / "ruff"
    ruff.write_text("#!/bin/sh\necho \"ruff $*\" >> %s\nexit ${FAKE_RUFF_STATUS:-0}\n"
                    % (tmp_path / "calls"))
    ruff.chmod(0o755)
    return venv


def run(script, venv, *args, **env):
    full_env = dict(os.environ, BANSOS_VENV=str(venv), **env)
    return subprocess.run([os.path.join(ROOT, "scripts", script), *args], cwd=ROOT,
                          env=full_env, capture_output=True, text=True, timeout=120)


def calls(venv):
    path = venv.parent / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_setup_installs_when_requirements_changed_then_stays_quiet(venv):
    (venv / ".requirements.sha256").write_text("an older requirements.txt\n")
    first = run("setup", venv)
    assert first.returncode == 0, first.stderr
    assert len(calls(venv)) == 1
    assert calls(venv)[0].startswith("-m pip install")
    assert calls(venv)[0].endswith("-r %s" % os.path.join(ROOT, "requirements-test.txt"))
    assert (venv / ".requirements.sha256").read_text().strip() == requirements_hash()

    again = run("setup", venv)
    assert again.returncode == 0
    assert again.stdout == "" and again.stderr == ""
    assert len(calls(venv)) == 1


def test_setup_refuses_a_python_that_is_not_3_11(tmp_path):
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\necho 3.9\n")
    fake.chmod(0o755)
    result = run("setup", tmp_path / "new-venv", PYTHON=str(fake))
    assert result.returncode == 1
    assert "needs 3.11" in result.stderr
    assert not (tmp_path / "new-venv" / "bin").exists()


@pytest.fixture
def ready_venv(venv):
    (venv / ".requirements.sha256").write_text(requirements_hash() + "\n")
    return venv


def test_test_script_checks_the_broker_then_passes_arguments_to_pytest(ready_venv):
    result = run("test", ready_venv, "tests/unit", "-k", "nik")
    assert result.returncode == 0, result.stderr
    made = calls(ready_venv)
    assert made[0] == "ruff check --output-format concise %s" % ROOT
    assert made[1] == "%s ensure --management" % os.path.join(ROOT, "deploy", "broker.py")
    assert made[2] == "-m pytest tests/unit -k nik"


def test_test_script_fails_on_a_lint_finding_before_running_tests(ready_venv):
    result = run("test", ready_venv, FAKE_RUFF_STATUS="1")
    assert result.returncode == 1 and "ruff found" in result.stderr
    assert not any("pytest" in call for call in calls(ready_venv))


@pytest.mark.parametrize("pytest_status, expected", [(0, 0), (1, 1), (2, 2), (5, 1)])
def test_test_script_fails_on_failures_and_when_no_test_ran(ready_venv, pytest_status, expected):
    result = run("test", ready_venv, FAKE_PYTEST_STATUS=str(pytest_status))
    assert result.returncode == expected
    if pytest_status == 5:
        assert "no tests were collected" in result.stderr


def test_scripts_are_executable():
    for path in ("scripts/setup", "scripts/test", "scripts/demo", "deploy/run-local", ".ci/run"):
        assert os.access(os.path.join(ROOT, path), os.X_OK), path
