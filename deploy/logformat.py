"""One log line per record, so ``grep`` and log shippers see whole records.

A traceback or a multi-line message is folded into its record's line with
``\\n`` escapes instead of spilling over lines that carry no time, level or
logger name.
"""
import logging
import re
import time

from services.shared.nik import mask_niks_in_text

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


class MaskNiks(logging.Filter):
    """Mask every NIK-like 16-digit number in a record: its message, its traceback
    and its stack (``services.shared.nik.mask_niks_in_text``).

    Logs are read by more people than the registry is (issue 8, item 12), and
    NIKs reach them from everywhere: request paths and ``?nik=`` queries in
    the HTTP access log, exception messages, dumps of messages. One filter on
    the handler every process logs through (``deploy/config.yaml``) catches
    them all, whichever logger wrote the record.
    """

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is logging's to report
            return True
        masked = mask_niks_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_niks_in_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_niks_in_text(record.stack_info)
        return True
