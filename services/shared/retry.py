"""A failed event waits for its next attempt in the broker, not in a worker (issue 9, item 7).

Before, a failing handler slept in its worker, then nameko put the message
back at the head of its queue: an event was parked after about 1.4 s, and 50
failing events held the service's workers so that a normal registration took
7.4 s. Now the entrypoint behind ``services.shared.inbox.consumes`` acks the
failed message and publishes a copy to its service's retry exchange; the copy
waits in a delay queue until its per-message TTL expires, and RabbitMQ's
dead-lettering puts it back on the handler's own queue. Nothing waits in the
service meanwhile.

The broker side, per service, declared idempotently when it starts:

- ``retry-<service>``: a headers exchange; a copy carries ``bansos.retry_tier``
  (its base delay, e.g. ``"5000ms"``) and is routed by it alone;
- ``retry-<service>-<ms>ms``: one durable queue per delay of the schedule
  (``services.shared.backoff``), dead-lettering to the default exchange. The
  copy's routing key is its handler's queue name, which the default exchange
  routes to that queue: only the handler that failed sees it again. Each copy
  expires after its own jittered delay; as every copy in one queue has a delay
  within the jitter of the same base, one at the head holds the next back by
  less than that jitter.

The copy keeps the body and nameko's headers and carries ``bansos.attempts``,
the attempts failed so far. After the last attempt the event is parked with
its error, in the service's parking lot on the broker
(``services.shared.parking``). A copy or a parked event cannot be published
(the broker is gone): the message is requeued instead, and comes back when
the broker does.
"""
import json
import logging
import traceback
from functools import partial
from types import SimpleNamespace

from kombu import Connection, Exchange, Queue
from nameko.amqp.publish import get_producer
from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_RETRY_POLICY,
                              LOGIN_METHOD_CONFIG_KEY, PERSISTENT)
from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import SharedExtension

from services.shared import backoff
from services.shared.messaging import DecodeSafeEventHandler
from services.shared.parking import ParkingLot
from services.shared.settings import settings_for

log = logging.getLogger(__name__)

#: attempts of this event that failed so far (absent on the first delivery)
ATTEMPTS_HEADER = "bansos.attempts"
#: the base delay of the copy, which picks its delay queue
TIER_HEADER = "bansos.retry_tier"


def tier_of(seconds):
    """``5.0`` -> ``"5000ms"``: a delay as queue names and the routing header spell it."""
    return "%dms" % round(seconds * 1000)


def exchange_name(service):
    return "retry-%s" % service


def delay_queue_name(service, seconds):
    return "retry-%s-%s" % (service, tier_of(seconds))


def attempts_of(message):
    """Attempts failed before this delivery, from its header (0 when absent or garbled)."""
    value = (message.headers or {}).get(ATTEMPTS_HEADER, 0)
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


class RetryQueues(SharedExtension):
    """The service's retry exchange and delay queues, declared once per container at setup."""

    def setup(self):
        config = self.container.config
        self.delays = settings_for(self.container).event_retry_delays
        service = self.container.service_name
        self.exchange = Exchange(exchange_name(service), type="headers", durable=True)
        self.queues = [Queue(delay_queue_name(service, seconds), exchange=self.exchange,
                             routing_key="", durable=True,
                             binding_arguments={"x-match": "all", TIER_HEADER: tier_of(seconds)},
                             queue_arguments={"x-dead-letter-exchange": ""})
                       for seconds in sorted(set(self.delays))]
        # declaring what exists with the same arguments changes nothing: safe at every start
        with Connection(config[AMQP_URI_CONFIG_KEY], ssl=config.get(AMQP_SSL_CONFIG_KEY),
                        login_method=config.get(LOGIN_METHOD_CONFIG_KEY)) as conn:
            conn.ensure_connection(max_retries=3)
            channel = conn.channel()
            self.exchange(channel).declare()
            for queue in self.queues:
                queue(channel).declare()


class RetryingEventHandler(DecodeSafeEventHandler):
    """nameko's event handler whose failed events wait in the broker, then are parked.

    ``max_attempts``: attempts before the event is parked; None (the default)
    follows the schedule, one more than ``EVENT_RETRY_DELAYS`` has delays.
    """

    retry_queues = RetryQueues()

    def __init__(self, source_service, event_type, max_attempts=None, **kwargs):
        self.max_attempts = max_attempts
        super().__init__(source_service, event_type, **kwargs)

    def handle_message(self, body, message):
        handle_result = partial(self._handled, body, message)
        try:
            self.container.spawn_worker(self, (body,), {},
                                        context_data=self.unpack_message_headers(message),
                                        handle_result=handle_result)
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def _handled(self, body, message, worker_ctx, result=None, exc_info=None):
        if exc_info is not None:
            try:
                self._retry_later_or_park(body, message, exc_info)
            except Exception as exc:  # noqa: BLE001 - the event must not be lost: back to its queue
                log.warning("%s: could not schedule the retry of an event (%s: %s); requeued",
                            self.method_name, type(exc).__name__, exc)
                self.queue_consumer.requeue_message(message)
                return result, exc_info
        self.queue_consumer.ack_message(message)
        return result, exc_info

    def retry_alone(self, event, exc_info):
        """Schedule ``event`` (an envelope that failed here inside a bundle,
        ``services.shared.bundle``) as a first failure of this handler: a copy
        waits in the retry path and comes back on this handler's own queue, or it
        is parked when one attempt is all it allows. Raises what publishing raises."""
        body = json.dumps(event, ensure_ascii=False).encode("utf-8")
        message = SimpleNamespace(body=body, headers={}, content_type="application/json",
                                  content_encoding="utf-8")
        self._retry_later_or_park(event, message, exc_info)

    def _retry_later_or_park(self, body, message, exc_info):
        failed = attempts_of(message) + 1
        delays = self.retry_queues.delays
        allowed = backoff.attempts_allowed(delays, self.max_attempts)
        event_id = body.get("event_id") if isinstance(body, dict) else None
        base = backoff.base_delay(failed, delays, self.max_attempts)
        if base is None:
            error = "".join(traceback.format_exception(*exc_info, limit=-5))
            # confirmed by the broker before the caller acks the message; a failure
            # requeues it instead (``_handled``)
            parked_id = ParkingLot.of(self.container).park(self.method_name, body, error, failed)
            log.error("%s: event %s parked as %s after %d attempts", self.method_name,
                      event_id, parked_id, failed)
            return
        wait = backoff.jittered(base)
        self._publish_copy(message, failed, base, wait)
        log.warning("%s: event %s failed (attempt %d/%d); next attempt in %.1f s",
                    self.method_name, event_id, failed, allowed, wait)

    def _publish_copy(self, message, failed, base, wait):
        config = self.container.config
        # the broker's own x- headers (x-death...) stay behind: the copy is a new message
        headers = {key: value for key, value in (message.headers or {}).items()
                   if not key.startswith("x-")}
        headers.update({ATTEMPTS_HEADER: failed, TIER_HEADER: tier_of(base)})
        with get_producer(config[AMQP_URI_CONFIG_KEY], ssl=config.get(AMQP_SSL_CONFIG_KEY),
                          login_method=config.get(LOGIN_METHOD_CONFIG_KEY)) as producer:
            producer.publish(message.body, exchange=self.retry_queues.exchange,
                             routing_key=self.queue.name, headers=headers,
                             expiration=max(wait, 0.001), content_type=message.content_type,
                             content_encoding=message.content_encoding,
                             delivery_mode=PERSISTENT, mandatory=True, retry=True,
                             retry_policy=DEFAULT_RETRY_POLICY)
