"""One log line per record, so ``grep`` and log shippers see whole records.

A traceback or a multi-line message is folded into its record's line with
``\\n`` escapes instead of spilling over lines that carry no time, level or
logger name. Every 16-digit number (a NIK, or a KK number) is masked as NIKs
are everywhere outside officers' answers (CONTRACT.md): the HTTP access log
of nameko's web server names paths such as ``/api/v1/residents/<nik>``.
"""
import logging
import re
import time

from services.shared.nik import mask_nik

_NIK_LIKE = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask_niks_in(text):
    """``text`` with every standalone 16-digit number masked (``3174********0001``)."""
    return _NIK_LIKE.sub(lambda match: mask_nik(match.group()), text)


class OneLineFormatter(logging.Formatter):
    """``logging.Formatter`` with UTC ISO 8601 times and newlines escaped.

    Times look like ``2026-11-29T08:00:00.123Z`` (CONTRACT.md: instants in UTC).
    """

    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return "%s.%03dZ" % (time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)),
                             record.msecs)

    def format(self, record):
        text = mask_niks_in(super().format(record))
        return text.replace("\r", "").replace("\n", "\\n")


class ExpectedErrorsBrief(logging.Filter):
    """Drop the traceback from nameko's "(expected) error handling worker" records.

    A refused request (a domain error a service raises on purpose: 404, 409,
    422) is logged by nameko at WARNING with its traceback; the message
    already names the error, and the traceback only buries real faults.
    """

    def filter(self, record):
        if record.name == "nameko.containers" and str(record.msg).startswith("(expected)"):
            record.exc_info = None
            record.exc_text = None
        return True
