"""deploy/k8s/render.py: valid Kubernetes objects that follow services.txt and config.yaml.

Schema validation is offline, with the Kubernetes API schemas shipped in
kubernetes-validate (requirements-test.txt); the other cases check what a
schema cannot: selectors that select, probes that name real checks, the
settings each pod gets.
"""
import os
import re
import subprocess
import sys

import kubernetes_validate
import pytest
import yaml

from deploy.config import load_config
from deploy.healthcheck import CHECKS
from deploy.k8s import render

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
#: the oldest and the newest Kubernetes the objects must be valid for
VERSIONS = ("1.29.0", kubernetes_validate.latest_version())


@pytest.fixture(scope="module")
def docs():
    return render.manifests()


def of_kind(docs, kind):
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def pod_containers(deployment):
    return deployment["spec"]["template"]["spec"]["containers"]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_object_is_valid_for_the_kubernetes_api(docs, version):
    for doc in docs + [render.secret_template()]:
        kubernetes_validate.validate(doc, version, strict=True)


def test_a_broken_object_is_refused_by_the_validator(docs):
    broken = yaml.safe_load(render.render([of_kind(docs, "Deployment")["bansos-registry"]]))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["periodSecond"] = 5
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[0], strict=True)
    broken = of_kind(render.manifests(replicas="2"), "Deployment")["bansos-registry"]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[0], strict=True)


def test_one_deployment_per_line_of_services_txt_with_two_replicas(docs):
    deployments = of_kind(docs, "Deployment")
    services = render.read_services()
    assert sorted(deployments) == sorted("bansos-%s" % name for name, _ in services)
    for name, spec in services:
        deployment = deployments["bansos-%s" % name]
        assert deployment["spec"]["replicas"] == 2
        (container,) = pod_containers(deployment)
        assert container["args"] == [spec]
        assert container["image"] == "bansos-tanjung-barat:latest"


def test_adding_a_line_to_services_txt_is_the_only_step(tmp_path):
    services = tmp_path / "services.txt"
    services.write_text(open(render.SERVICES_FILE).read() +
                        "noticeboard  services.noticeboard.service:NoticeboardService\n")
    docs = render.manifests(services_file=str(services), image="x/bansos:2", replicas=3)
    added = of_kind(docs, "Deployment")["bansos-noticeboard"]
    assert pod_containers(added)[0]["args"] == ["services.noticeboard.service:NoticeboardService"]
    assert added["spec"]["replicas"] == 3 and pod_containers(added)[0]["image"] == "x/bansos:2"
    assert "bansos-noticeboard" in of_kind(docs, "PodDisruptionBudget")
    for doc in docs:
        kubernetes_validate.validate(doc, VERSIONS[-1], strict=True)


def test_selectors_select_the_pods_they_belong_to(docs):
    deployments = of_kind(docs, "Deployment")
    for name, deployment in deployments.items():
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= pod_labels.items(), name
        budget = of_kind(docs, "PodDisruptionBudget")[name]
        assert budget["spec"]["selector"]["matchLabels"] == selector
        others = [d for n, d in deployments.items() if n != name]
        assert not any(selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
                       for d in others), "%s selects another Deployment's pods" % name
    service = of_kind(docs, "Service")["bansos-gateway"]
    gateway = deployments["bansos-gateway"]
    assert service["spec"]["selector"] == gateway["spec"]["selector"]["matchLabels"]
    ports = {p["name"]: p["containerPort"] for p in pod_containers(gateway)[0]["ports"]}
    assert service["spec"]["ports"][0]["targetPort"] in ports


def test_probes_name_checks_that_exist(docs):
    from gateway.service import ROUTER
    gets = {r.path for r in ROUTER.specs if r.method == "GET"}
    for name, deployment in of_kind(docs, "Deployment").items():
        (container,) = pod_containers(deployment)
        for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
            probe = container[kind]
            if "exec" in probe:
                command = probe["exec"]["command"]
                assert command[:2] == ["python", "deploy/healthcheck.py"]
                assert os.path.isfile(os.path.join(ROOT, command[1]))
                assert command[2] in CHECKS and len(command) == 4
                if name != "bansos-gateway":
                    assert command[2:] == ["rpc", name[len("bansos-"):]]
            else:
                assert probe["httpGet"]["path"] in gets
            assert probe["timeoutSeconds"] < probe["periodSeconds"]


