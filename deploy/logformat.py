"""One log line per record, so ``grep`` and log shippers see whole records.

A traceback or a multi-line message is folded into its record's line with
``\\n`` escapes instead of spilling over lines that carry no time, level or
logger name.
"""
import logging
import re
import time

#: Control characters other than the line breaks folded below: a name with an
#: ESC in it must not drive the terminal of whoever reads the log.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class OneLineFormatter(logging.Formatter):
    """``logging.Formatter`` with UTC ISO 8601 times and newlines escaped.

    Times look like ``2026-11-29T08:00:00.123Z`` (docs/contract.md: instants in UTC).
    """

    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return "%s.%03dZ" % (time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)),
                             record.msecs)

    def format(self, record):
        text = super().format(record)
        text = text.replace("\r", "").replace("\n", "\\n")
        return _CONTROL.sub(lambda m: "\\x%02x" % ord(m.group()), text)


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
