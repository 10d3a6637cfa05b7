"""Order rules: the state machine, what the buyer is told, the WhatsApp order text.

Plain functions; the time is passed in. States (docs/contract.md
"Marketplace"): ``placed`` (stock reserved) -> ``confirmed`` by the seller ->
``completed`` ("paid" is what the seller confirms: most village sellers are
paid in cash or by a static QRIS sticker the platform never sees,
docs/domain.md "Selling food from home"); ``placed`` or ``confirmed`` ->
``cancelled`` by the seller, an officer, the buyer (a ``placed`` order, with
the phone it was placed with) or the platform (the seller left the
registry); ``placed`` -> ``expired`` when the seller has not confirmed in time.
Leaving ``placed``/``confirmed`` for ``cancelled``/``expired`` returns the
reserved stock; ``completed`` turns it into sold units.
"""
import datetime

from services.shared import clock
from services.shared.caller import role_of
from services.shared.errors import Forbidden, InvalidInput, RuleRefused

from services.marketplace import domain

OFFICERS = ("officer", "admin")
#: ``(from, to)`` -> who may make the move
MOVES = {
    ("placed", "confirmed"): ("seller",),
    ("confirmed", "completed"): ("seller",),
    ("placed", "cancelled"): ("seller", "buyer"),
    ("confirmed", "cancelled"): ("seller",),
}
#: what the buyer reads (Bahasa Indonesia), by status and reason
MESSAGES = {
    "placed": "Pesanan diterima dan stok sudah disisihkan. Menunggu konfirmasi penjual "
              "sampai %(expires)s WIB; hubungi penjual lewat WhatsApp.",
    "confirmed": "Pesanan dikonfirmasi penjual. Pembayaran langsung ke penjual (tunai atau "
                 "QRIS penjual).",
    "completed": "Pesanan selesai: penjual mencatat pembayaran (%(payment)s).",
    "expired": "Pesanan kedaluwarsa: penjual tidak mengonfirmasi sampai %(expires)s WIB. "
               "Stok dikembalikan.",
    "cancelled": "Pesanan dibatalkan%(by)s. Stok dikembalikan.",
    "cancelled:seller_unavailable": "Pesanan dibatalkan: penjual tidak lagi berjualan di lapak "
                                    "warga. Stok dikembalikan.",
}
CANCELLED_BY = {"buyer": " atas permintaan pembeli", "seller": " oleh penjual",
                "officer": " oleh petugas kelurahan", "system": ""}
PAYMENTS = {"cash": "tunai", "qris": "QRIS", "transfer": "transfer bank", "other": "lainnya"}


def rupiah(amount):
    """``Rp25.000``: the way prices are written in Indonesia."""
    return "Rp" + format(int(amount), ",").replace(",", ".")


def expires_at(placed_at, hours):
    """When a ``placed`` order expires: ``hours`` (the setting) after it was placed."""
    return placed_at + datetime.timedelta(hours=hours)


def order_text(order, seller):
    """The message the buyer sends the seller on WhatsApp (Bahasa Indonesia)."""
    text = ("Halo %s, saya %s ingin memesan %d %s %s (total %s). Nomor pesanan: %s."
            % (seller["business_name"], order["buyer_name"], order["quantity"], order["unit"],
               order["listing_title"], rupiah(order["total_idr"]), order["_id"]))
    if order.get("note"):
        text += " Catatan: %s" % order["note"]
    return text + " (dipesan lewat Lapak Warga)"


def buyer_whatsapp_url(order, seller):
    """The buyer's link to the seller's chat with the order text prefilled."""
    return domain.whatsapp_url(seller["phone"], order_text(order, seller))


def status_message(order):
    """What the buyer is told about the order now."""
    status, reason = order["status"], order.get("status_reason")
    template = MESSAGES.get("%s:%s" % (status, reason)) or MESSAGES[status]
    return template % {"expires": _wib(order["expires_at"]),
                       "payment": PAYMENTS.get(order.get("payment"), "-"),
                       "by": CANCELLED_BY.get(order.get("cancelled_by") or "system", "")}


