"""The store: the engine's one SQLite database (`db`: schema, migrations, notes, findings,
results, rejects), reading a site's note exports into it (`ingest`) and writing results
out (`csvout`). It knows the contracts (matcher.model) and the judging layer's result rows,
never the jobs, the API or the web app above it."""

from matcher.store.db import (
    DEFAULT_DB,
    RAW_LIMIT_BYTES,
    SCHEMA_VERSION,
    Store,
    content_hash,
    encodable,
)

__all__ = ["DEFAULT_DB", "RAW_LIMIT_BYTES", "SCHEMA_VERSION", "Store", "content_hash", "encodable"]