def test_resources_requests_fit_their_limits(docs):
    def amount(value):
        units = {"m": 0.001, "Mi": 2 ** 20, "Gi": 2 ** 30}
        number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", value).groups()
        return float(number) * units.get(unit, 1)
    for deployment in of_kind(docs, "Deployment").values():
        resources = pod_containers(deployment)[0]["resources"]
        for what in ("cpu", "memory"):
            assert amount(resources["requests"][what]) <= amount(resources["limits"][what])


def test_pods_run_as_the_images_non_root_user_with_nothing_extra(docs):
    """What the "restricted" Pod Security Standard, enforced on the namespace, asks."""
    namespace = of_kind(docs, "Namespace")["bansos"]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    dockerfile = open(os.path.join(ROOT, "deploy", "Dockerfile")).read()
    uid = int(re.search(r"useradd [^\n]*--uid (\d+)", dockerfile).group(1))
    for deployment in of_kind(docs, "Deployment").values():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] and pod["securityContext"]["runAsUser"] == uid
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        assert pod["enableServiceLinks"] is False
        context = pod["containers"][0]["securityContext"]
        assert context["readOnlyRootFilesystem"] and not context["allowPrivilegeEscalation"]
        assert context["capabilities"]["drop"] == ["ALL"]


def test_configmap_holds_every_setting_of_config_yaml_and_no_secret(docs):
    data = of_kind(docs, "ConfigMap")["bansos-config"]["data"]
    text = open(render.CONFIG_FILE).read()
    substituted = set(re.findall(r"^[^#\n]*\$\{([A-Z][A-Z0-9_]*):", text, re.M))
    documented = set(re.findall(r"^#   ([A-Z][A-Z0-9_]+)\s", text, re.M))
    assert substituted and documented
    assert substituted | documented <= set(data) | set(render.SECRET_KEYS)
    assert not set(data) & set(render.SECRET_KEYS)
    assert all(isinstance(v, str) for v in data.values())


def test_secrets_reach_only_the_processes_that_need_them(docs):
    for name, deployment in of_kind(docs, "Deployment").items():
        env = {e["name"]: e["valueFrom"]["secretKeyRef"]
               for e in pod_containers(deployment)[0]["env"]}
        assert all(ref["name"] == render.SECRET for ref in env.values())
        expected = {"AMQP_URI", "MONGO_URI"}
        if name == "bansos-gateway":
            expected.add("ADMIN_TOKEN")
        assert set(env) == expected, name
    assert set(render.secret_template()["stringData"]) == set(render.SECRET_KEYS)


def test_a_pod_sees_a_gateway_listening_on_its_own_address(docs):
    environ = dict(of_kind(docs, "ConfigMap")["bansos-config"]["data"],
                   **render.secret_template()["stringData"])
    config = load_config(environ=environ)
    assert config["WEB_SERVER_ADDRESS"] == "0.0.0.0:8000"
    assert config["MONGO_URI"].startswith("mongodb://") and "replicaSet=" in config["MONGO_URI"]
    assert config["VILLAGE_CODE"] == "3174091005"


def test_the_script_prints_the_manifests_and_refuses_zero_replicas():
    script = os.path.join(ROOT, "deploy", "k8s", "render.py")
    printed = subprocess.run([sys.executable, script, "--namespace", "kelurahan-tb"],
                             capture_output=True, text=True, timeout=60, check=True)
    docs = list(yaml.safe_load_all(printed.stdout))
    assert {d["metadata"].get("namespace", d["metadata"]["name"]) for d in docs} == {"kelurahan-tb"}
    refused = subprocess.run([sys.executable, script, "--replicas", "0"],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--replicas" in refused.stderr


@pytest.mark.parametrize("mongo_uri, starts", [("", False), ("mongodb://db:27017/", True)])
def test_a_pod_without_a_database_refuses_to_start(docs, tmp_path, mongo_uri, starts):
    """With an empty MONGO_URI each replica would keep a store of its own."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name in ("python", "nameko"):
        (stubs / name).write_text("#!/bin/sh\necho %s \"$@\"\n" % name)
        (stubs / name).chmod(0o755)
    env = dict(of_kind(docs, "ConfigMap")["bansos-config"]["data"], MONGO_URI=mongo_uri,
               PATH="%s:/usr/bin:/bin" % stubs)
    ran = subprocess.run(["sh", "deploy/docker-entrypoint.sh", "services.x:X"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=30)
    if starts:
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.splitlines()[-1] == "nameko run --config deploy/config.yaml services.x:X"
    else:
        assert ran.returncode == 1 and "MONGO_URI is empty" in ran.stderr
        assert "nameko" not in ran.stdout
