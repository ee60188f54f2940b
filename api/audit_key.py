"""The audit key: the secret that makes the audit log's chain keyed (models/audit/).

Each audit event and the log's checkpoint carry an HMAC-SHA256 made with this key, so someone who
can change the database but does not hold the key can no longer rewrite the log, cut its tail or
edit a recorded review without `gongkai audit verify` naming it. The key must therefore live
OUTSIDE the database and outside whatever the database's host backs up:

- Set GONGKAI_AUDIT_KEY_FILE to a file holding it (preferred), or GONGKAI_AUDIT_KEY to the key
  itself (for platforms that inject secrets as environment variables). At least 32 bytes; make one
  with ``python -c "import secrets; print(secrets.token_hex(32))"``. Surrounding whitespace (the
  trailing newline of a file) is not part of the key.
- The file is readable only by the service account (``chmod 0400``, owned by that account), on the
  application hosts, not on the database host, and not in the database's backups: a copy of the key
  beside a copy of the database is a copy of the power to rewrite the log.
- Every worker and every host of one service uses the same key, and so does whoever runs
  `gongkai audit verify`. Keep an escrow copy with the security officer (保密员): a lost key does
  not lose the log, but the log can then no longer be verified beyond its SHA-256 chain.
- Changing the key is not supported yet: the events written with the old key would fail
  verification under the new one.

When neither is set and the database is SQLite (the embedded, one-host default), the service makes
a random key in data/runtime/audit.key (mode 0600) on its first start and logs a warning: that file
sits beside the database, so it protects against edits by someone who can reach the database file
but not the data directory; move it elsewhere and set GONGKAI_AUDIT_KEY_FILE for real protection.
With PostgreSQL a key must be set: several workers on several hosts must share one key.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from api.settings import MIN_AUDIT_KEY_BYTES, Settings, read_key_file
from engine.paths import data_dir

log = logging.getLogger("gongkai")


class AuditKeyError(ValueError):
    """No usable audit key: the message says which setting to set."""


def default_key_file() -> Path:
    return data_dir() / "runtime" / "audit.key"


def audit_key(settings: Settings, *, create: bool = True) -> bytes:
    """The key from the settings; on SQLite, else data/runtime/audit.key (made when `create`).

    `create` is False for `gongkai audit verify`: a verification never invents a key (it would only
    report every MAC as wrong).

    Raises:
        AuditKeyError: no key is set and none can be made or found.
    """
    if settings.audit_key is not None:
        return settings.audit_key.get_secret_value().strip().encode("utf-8")
    if settings.audit_key_file is not None:
        return read_key_file(settings.audit_key_file)
    if not settings.database_url.startswith("sqlite"):
        raise AuditKeyError("no audit key: set GONGKAI_AUDIT_KEY_FILE to a file holding it (or GONGKAI_AUDIT_KEY "
                            f"to the key itself), at least {MIN_AUDIT_KEY_BYTES} bytes, the same for every worker "
                            "(see api/audit_key.py); only the embedded SQLite database makes its own")
    path = default_key_file()
    if path.exists():
        try:
            return read_key_file(path)
        except ValueError as exc:
            raise AuditKeyError(str(exc)) from None
    if not create:
        raise AuditKeyError(f"no audit key: GONGKAI_AUDIT_KEY_FILE and GONGKAI_AUDIT_KEY are not set and {path} "
                            "does not exist; point GONGKAI_AUDIT_KEY_FILE at the key the service writes with")
    return _make(path)


def _make(path: Path) -> bytes:
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under a private name, then linked into place: two processes starting at once never
    # see a half-written key, and the second one takes the first one's key (link refuses to replace).
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    try:
        os.link(partial, path)
    except FileExistsError:
        return read_key_file(path)
    finally:
        partial.unlink()
    log.warning("gongkai: made a new audit key in %s (mode 0600). It sits beside the database: move it to a "
                "place the database's backups do not reach, readable only by the service account, and set "
                "GONGKAI_AUDIT_KEY_FILE to it (api/audit_key.py)", path)
    return key.encode("ascii")
