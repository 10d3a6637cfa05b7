#!/bin/sh
# Container entrypoint: wait for RabbitMQ (another container that may still be
# booting), then become the service: `nameko run` as PID 1's only child is
# replaced by exec, so `docker stop`'s SIGTERM reaches nameko directly.
#   $@  the module:Class to run, e.g. services.registry.service:RegistryService
set -eu
python deploy/broker.py wait --timeout "${BROKER_WAIT_SECONDS:-120}"
exec nameko run --config deploy/config.yaml "$@"
