"""Read ``deploy/config.yaml`` the way ``nameko run --config`` does.

The one place the platform's configuration comes from: environment variables
substituted into the YAML by nameko's ``${NAME:default}`` syntax. Tests and
tools that start services in-process load it here, so they see exactly what
``nameko run`` sees.
"""
import os
from functools import partial

import yaml
from nameko.cli.main import IMPLICIT_ENV_VAR_MATCHER, env_var_constructor

CONFIG_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.yaml")


class ConfigLoader(yaml.SafeLoader):
    """YAML with nameko's ``${NAME:default}`` substitution, as ``nameko run`` reads it.

    The same constructors and resolver as nameko's ``setup_yaml_parser``, on a
    loader of our own: that function changes ``yaml.SafeLoader`` for the whole
    process, after which every ``yaml.safe_load`` substitutes the environment
    into any ``${...}`` (docker-compose.yml's, for one).
    """


ConfigLoader.add_constructor("!env_var", env_var_constructor)
ConfigLoader.add_constructor("!raw_env_var", partial(env_var_constructor, raw=True))
ConfigLoader.add_implicit_resolver("!env_var", IMPLICIT_ENV_VAR_MATCHER, None)


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
    saved = None
    if environ is not None:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(environ)
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=ConfigLoader)  # noqa: S506 - a SafeLoader
    finally:
        if saved is not None:
            os.environ.clear()
            os.environ.update(saved)
