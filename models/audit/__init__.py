"""The audit log: appending an event in the caller's transaction (chain.py) and verifying the whole
chain (verify.py). Callers use `from models import audit` and `audit.record(...)`."""

from models.audit.appender import chain_pending, drain, pending
from models.audit.chain import COVERED, GENESIS, LINKED, ON_APPEND, event_hash, key_id, record, reserve, row_digest
from models.audit.verify import ChainReport, ExternalCheckpoint, verify_chain

__all__ = ["COVERED", "GENESIS", "LINKED", "ON_APPEND", "ChainReport", "ExternalCheckpoint", "chain_pending", "drain",
           "event_hash", "key_id", "pending", "record", "reserve", "row_digest", "verify_chain"]
