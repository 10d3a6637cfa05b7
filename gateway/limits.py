"""Bounds on what a request may carry, checked before anything is parsed or forwarded.

Why here and not in the services: a body is read, parsed and re-encoded for
RPC by the gateway first. A 20 MB body read before its size was checked
stayed in the gateway's memory; JSON nested ~960 levels deep parsed in the
gateway, then failed to encode (500) or to decode in the service, which
dropped the message while the caller waited for the deadline (issue 8,
items 2 and 7). So:

- ``Content-Length`` is compared with the route's limit before a byte is read
  (413 at once), and a body without a length (chunked) is read through a
  stream that stops at the limit (werkzeug's ``max_content_length``);
- a JSON body nested deeper than ``MAX_JSON_DEPTH`` is refused (400) by a scan
  of its brackets, before ``json.loads``.
"""
import json
import re

from werkzeug.exceptions import RequestEntityTooLarge

from services.shared.errors import InvalidInput

from gateway.errors import PayloadTooLarge

#: a JSON request body (every route but the import).
MAX_JSON_BYTES = 1024 * 1024
#: an uploaded file (``POST /imports/registry``).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: arrays and objects inside each other. The deepest legitimate body, a
#: programme whose criteria use the rule engine's 12 levels, is ~30 deep.
MAX_JSON_DEPTH = 64

_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def too_large(max_bytes):
    """The PayloadTooLarge (413) of a body over ``max_bytes``."""
    return PayloadTooLarge("The request body is too large.",
                           {"_body": ["must be at most %d bytes" % max_bytes]})


def refuse_oversized(request, max_bytes):
    """Refuse a request whose declared ``Content-Length`` exceeds ``max_bytes``,
    before reading it, and cap what a body without a length may stream.

    Raises PayloadTooLarge (HTTP 413).
    """
    if (request.content_length or 0) > max_bytes:
        raise too_large(max_bytes)
    # one byte more than allowed: werkzeug stops a stream *at* its limit without saying
    # whether more was coming, so reading max + 1 bytes tells an oversized body apart
    request.max_content_length = max_bytes + 1


def read_body(request, max_bytes):
    """The body's bytes, read at most ``max_bytes + 1`` far; PayloadTooLarge past it."""
    refuse_oversized(request, max_bytes)
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise too_large(max_bytes) from None
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    return data


def json_depth(raw, limit=MAX_JSON_DEPTH):
    """How deeply arrays and objects nest in ``raw`` (bytes of JSON), counting no
    further than ``limit + 1``. Strings are skipped, so brackets inside them do
    not count; this runs before the document is parsed."""
    depth = deepest = 0
    for byte in _STRING.sub(b'""', raw).translate(None, _BRACKETS):
        depth += _STEP[byte]
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def read_json(request, max_bytes=MAX_JSON_BYTES, max_depth=MAX_JSON_DEPTH):
    """The request body as a JSON object.

    Raises PayloadTooLarge (413) past ``max_bytes``; InvalidInput (400) when
    it nests deeper than ``max_depth``, is not UTF-8 JSON, or is not an object.
    """
    raw = read_body(request, max_bytes)
    if json_depth(raw, max_depth) > max_depth:
        raise InvalidInput("The request body is nested too deeply.",
                           {"_body": ["must nest arrays and objects at most %d deep"
                                      % max_depth]})
    try:
        value = json.loads(raw.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidInput("The request body is not valid JSON.",
                           {"_body": ["must be a JSON object (UTF-8)"]}) from None
    if not isinstance(value, dict):
        raise InvalidInput("The request body must be a JSON object.",
                           {"_body": ["must be a JSON object"]})
    return value
