"""Notices, one document each, written with their event."""
import uuid

from services.shared import clock
from services.shared.outbox import new_document

from services.noticeboard.contract import NOTICE_POSTED


class NoticeRepository:
    def __init__(self, db, notify):
        self.notices, self.notify = db["notices"], notify

    def post(self, data, correlation_id):
        """Store a notice and queue ``notice_posted``; returns the notice."""
        notice = dict(data, id="ntc_" + uuid.uuid4().hex[:16], posted_at=clock.now_iso(),
                      version=1)
        event = NOTICE_POSTED.envelope(notice["id"], 1, {"notice": notice}, correlation_id)
        self.notices.insert_one(new_document(dict(notice, _id=notice["id"]), [event]))
        self.notify("notices", [notice["id"]])
        return notice
