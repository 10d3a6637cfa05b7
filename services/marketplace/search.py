"""Words for the catalogue search: plain functions (no nameko, no pymongo).

Indonesian sellers write product words in several ways: ``kripik`` and
``keripik``, ``kue2`` or ``kue-kue`` for the plural (reduplication), capitals
and accents at random. A listing is indexed, and a query read, through the
same steps: lower case without accents, words of letters and digits, the
reduplication folded (``kue-kue``, ``kue2`` -> ``kue``), and the spelling
variants of ``data/marketplace/search-words.json`` mapped to one form. A
query word matches an indexed word it begins (``kerip`` finds ``keripik``).
"""
import re
import unicodedata

from services.marketplace.data import search_variants

WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_QUERY_WORDS = 8


def _plain(text):
    text = unicodedata.normalize("NFKD", text or "").lower()
    return "".join(c for c in text if not unicodedata.combining(c))


def normalise_word(word):
    """One word in its indexed form (``Kue-Kue`` -> ``kue``, ``kripik`` -> ``keripik``)."""
    parts = word.split("-")
    if len(parts) == 2 and parts[0] == parts[1]:
        word = parts[0]
    elif re.fullmatch(r"[a-z]{2,}2", word):
        word = word[:-1]
    variants = search_variants()
    return variants.get(word, word)


def words(*texts):
    """The distinct indexed words of ``texts``, in order of first appearance."""
    out = []
    for text in texts:
        for match in WORD.findall(_plain(text)):
            pieces = [match] if normalise_word(match) != match or "-" not in match \
                else match.split("-")
            for piece in pieces:
                word = normalise_word(piece)
                if word not in out:
                    out.append(word)
    return out


def query_words(q):
    """The words of a search query (at most 8; more would only narrow to nothing)."""
    return words(q)[:MAX_QUERY_WORDS]
