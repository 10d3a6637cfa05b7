"""The noticeboard service: post a notice (one RPC, one event)."""
from services.shared.contract import dump, load
from services.shared.mongo import MongoStore
from services.shared.rpc import rpc
from services.shared.service import Service

from services.noticeboard.contract import NoticeIn, NoticeOut
from services.noticeboard.store import NoticeRepository


class NoticeboardService(Service):
    name = "noticeboard"
    store = MongoStore(NoticeRepository, outbox=["notices"])

    @rpc
    def post_notice(self, body, actor=None):
        """Post a notice (``NoticeIn``); returns ``NoticeOut``. InvalidInput.
        Event: ``notice_posted``."""
        notice = self.store.post(load(NoticeIn, body), self.caller.correlation_id(actor))
        return dump(NoticeOut, notice)
