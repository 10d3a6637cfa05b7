"""The noticeboard's contract: one request, one answer, one event."""
from marshmallow import fields

from services.shared.contract import Answer, EventType, Strict, Tolerant
from services.shared.fields import FreeText, Instant, Text


class NoticeIn(Strict):
    title = Text(120, required=True)
    body = FreeText(2000, required=True)


class NoticeOut(Answer):
    id = fields.String()
    title = fields.String()
    body = fields.String()
    posted_at = Instant()
    version = fields.Integer()


class NoticePostedV1(Tolerant):
    notice = fields.Dict(required=True)


NOTICE_POSTED = EventType("noticeboard", "notice_posted", {1: NoticePostedV1})
