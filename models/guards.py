"""Database triggers that make the audit log and the review history append-only.

The application has no update or delete path for these tables; the triggers make sure nobody else
does either (a direct SQL UPDATE or DELETE fails), and the keyed hash chain shows any change made by
someone who drops the triggers first (`gongkai audit verify`, models/audit/).
"""

from __future__ import annotations

# Each migration guards the tables it made: a migration's list never changes once released.
FIRST = ("audit_event", "review", "item_version")  # 0001
RULE_HITS = ("rule_hit",)  # 0002
RULE_REVISIONS = ("rule_set", "rule_activation")  # 0003
APPEND_ONLY = FIRST + RULE_HITS + RULE_REVISIONS
# The audit chain's links, written by its single appender (0011).
AUDIT_LINKS = ("audit_link",)
# An application's record: its events, the suggestions made and the letters issued (0008).
APPLICATION_RECORDS = ("application_event", "application_suggestion", "application_letter")
# Rows updated in place but never deleted: the audit log's checkpoint (0005).
NEVER_DELETED = ("audit_checkpoint",)


def create_statements(dialect: str, tables: tuple[str, ...] = FIRST) -> list[str]:
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
            for table in tables for verb in ("UPDATE", "DELETE")
        ]
    statements = [
        "CREATE OR REPLACE FUNCTION gongkai_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$"
    ]
    for table in tables:
        statements.append(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                          "FOR EACH ROW EXECUTE FUNCTION gongkai_append_only()")
        statements.append(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                          "FOR EACH STATEMENT EXECUTE FUNCTION gongkai_append_only()")
    return statements


def never_deleted_statements(dialect: str, tables: tuple[str, ...] = NEVER_DELETED) -> list[str]:
    """DELETE (and TRUNCATE) refused, UPDATE allowed; the triggers' names are those drop_statements drops."""
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is never deleted: DELETE refused'); END" for table in tables]
    statements = [
        "CREATE OR REPLACE FUNCTION gongkai_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is never deleted: % refused', TG_TABLE_NAME, TG_OP; END $$"
    ]
    for table in tables:
        statements.append(f"CREATE TRIGGER {table}_append_only BEFORE DELETE ON {table} "
                          "FOR EACH ROW EXECUTE FUNCTION gongkai_never_deleted()")
        statements.append(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                          "FOR EACH STATEMENT EXECUTE FUNCTION gongkai_never_deleted()")
    return statements


def drop_statements(dialect: str,
                    tables: tuple[str, ...] = APPEND_ONLY + APPLICATION_RECORDS + AUDIT_LINKS + NEVER_DELETED,
                    function: bool = True) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for table in tables for verb in ("update", "delete")]
    out = []
    for table in tables:
        out += [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"]
    functions = [f"DROP FUNCTION IF EXISTS {name}()" for name, kind in
                 (("gongkai_append_only", APPEND_ONLY + APPLICATION_RECORDS + AUDIT_LINKS),
                  ("gongkai_never_deleted", NEVER_DELETED))
                 if set(tables) & set(kind)]
    return out + (functions if function else [])
