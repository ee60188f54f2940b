"""The audit log: appending an event in the caller's transaction (chain.py) and verifying the whole
chain (verify.py). Callers use `from models import audit` and `audit.record(...)`."""

from models.audit.chain import COVERED, GENESIS, event_hash, key_id, record, row_digest
from models.audit.verify import ChainReport, ExternalCheckpoint, verify_chain

__all__ = ["COVERED", "GENESIS", "ChainReport", "ExternalCheckpoint", "event_hash", "key_id", "record", "row_digest",
           "verify_chain"]
