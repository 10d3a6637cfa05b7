#!/bin/sh
# Container entrypoint: wait for RabbitMQ (another container that may still be
# booting), then become the service: `nameko run` as PID 1's only child is
# replaced by exec, so `docker stop`'s SIGTERM reaches nameko directly.
#   $@  the module:Class to run, e.g. services.registry.service:RegistryService
set -eu
# Replicas must share one database: with no MONGO_URI each would keep a
# private in-memory store (deploy/k8s sets REQUIRE_MONGO_URI=1).
if [ "${REQUIRE_MONGO_URI:-}" = "1" ] && [ -z "${MONGO_URI:-}" ]; then
    echo "entrypoint: MONGO_URI is empty but REQUIRE_MONGO_URI=1: refusing to start" \
         "with an in-memory store (set MONGO_URI in the Secret)" >&2
    exit 1
fi
python deploy/broker.py wait --timeout "${BROKER_WAIT_SECONDS:-120}"
exec nameko run --config deploy/config.yaml "$@"
