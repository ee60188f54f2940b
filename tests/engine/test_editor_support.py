"""Editor support as an editor sees it: the YAML language server that VS Code (Red Hat YAML), Neovim
(yamlls) and Helix run, reading the modeline of a rule file, underlines what is wrong while the author
types, completes operators and values, and explains fields and values on hover. The schema's content is
checked against the models and the loader in tests/engine/test_rule_schema.py; this checks the consumer.

The server is yaml-language-server, pinned in tests/editor/package.json and installed there with npm
the first time (Node.js is on this project's machines; without npm the module is skipped).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest

from engine.paths import PROJECT_ROOT
from tests.conftest import RULES
from tests.editor.lsp import LanguageServer

EDITOR = Path(__file__).resolve().parents[1] / "editor"
SERVER = EDITOR / "node_modules" / ".bin" / "yaml-language-server"
NEW_FILE = RULES / "proactive" / "zz_being_written.yaml"  # opened in the editor, never written to disk

# A rule file half written, with the mistakes an author makes; line numbers are the diagnostics'.
DRAFT = """\
# yaml-language-server: $schema=../../data/schema/rule-file.schema.json
schema: gongkai-rules/1
owner: 办公室
rules:
  - id: proactive.general.canteen
    titel: 机关食堂的通告
    mode: enforce
    confidence: 1.5
    outcome:
      category: publish
    legal_basis:
      - source: 政府信息公开条例
        article: 19
    when:
      all:
        - field: titel
          contains_any: [食堂]
        - field: year
          matches: '20\\d\\d'
"""


@pytest.fixture(scope="module")
def server() -> Iterator[LanguageServer]:
    if not SERVER.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: the editor check needs Node.js and npm")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=EDITOR, check=True, timeout=600)
    with LanguageServer([str(SERVER), "--stdio"], PROJECT_ROOT) as ls:
        yield ls


def _at(diagnostics: list[dict[str, Any]]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for d in diagnostics:
        out.setdefault(d["range"]["start"]["line"] + 1, []).append(d["message"])
    return out


def test_a_rule_being_written_is_underlined_where_it_is_wrong(server: LanguageServer) -> None:
    found = _at(server.open(NEW_FILE, DRAFT))
    assert found[6] == ["Property titel is not allowed."]  # a misspelt key
    assert found[5] == ['Missing property "title".']  # so the rule lacks its title
    assert found[8] == ["Value is above the maximum of 1."]  # confidence is a probability
    assert found[10] == ['Value is not accepted. Valid values: "proactive", "on_request", "withheld", '
                         '"not_government_info".']
    assert found[12] == ['Missing property "excerpt".']  # a citation quotes the statute
    assert len(found[16]) == 1 and found[16][0].startswith('Value is not accepted. Valid values: "title", "body",')
    assert found[19] == ["Property matches is not allowed."]  # year is a number: no regular expressions
    assert set(found) == {5, 6, 8, 10, 12, 16, 19}


@pytest.mark.slow  # every rules file through the language server
def test_every_real_rules_file_opens_clean(server: LanguageServer) -> None:
    files = sorted(RULES.rglob("*.yaml"))
    assert len(files) >= 25
    dirty = {str(path.relative_to(RULES)): _at(server.open(path, path.read_text(encoding="utf-8")))
             for path in files}
    assert {name: found for name, found in dirty.items() if found} == {}
    # The same text without its modeline is not checked at all: the modeline is what an editor reads.
    # (Another file name: the server keeps the schema it once found for a document's URI.)
    assert server.open(NEW_FILE.with_name("zz_without_modeline.yaml"), DRAFT.split("\n", 1)[1]) == []


def test_completion_offers_the_operators_of_a_field_and_the_outcome_values(server: LanguageServer) -> None:
    number = DRAFT.replace("          matches: '20\\d\\d'\n", "          \n")
    assert server.completion(NEW_FILE, number, 19, 11) == ["equals", "gt", "gte", "lt", "lte", "all", "any", "none"]
    categories = server.completion(NEW_FILE, DRAFT.replace("category: publish", "category: "), 10, 17)
    assert {"proactive", "on_request", "withheld", "not_government_info"} <= set(categories)


def test_hover_explains_fields_and_values_in_chinese(server: LanguageServer) -> None:
    general = RULES / "proactive" / "general.yaml"
    text = general.read_text(encoding="utf-8")
    lines = text.splitlines()
    mode = next(n for n, line in enumerate(lines, 1) if line.strip() == "mode: enforce")
    shown = server.hover(general, text, mode, lines[mode - 1].index("enforce") + 1)
    assert "`enforce`: 执行" in shown and "`monitor`: 观察" in shown and "`baseline`: 兜底" in shown
    category = next(n for n, line in enumerate(lines, 1) if line.strip() == "category: proactive")
    shown = server.hover(general, text, category, lines[category - 1].index("category") + 1)
    assert "`proactive`: 主动公开" in shown and "`not_government_info`: 非《条例》所指政府信息" in shown
