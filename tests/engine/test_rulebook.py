"""The project's real rulebook: valid, cited, covering the Regulations, and its own tests pass."""

from __future__ import annotations

import re
import threading
from collections import Counter

import pytest

from engine.authoring.runner import run_examples, run_scenarios
from engine.facts.derive import FIELDS
from engine.rules.loader import check_rulebook, load_rulebook
from engine.suggest import Suggester
from engine.vocabulary import Column, RuleMode
from tests.conftest import RULES, make_doc

BOOK = load_rulebook(RULES)
SUGGESTER = Suggester(BOOK)
EXAMPLES = list(run_examples(SUGGESTER))
SCENARIOS = list(run_scenarios(SUGGESTER))


def test_rulebook_has_no_diagnostics() -> None:
    book, diagnostics = check_rulebook(RULES)
    assert book is not None
    assert [d.render() for d in diagnostics] == []


def test_at_least_sixty_cited_enforce_or_monitor_rules() -> None:
    active = [r for r in BOOK.rules if r.mode in (RuleMode.ENFORCE, RuleMode.MONITOR)]
    assert len(active) >= 60
    assert all(r.legal_basis and all(b["excerpt"] for b in r.legal_basis) for r in active)


def test_rulebook_covers_the_articles_the_issue_names() -> None:
    articles = Counter(b["article"] for r in BOOK.rules for b in r.legal_basis if b["source"] == "政府信息公开条例")
    for article in (2, 14, 15, 16, 19, 20, 21):
        assert articles[article] >= 1, f"no rule cites 条例第{article}条"
    exemptions = {r.outcome.get("exemption") for r in BOOK.rules}
    assert {"state_secret", "law_prohibited", "security_stability", "third_party", "internal_affairs",
            "process_info", "enforcement_case"} <= exemptions


def test_every_catalog_column_has_a_rule() -> None:
    columns = {r.outcome["column"] for r in BOOK.rules if "column" in r.outcome}
    assert columns == {c.value for c in Column}


@pytest.mark.parametrize("outcome", EXAMPLES, ids=[f"{o.rule_id}:{o.name}" for o in EXAMPLES])
def test_inline_example(outcome) -> None:  # type: ignore[no-untyped-def]
    assert outcome.passed, outcome.render()


@pytest.mark.parametrize("outcome", SCENARIOS, ids=[o.name for o in SCENARIOS])
def test_scenario(outcome) -> None:  # type: ignore[no-untyped-def]
    assert outcome.passed, outcome.render()


def test_readme_documents_every_field() -> None:
    readme = (RULES / "README.md").read_text(encoding="utf-8").split("## Fields and facts")[1].split("\n## ")[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", readme, flags=re.M))
    assert documented == set(FIELDS)


# The contrasts reviewers face, each pair decided differently by the real rulebook.
CONTRASTS = [
    ("征求意见稿 open to the public", dict(doc_type="公告", title="关于《某市物业管理办法（征求意见稿）》公开征求意见的公告",
      body="为广泛听取社会各界意见，现将《某市物业管理办法（征求意见稿）》全文公布，向社会公开征求意见。意见反馈截止日期为2024年6月30日。"), "proactive"),
    ("征求意见稿 sent only to agencies", dict(doc_type="函", title="关于征求《某市物业管理办法（征求意见稿）》意见的函",
      body="各区住房城乡建设委，市有关部门：\n现将《某市物业管理办法（征求意见稿）》送你单位征求意见，请于6月10日前将书面意见反馈我委。"), "withheld"),
    ("report to a superior", dict(doc_type="报告", title="关于2024年上半年安全生产工作情况的报告",
      body="市人民政府：\n现将我局2024年上半年安全生产工作情况报告如下。……建议市政府下半年增加专项执法力量。\n特此报告。"),
     "withheld"),
    ("政府工作报告", dict(doc_type="报告", title="2025年某市人民政府工作报告",
      body="——2025年1月15日在某市第十六届人民代表大会第四次会议上\n各位代表：\n现在，我代表市人民政府，向大会报告工作，请予审议。"), "proactive"),
]


@pytest.mark.parametrize(("name", "fields", "category"), CONTRASTS, ids=[c[0] for c in CONTRASTS])
def test_contrasts(name: str, fields: dict[str, str], category: str) -> None:
    assert SUGGESTER.suggest(make_doc(**fields))["suggestion"]["category"]["value"] == category


def test_marked_documents_are_never_proactive() -> None:
    for fields in (c[1] for c in CONTRASTS):
        for marking in ("秘密★1年", "内部", "工作秘密", "机密"):
            out = SUGGESTER.suggest(make_doc(**fields, secrecy_marking=marking))
            assert out["suggestion"]["category"]["value"] == "withheld", (fields["title"], marking)


@pytest.mark.slow  # threads over 1,000 evaluations
def test_real_rulebook_is_correct_under_concurrent_calls() -> None:
    reference = Suggester(BOOK, "reference")
    docs = [make_doc(**e.document) for r in BOOK.active() for e in r.examples][:200]
    facts = [reference.run(d)[0] for d in docs]
    expected = [reference.backend.evaluate(f) for f in facts]
    wrong: list[int] = []

    def work(offset: int) -> None:
        for _ in range(5):
            for i in range(len(facts)):
                j = (i + offset) % len(facts)
                if SUGGESTER.backend.evaluate(facts[j]) != expected[j]:
                    wrong.append(j)

    threads = [threading.Thread(target=work, args=(k * 17,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_reading_a_rule_set_keeps_nothing_of_its_yaml() -> None:
    """The YAML reader's constructor is shared by the process: reading the rule set again (every
    validation and activation does) must not leave its nodes behind in it."""
    from engine.rules import yaml_source

    before = len(yaml_source._SCALARS.constructed_objects)
    for _ in range(2):
        check_rulebook(RULES)
    assert len(yaml_source._SCALARS.constructed_objects) == before == 0
