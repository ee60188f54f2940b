"""Roles and what each may do. One table, so that every endpoint's authorisation is in one place
and tests/service/test_roles.py can check every endpoint against every role."""

from __future__ import annotations

from engine.vocabulary import Role

R = Role
READERS = frozenset({R.CLERK, R.SECRECY_REVIEWER, R.DISCLOSURE_REVIEWER, R.OFFICE, R.SUPERVISOR, R.ADMIN})

# action -> roles allowed. Each route names its action (api/deps.py: allow("...")).
PERMISSIONS: dict[str, frozenset[Role]] = {
    "push": frozenset({R.DOCUMENT_SYSTEM}),
    "enter": frozenset({R.CLERK}),
    "read_item": READERS | {R.DOCUMENT_SYSTEM},
    "list_items": READERS,
    "secrecy_queue": frozenset({R.SECRECY_REVIEWER, R.SUPERVISOR, R.ADMIN}),
    "disclosure_queue": frozenset({R.DISCLOSURE_REVIEWER, R.SUPERVISOR, R.ADMIN}),
    "secrecy_review": frozenset({R.SECRECY_REVIEWER}),
    "disclosure_review": frozenset({R.DISCLOSURE_REVIEWER}),
    # Reopening a decision: the reviewers and the disclosure office (信息公开工作机构), never the pusher.
    "reopen": frozenset({R.SECRECY_REVIEWER, R.DISCLOSURE_REVIEWER, R.OFFICE}),
    # The review history (reasons, who decided what): the reviewers, the office and supervision.
    "read_reviews": frozenset({R.SECRECY_REVIEWER, R.DISCLOSURE_REVIEWER, R.OFFICE, R.SUPERVISOR, R.ADMIN}),
    "read_store": frozenset({R.OFFICE, R.SECRECY_REVIEWER, R.DISCLOSURE_REVIEWER, R.SUPERVISOR, R.ADMIN}),
    "feed": frozenset({R.OFFICE, R.ADMIN}),
    "manage_tokens": frozenset({R.ADMIN}),
    "manage_users": frozenset({R.ADMIN}),
    "read_audit": frozenset({R.SUPERVISOR, R.ADMIN}),
    "whoami": frozenset(Role),
    "read_statistics": frozenset({R.OFFICE, R.SUPERVISOR, R.ADMIN}),
    "read_supervision": frozenset({R.SUPERVISOR, R.OFFICE, R.ADMIN}),
    "read_accuracy": frozenset({R.RULE_AUTHOR, R.OFFICE, R.SUPERVISOR, R.ADMIN}),
    "read_rules": frozenset({R.RULE_AUTHOR, R.DISCLOSURE_REVIEWER, R.SECRECY_REVIEWER, R.OFFICE, R.SUPERVISOR,
                             R.ADMIN}),
    # Rule authors (policy and legal staff) test and put live the rules they write; the admin too.
    "author_rules": frozenset({R.RULE_AUTHOR, R.ADMIN}),
    "activate_rules": frozenset({R.RULE_AUTHOR, R.ADMIN}),
    # The model registry (issue 19): the model's figures are read where the rules are; the rule authors and the
    # admin validate, activate and roll back models as they do rule sets (a model is trained by the operator).
    "read_models": frozenset({R.RULE_AUTHOR, R.OFFICE, R.SUPERVISOR, R.ADMIN}),
    "activate_models": frozenset({R.RULE_AUTHOR, R.ADMIN}),
    # Public applications (依申请公开): the disclosure office registers them and confirms receipt days; it and the
    # clerks of the division handling one move it on; supervision and the admin read them (a clerk: its own).
    "register_application": frozenset({R.OFFICE}),
    "assign_application": frozenset({R.OFFICE}),
    "handle_application": frozenset({R.OFFICE, R.CLERK}),
    "read_applications": frozenset({R.OFFICE, R.CLERK, R.SUPERVISOR, R.ADMIN}),
    # Letters go out in the agency's name: the office issues them, the clerks of the handling division draft
    # and issue the answers of the applications assigned to them (each letter names who issued it).
    "issue_letter": frozenset({R.OFFICE, R.CLERK}),
    # Redaction (条例第三十七条): the handler marks spans; the office (an answer's copy) or the disclosure reviewer
    # (a proactive item's public copy) confirms the whole before anything is released.
    "redact": frozenset({R.OFFICE, R.CLERK, R.DISCLOSURE_REVIEWER}),
    "confirm_release": frozenset({R.OFFICE, R.DISCLOSURE_REVIEWER}),
    # 行政复议 / 行政诉讼 cases (Table 四): the office records them; supervision and the admin read them.
    "record_case": frozenset({R.OFFICE}),
    "read_cases": frozenset({R.OFFICE, R.SUPERVISOR, R.ADMIN}),
    # The annual report (条例第四十九条、第五十条): the office writes, corrects and submits it; supervision and the
    # admin read it. Which catalog items are 规章 / 行政规范性文件 and in force: the office and the disclosure
    # reviewers (who route the items to the proactive store).
    "read_annual_report": frozenset({R.OFFICE, R.SUPERVISOR, R.ADMIN}),
    "edit_annual_report": frozenset({R.OFFICE}),
    "set_instrument": frozenset({R.OFFICE, R.DISCLOSURE_REVIEWER}),
}