def _wib(instant):
    if isinstance(instant, str):
        instant = clock.parse_instant(instant)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=clock.UTC)
    return instant.astimezone(clock.WIB).strftime("%d-%m-%Y %H:%M")


def party(order, actor, buyer_phone=None):
    """Who asks to move ``order``: ``seller`` (its seller's token, or an officer acting
    for the seller), ``buyer`` (the public with the order's phone).

    Raises Forbidden for the public without the phone the order was placed with.
    """
    role = role_of(actor)
    if role in OFFICERS:
        return "officer"
    if role == "seller":
        return "seller"
    if buyer_phone and buyer_phone == order["buyer_phone"]:
        return "buyer"
    raise Forbidden("Only the seller, an officer, or the buyer with the phone number the "
                    "order was placed with may change this order.",
                    {"buyer_phone": ["must be the phone number the order was placed with"]})


def plan_transition(order, request, who, actor, now):
    """Work out one move of an order.

    Args:
        order (dict): the stored order.
        request (dict): a loaded ``OrderTransitionIn``.
        who (str): ``party(...)``: seller, officer or buyer.
        now (datetime): aware UTC.
    Returns:
        dict: ``{"set": fields, "history": entry, "stock": "release"|"sell"|None}``.
    Raises RuleRefused for a move the state machine does not allow (naming the
    current status), Forbidden for a party that may not make it, InvalidInput
    for a cancellation without a reason.
    """
    current, wanted = order["status"], request["to"]
    allowed = MOVES.get((current, wanted))
    if allowed is None:
        raise RuleRefused("An order that is %s cannot become %s." % (current, wanted),
                          {"to": ["not allowed from %s" % current]})
    if who != "officer" and who not in allowed:
        raise Forbidden("Only the seller may make an order %s." % wanted)
    reason = request.get("reason")
    if wanted == "cancelled" and not reason:
        if who != "buyer":
            raise InvalidInput("A cancellation needs a reason.", {"reason": [
                "required when to is cancelled"]})
        reason = "buyer_request"
    changes = {"status": wanted, "updated_at": now}
    stock = None
    if wanted == "confirmed":
        changes["confirmed_at"] = now
    elif wanted == "completed":
        changes.update(completed_at=now, payment=request["payment"])
        stock = "sell"
    else:
        changes.update(closed_at=now, status_reason=reason, cancelled_by=who)
        stock = "release"
    entry = {"at": now, "status": wanted, "reason": reason, "note": request.get("note"),
             "by": _who(actor, who)}
    return {"set": changes, "history": entry, "stock": stock}


def plan_expiry(order, now):
    """The move of an unconfirmed order past its ``expires_at`` (None when not due)."""
    if order["status"] != "placed" or order["expires_at"] > now:
        return None
    changes = {"status": "expired", "status_reason": "expired", "closed_at": now,
               "cancelled_by": "system", "updated_at": now}
    entry = {"at": now, "status": "expired", "reason": "expired", "note": None,
             "by": {"name": "system", "role": "system"}}
    return {"set": changes, "history": entry, "stock": "release"}


def plan_seller_gone(order, now):
    """Cancel an open order because its seller left the registry (moved out, died)."""
    changes = {"status": "cancelled", "status_reason": "seller_unavailable", "closed_at": now,
               "cancelled_by": "system", "updated_at": now}
    entry = {"at": now, "status": "cancelled", "reason": "seller_unavailable", "note": None,
             "by": {"name": "registry event", "role": "system"}}
    return {"set": changes, "history": entry, "stock": "release"}


def _who(actor, who):
    if who == "buyer":
        return {"name": "buyer", "role": "public"}
    return {"name": (actor or {}).get("name"), "role": role_of(actor)}
