"""Kubernetes manifests for the platform, rendered from deploy/services.txt.

    python deploy/k8s/render.py > var/k8s/bansos.yaml
    python deploy/k8s/render.py --image registry.example.org/bansos:1.4.0 | kubectl apply -f -
    python deploy/k8s/render.py --secret-template > var/k8s/secret.yaml   # then fill it in

One Deployment per line of ``deploy/services.txt`` (so adding a service there
is the only step), all from the image of ``deploy/Dockerfile``; the gateway
behind a Service; settings in a ConfigMap with the defaults of
``deploy/config.yaml``; the connection strings and the admin token in the
Secret ``bansos-secrets``, which is not rendered with real values: RabbitMQ and
MongoDB (a replica set) run outside these manifests and are named only there.
How to deploy, and why each choice: docs/kubernetes.md. Needs PyYAML only.
"""
import argparse
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from deploy.services import read_services  # noqa: E402 - after the path is set

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.dirname(HERE)
SERVICES_FILE = os.path.join(DEPLOY, "services.txt")
CONFIG_FILE = os.path.join(DEPLOY, "config.yaml")

PART_OF = "bansos-tanjung-barat"
CONFIGMAP = "bansos-config"
SECRET = "bansos-secrets"
GATEWAY = "gateway"
HTTP_PORT = 8000
#: the web app's process (docs/web.md): reached by the gateway only, inside the cluster
WEB = "web"
WEB_PORT = 8001
#: Secret keys, and the processes that get each (least privilege: only the
#: gateway checks the admin token; every replica of the web app must sign its
#: forms with the same WEB_SECRET, or a form posted to another replica fails).
SECRET_KEYS = {"AMQP_URI": "all", "MONGO_URI": "all", "ADMIN_TOKEN": GATEWAY, "WEB_SECRET": WEB}
#: Where the cluster differs from config.yaml's defaults; REQUIRE_MONGO_URI
#: makes deploy/docker-entrypoint.sh refuse an empty MONGO_URI.
CLUSTER_VALUES = {"GATEWAY_HOST": "0.0.0.0", "GATEWAY_PORT": str(HTTP_PORT),
                  "REQUIRE_MONGO_URI": "1", "WEB_HOST": "0.0.0.0", "WEB_PORT": str(WEB_PORT),
                  "WEB_APP_URL": "http://bansos-%s:%d" % (WEB, WEB_PORT),
                  "WEB_API_URL": "http://bansos-%s" % GATEWAY}
#: processes that serve HTTP behind a Service: container port, Service port
SERVED = {GATEWAY: (HTTP_PORT, 80), WEB: (WEB_PORT, WEB_PORT)}
#: The image's user (deploy/Dockerfile: useradd --uid 10001).
RUN_AS = 10001

#: requests/limits per process; measured figures and the reasoning: docs/sizing.md.
#: CPU is limited to one core: a nameko process runs its Python on one thread.
DEFAULT_RESOURCES = {"requests": {"cpu": "100m", "memory": "192Mi"},
                     "limits": {"cpu": "1", "memory": "512Mi"}}
RESOURCES = {
    # an import holds the uploaded file and its parsed rows in memory
    "registry": {"requests": {"cpu": "200m", "memory": "256Mi"},
                 "limits": {"cpu": "1", "memory": "1Gi"}},
    GATEWAY: {"requests": {"cpu": "200m", "memory": "192Mi"},
              "limits": {"cpu": "1", "memory": "512Mi"}},
}


def config_settings(path=CONFIG_FILE):
    """``{NAME: default}`` of every ``${NAME:default}`` in config.yaml, in order."""
    with open(path, encoding="utf-8") as handle:
        text = "".join(line for line in handle if not line.lstrip().startswith("#"))
    settings = {}
    for name, default in re.findall(r"\$\{([A-Z][A-Z0-9_]*):([^}]*)\}", text):
        settings.setdefault(name, default)
    return settings


def configmap_data(path=CONFIG_FILE):
    """The ConfigMap's settings: config.yaml's defaults, less the Secret's keys."""
    data = {k: v for k, v in config_settings(path).items() if k not in SECRET_KEYS}
    data.update(CLUSTER_VALUES)
    return dict(sorted(data.items()))


def labels(name):
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": PART_OF}


def meta(name, namespace, **extra):
    return dict({"name": "bansos-%s" % name, "namespace": namespace, "labels": labels(name)},
                **extra)


def exec_probe(command, period, timeout, failures):
    return {"exec": {"command": command}, "periodSeconds": period,
            "timeoutSeconds": timeout, "failureThreshold": failures}


def probes(name):
    """startup, readiness and liveness of one process (docs/kubernetes.md, "Probes")."""
    if name == GATEWAY:
        ready = ["python", "deploy/healthcheck.py", "gateway",
                 "http://127.0.0.1:%d/health" % HTTP_PORT]
        live = {"httpGet": {"path": "/api/v1/openapi.json", "port": "http"},
                "periodSeconds": 30, "timeoutSeconds": 10, "failureThreshold": 4}
    else:
        ready = ["python", "deploy/healthcheck.py", "rpc", name]
        live = exec_probe(ready, period=60, timeout=15, failures=5)
    return {
        # the entrypoint waits up to BROKER_WAIT_SECONDS (120) for RabbitMQ first
        "startupProbe": exec_probe(ready, period=20, timeout=15, failures=9),
        # each exec costs about 0.4 s of CPU and 48 MiB for a moment (docs/sizing.md)
        "readinessProbe": exec_probe(ready, period=30, timeout=15, failures=3),
        "livenessProbe": live,
    }


