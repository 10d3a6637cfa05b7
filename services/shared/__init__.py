"""What every Bansos service needs, written once: the service kit (docs/service-kit.md).

- ``service``: the base class ``Service`` (settings, inbox, caller, operator
  RPCs), ``every`` (a timer whose interval is a setting), ``system_actor``.
- ``contract``: ``Strict``/``Tolerant``/``Answer`` schemas, ``load``/``dump``,
  ``EventType`` (payload schemas per version, upcasters).
- ``fields``: shared field rules (text without control characters, RT/RW,
  phone, NIK/KK, instants and dates in answers).
- ``clock``: UTC instants (ISO 8601, milliseconds, ``Z``) and village (WIB) dates.
- ``versioned``: the one versioned conditional write.
- ``settings``: every setting, read once at start, checked.
- ``envelope``: the event envelope of docs/contract.md.
- ``errors``: domain error types that cross RPC intact and map to HTTP statuses.
- ``mongo``: the Mongo dependency provider (real MongoDB or in-process mongomock).
- ``outbox`` / ``relay``: a change and its events in one document write; the
  relay publishes them with confirms, in batches.
- ``inbox``: idempotent, bounded-retry event consumption with a parking lot.
- ``parking``: the parking lot itself, a durable queue per service on the broker.
- ``projection``: copy another service's snapshots; rebuild from its export.
- ``registry_projection``: a service's own copy of the registry (repository,
  catch-up from the export, ``FollowsRegistry`` mixin with its handlers).
- ``nik``, ``codes``: NIK/KK rules and the civil-registry code lists.
- ``rpc``: ``rpc`` (domain errors expected), ``RpcProxy`` and ``call`` (a deadline).
- ``messaging``: nameko's consumers with an answer for a message that cannot be
  decoded (an RPC request answered 400, an event parked, a reply failing its call);
  ``rpc``, ``RpcProxy`` and ``inbox.consumes`` use them.
- ``csvfile``: the one CSV writer, guarding cells a spreadsheet would run.
- ``pagination``, ``rules``: list pages; the eligibility rule language.
"""
