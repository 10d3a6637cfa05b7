"""What every Bansos service needs, written once.

- ``envelope``: the CONTRACT's event envelope.
- ``errors``: domain error types that cross RPC intact and map to HTTP statuses.
- ``mongo``: the Mongo dependency provider (real MongoDB or in-process mongomock).
- ``outbox``: write a change and its pending event in one single-document operation.
- ``relay``: publish pending events with publisher confirms, in batches.
- ``inbox``: idempotent, bounded-retry event consumption with a parking lot.
- ``nik``: NIK and KK rules.
- ``rpc``: deadlines for RPC calls.
"""
