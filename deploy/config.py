"""Read ``deploy/config.yaml`` the way ``nameko run --config`` does.

The one place the platform's configuration comes from: environment variables
substituted into the YAML by nameko's ``${NAME:default}`` syntax. Tests and
tools that start services in-process load it here, so they see exactly what
``nameko run`` sees.
"""
import os

import yaml
from nameko.cli.main import setup_yaml_parser

CONFIG_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.yaml")


def load_config(path=CONFIG_PATH, environ=None):
    """Return the nameko config dict with the environment substituted.

    Args:
        path (str): the YAML file (default ``deploy/config.yaml``).
        environ (dict|None): variables to use instead of ``os.environ``
            (nameko reads ``os.environ``, so they are set for the duration).
    Returns:
        dict: e.g. ``{"AMQP_URI": "amqp://...", "MONGO_URI": "", ...}``; an
        unset ``MONGO_URI`` is ``""`` (the services then use mongomock).
    """
    setup_yaml_parser()
    saved = None
    if environ is not None:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(environ)
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    finally:
        if saved is not None:
            os.environ.clear()
            os.environ.update(saved)
