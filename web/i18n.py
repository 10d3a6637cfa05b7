"""Every word the app shows, one file per language (``web/locale/<code>.yaml``).

A translation is a file: copy ``id.yaml`` to ``en.yaml`` (or ``jv.yaml``),
translate the values and set ``WEB_LANGUAGE``. A key the translation lacks
falls back to Bahasa Indonesia, so a partial translation still works.
Keys are dotted paths (``home.title``); values may hold ``{name}`` fields.

A language may be split into parts so that no file grows past reading:
``id.yaml`` plus ``id.<part>.yaml`` (``id.console.yaml``, ...), read together
as one; a key defined in two parts is an error.
"""
import functools
import os

import yaml

LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
BASE_LANGUAGE = "id"


def _flatten(tree, prefix=""):
    out = {}
    for key, value in tree.items():
        path = "%s%s" % (prefix, key)
        if isinstance(value, dict):
            out.update(_flatten(value, path + "."))
        else:
            out[path] = value
    return out


def parts(language):
    """The files of one language: ``<code>.yaml`` first, then its ``<code>.<part>.yaml``."""
    names = sorted(n for n in os.listdir(LOCALE_DIR)
                   if n.startswith(language + ".") and n.endswith(".yaml")
                   and n.count(".") <= 2)
    return sorted(names, key=lambda n: n != "%s.yaml" % language)


@functools.lru_cache(maxsize=None)
def load(language):
    """``{dotted key: text or list}`` of one language (cached per process).

    Raises ValueError when two parts define the same key."""
    out = {}
    for name in parts(language):
        with open(os.path.join(LOCALE_DIR, name), encoding="utf-8") as handle:
            texts = _flatten(yaml.safe_load(handle) or {})
        twice = sorted(set(texts) & set(out))
        if twice:
            raise ValueError("%s defines keys another part has: %s" % (name, ", ".join(twice)))
        out.update(texts)
    return out


def languages():
    """Codes of the languages present, e.g. ``["en", "id"]``."""
    return sorted(name[:-5] for name in os.listdir(LOCALE_DIR)
                  if name.endswith(".yaml") and name.count(".") == 1)


class Messages:
    """The texts of one language, with Bahasa Indonesia as the fallback.

    ``messages("status.found", name="Siti")`` formats; ``messages.get(key)``
    answers None for a missing key instead of raising (for optional texts
    such as a code's plain-words hint).
    """

    def __init__(self, language=BASE_LANGUAGE):
        self.language = language
        self.texts = dict(load(BASE_LANGUAGE))
        if language != BASE_LANGUAGE:
            self.texts.update(load(language))

    def get(self, key, default=None):
        return self.texts.get(key, default)

    def __call__(self, key, **fields):
        """The text of ``key`` with ``fields`` filled; KeyError for an unknown key."""
        text = self.texts[key]
        return text.format(**fields) if fields and isinstance(text, str) else text

    def prefix(self, prefix):
        """``{last key part: text}`` for every key under ``prefix.`` (in file order)."""
        start = prefix + "."
        return {k[len(start):]: v for k, v in self.texts.items() if k.startswith(start)}