def env(name):
    return [{"name": key, "valueFrom": {"secretKeyRef": {"name": SECRET, "key": key}}}
            for key, who in SECRET_KEYS.items() if who in ("all", name)]


def deployment(name, spec, namespace, image, replicas):
    container = {
        "name": name, "image": image, "imagePullPolicy": "IfNotPresent",
        # deploy/docker-entrypoint.sh waits for the broker, then `nameko run <spec>`
        "args": [spec],
        "envFrom": [{"configMapRef": {"name": CONFIGMAP}}],
        "env": env(name),
        "resources": RESOURCES.get(name, DEFAULT_RESOURCES),
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    container.update(probes(name))
    if name in SERVED:
        container["ports"] = [{"name": "http", "containerPort": SERVED[name][0],
                               "protocol": "TCP"}]
    pod = {
        "automountServiceAccountToken": False,
        # no <SERVICE>_PORT variables: they could shadow settings such as GATEWAY_PORT
        "enableServiceLinks": False,
        # nameko finishes running workers on SIGTERM (compose gives 20 s)
        "terminationGracePeriodSeconds": 30,
        "securityContext": {"runAsNonRoot": True, "runAsUser": RUN_AS, "runAsGroup": RUN_AS,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
            "weight": 100, "podAffinityTerm": {
                "topologyKey": "kubernetes.io/hostname",
                "labelSelector": {"matchLabels": labels(name)}}}]}},
        "containers": [container],
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
    }
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name, namespace),
        "spec": {
            "replicas": replicas, "revisionHistoryLimit": 5,
            "selector": {"matchLabels": labels(name)},
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {"metadata": {"labels": labels(name)}, "spec": pod},
        },
    }


def disruption_budget(name, namespace):
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": meta(name, namespace),
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels(name)}}}


def http_service(name, namespace):
    """The ClusterIP Service of a process in ``SERVED`` (the gateway, the web app)."""
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, namespace),
            "spec": {"type": "ClusterIP", "selector": labels(name),
                     "ports": [{"name": "http", "port": SERVED[name][1], "targetPort": "http",
                                "protocol": "TCP"}]}}


def manifests(namespace="bansos", image="bansos-tanjung-barat:latest", replicas=2,
              services_file=SERVICES_FILE, config_file=CONFIG_FILE):
    """Every object, in apply order: Namespace, ConfigMap, then per process
    its Deployment and PodDisruptionBudget, and the Services of the gateway and the web app."""
    # the pods meet the "restricted" Pod Security Standard; the namespace enforces it
    docs = [{"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": namespace, "labels": {
                 "app.kubernetes.io/part-of": PART_OF,
                 "pod-security.kubernetes.io/enforce": "restricted"}}},
            {"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": CONFIGMAP, "namespace": namespace,
                          "labels": {"app.kubernetes.io/part-of": PART_OF}},
             "data": configmap_data(config_file)}]
    for name, spec in read_services(services_file):
        docs.append(deployment(name, spec, namespace, image, replicas))
        docs.append(disruption_budget(name, namespace))
        if name in SERVED:
            docs.append(http_service(name, namespace))
    return docs


def secret_template(namespace="bansos"):
    """The Secret the Deployments read, with placeholders to replace."""
    return {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": SECRET, "namespace": namespace,
                         "labels": {"app.kubernetes.io/part-of": PART_OF}},
            "stringData": {
                "AMQP_URI": "amqp://bansos:CHANGE-ME@rabbitmq.messaging.svc:5672/bansos",
                "MONGO_URI": "mongodb://bansos:CHANGE-ME@mongo-0.mongo.db.svc:27017,"
                             "mongo-1.mongo.db.svc:27017,mongo-2.mongo.db.svc:27017/"
                             "?replicaSet=rs0&w=majority&journal=true&authSource=admin",
                "ADMIN_TOKEN": "CHANGE-ME-openssl-rand-hex-24",
                "WEB_SECRET": "CHANGE-ME-openssl-rand-hex-32"}}


def render(docs):
    return yaml.safe_dump_all(docs, sort_keys=False, default_flow_style=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--namespace", default="bansos")
    parser.add_argument("--image", default="bansos-tanjung-barat:latest",
                        help="the image built from deploy/Dockerfile")
    parser.add_argument("--replicas", type=int, default=2, help="per service and the gateway")
    parser.add_argument("--secret-template", action="store_true",
                        help="print the Secret with placeholders instead")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    if args.secret_template:
        docs = [secret_template(args.namespace)]
    else:
        docs = manifests(args.namespace, args.image, args.replicas)
    sys.stdout.write(render(docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
