"""A candidate rule set from the rule pages' upload form (issue 16), and what its validation shows.

The API takes a candidate as every file of the rules directory by its relative path (`gongkai rules
bundle`). A browser's file input gives file names only, never their folder, so the candidate is the
revision in service with the sent files put in: a file replaces the file of the same name in the folder
chosen ("放入目录"), else the one file of that name anywhere in the set; a name the set does not have (or
has in several folders, none of them the chosen one) is a new file in the chosen folder. The validation
page lists where each file went. A file name that carries a path of its own is refused, not guessed at.

Between the validation page and the activation the candidate travels in the activation form itself:
the revision it was built on (`base`), the uploaded files only (`files`, JSON: every newline escaped, so
the browser sends the text back byte for byte) and the revision validation found (`revision`). Nothing
is kept on the server, and the form stays as small as the upload (the body limit, GONGKAI_MAX_BODY_BYTES,
is 12 MB by default). Activation rebuilds the candidate from the base revision's stored files and
refuses it if the rules in service moved on since (another author's activation would be undone
silently) or if it is not the revision that was validated.

Text is taken as UTF-8 (a leading byte-order mark dropped) with line ends made LF: a textarea always
sends CRLF, and a file saved on Windows should not be a different revision from the same rules on disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Mapping

from starlette.datastructures import FormData, UploadFile

from api.rulesets.activation import MAX_FILES, SUFFIXES
from engine.vocabulary import FIELD_LABELS_ZH, LABELS_ZH

MAX_FILE_BYTES = 2_000_000  # the API's limit on one rule file (api/schemas.RuleFileText)
ROOT_LABEL = "（根目录）"
VERDICTS_ZH = {"fixed": "改对", "broken": "改错", "changed": "改变"}
VALUES_ZH = {"undecided": "未定", "null": "无"}
SEVERITY_ZH = {"error": "错误", "warning": "警告"}
# The two fixed gates (engine/authoring/backtest.py), by metric; a manifest's own gate shows its metric.
GATES_ZH = {"secrecy_flag.recall": "涉密文件的识别不得减少", "category.withheld.recall": "不予公开文件的识别不得减少"}


class CandidateProblem(Exception):
    """What is wrong with an upload, each problem a Chinese sentence naming the file or field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Candidate:
    """The files a rule author sent (path → text, LF line ends), to go on top of revision `base`."""

    base: str
    files: dict[str, str]

    def on(self, base_files: Mapping[str, str]) -> dict[str, str]:
        """The whole candidate: the base revision's files with these added or replaced."""
        return {**base_files, **self.files}

    def carried(self) -> str:
        """The files as the activation form carries them (JSON, ASCII only: no raw newline in the field)."""
        return json.dumps(self.files, ensure_ascii=True, sort_keys=True)


def directories(files: Mapping[str, str]) -> list[str]:
    """The folders of a rule set ("" first: the root, for _ruleset.yaml and the README)."""
    return sorted({path.rsplit("/", 1)[0] if "/" in path else "" for path in files} | {""})


def text_of(name: str, raw: bytes) -> str:
    """A file's bytes as rule text: UTF-8, LF line ends; CandidateProblem naming the file if it is not."""
    if len(raw) > MAX_FILE_BYTES:
        raise CandidateProblem([f"文件“{name}”超过 {MAX_FILE_BYTES // 1_000_000} MB：规则文件不应这样大。"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CandidateProblem([f"文件“{name}”不是 UTF-8 编码（第 {exc.start + 1} 个字节无法识别）："
                                "请在编辑器中以 UTF-8 保存后重新上传。"]) from None
    return normalised(text, name)


def normalised(text: str, name: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise CandidateProblem([f"文件“{name}”含有空字符（\\0），不是文本文件。"])
    if not text.strip():
        raise CandidateProblem([f"文件“{name}”是空的。"])
    return text


def name_problem(name: str) -> str | None:
    """Why a file name cannot be used (None: it can): a bare name with a rule file's suffix."""
    if "/" in name or "\\" in name or name in (".", ".."):
        return (f"文件名“{name}”含有路径：只写文件名（如 general.yaml），"
                "所在目录请在“放入目录”中选择。")
    if "\x00" in name or not name.strip() or len(name) > 100:
        return f"文件名“{name[:100]}”无效。"
    if PurePosixPath(name).suffix not in SUFFIXES:
        return f"文件“{name}”不是规则文件：只接受 {'、'.join(SUFFIXES)} 文件。"
    return None


def place(name: str, folder: str, base_files: Mapping[str, str]) -> str:
    """Where a sent file goes (see the module's docstring)."""
    chosen = f"{folder}/{name}" if folder else name
    if chosen in base_files:
        return chosen
    same = [path for path in base_files if PurePosixPath(path).name == name]
    return same[0] if len(same) == 1 else chosen


async def from_form(form: FormData, base: str, base_files: Mapping[str, str]) -> Candidate:
    """The candidate an upload form describes: every uploaded file and the pasted one, placed by `place`.
    CandidateProblem with every problem found (none is skipped silently)."""
    folder = str(form.get("directory") or "")
    problems: list[str] = [] if folder in directories(base_files) else [f"目录“{folder}”不在现行规则集中：请从列表中选择。"]
    sent: list[tuple[str, bytes | str]] = []
    for part in form.getlist("files"):
        if isinstance(part, UploadFile) and part.filename:  # a file input left empty sends a nameless part
            sent.append((part.filename, await part.read(MAX_FILE_BYTES + 1)))
    pasted_name, pasted = str(form.get("paste_name") or "").strip(), str(form.get("paste_text") or "")
    if pasted.strip() or pasted_name:
        if not pasted_name:
            problems.append("粘贴的内容需要一个文件名（如 general.yaml）。")
        elif not pasted.strip():
            problems.append(f"文件“{pasted_name}”：请在文本框中粘贴文件内容。")
        else:
            sent.append((pasted_name, pasted))
    if not sent and not problems:
        problems.append("没有选择文件，也没有粘贴内容：请至少提供一个规则文件。")
    return Candidate(base, _files(sent, folder, base_files, problems))


def _files(sent: list[tuple[str, bytes | str]], folder: str, base_files: Mapping[str, str],
           problems: list[str]) -> dict[str, str]:
    files: dict[str, str] = {}
    if len(sent) > MAX_FILES:
        problems.append(f"一次最多上传 {MAX_FILES} 个文件。")
    for name, content in sent:
        if (problem := name_problem(name)) is not None:
            problems.append(problem)
            continue
        path = place(name, folder, base_files)
        if path in files:
            problems.append(f"文件“{name}”提交了两次：请只保留一份。")
            continue
        try:
            files[path] = text_of(name, content) if isinstance(content, bytes) else normalised(content, name)
        except CandidateProblem as exc:
            problems += exc.problems
    if problems:
        raise CandidateProblem(problems)
    return files


def carried(base: str, value: str) -> Candidate:
    """The candidate an activation form carries back (see the module's docstring)."""
    try:
        files = json.loads(value)
    except ValueError:
        files = None
    if not isinstance(files, dict) or not files or not all(isinstance(v, str) for v in files.values()):
        raise CandidateProblem(["表单中的候选规则文件不完整：请重新上传并校验。"])
    problems = [p for path in files if (p := name_problem(PurePosixPath(str(path)).name)) is not None]
    if problems:
        raise CandidateProblem(problems)
    return Candidate(base, {str(path): normalised(text, str(path)) for path, text in files.items()})


# -- what the validation page shows -----------------------------------------------------------------------

def value_zh(value: Any) -> str:
    """A suggested or decided value in Chinese (the code itself when it has no label)."""
    if value is None:
        return "无"
    return VALUES_ZH.get(str(value)) or LABELS_ZH.get(str(value), str(value))


def outcome_zh(outcome: Mapping[str, Any]) -> str:
    """What a rule sets, as 公开属性：主动公开；栏目：… ."""
    return "；".join(f"{FIELD_LABELS_ZH.get(k, k)}：{value_zh(v)}" for k, v in outcome.items()) or "—"


def number(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def flip_rows(flips: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"item": f["item"], "title": f["title"] or "（涉密或有密级标志，不显示标题）",
             "field": FIELD_LABELS_ZH.get(f["field"], f["field"]), "active": value_zh(f["active"]),
             "candidate": value_zh(f["candidate"]), "decided": value_zh(f["decided"]),
             "verdict": VERDICTS_ZH.get(f["verdict"], f["verdict"])} for f in flips]


def gate_rows(gates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for g in gates:
        found = g.get("found")
        label = GATES_ZH.get(g["metric"], "规则集设定的门槛") if found else "规则集设定的门槛"
        rows.append({"label": label, "gate": g["gate"], "why": g["why"], "metric": g["metric"], "active": number(g["active"]),
                     "candidate": number(g["candidate"]), "passed": g["passed"],
                     "found": f"现行 {found['active']} 件，候选 {found['candidate']} 件" if found else "",
                     "unmeasured": g.get("unmeasured") or ""})
    return rows


def refusals(out: Mapping[str, Any]) -> list[str]:
    """Why a validated candidate may not be activated through the pages (none: it may)."""
    reasons = []
    if out["errors"]:
        reasons.append(f"有 {out['errors']} 个错误（见下方诊断）。")
    if out["tests"] is not None and out["tests"]["failed"]:
        reasons.append(f"有 {len(out['tests']['failed'])} 个规则测试（示例或场景）未通过。")
    backtest = out["backtest"]
    if backtest is not None and not backtest["passed"]:
        failed = [g["gate"] for g in backtest["gates"] if not g["passed"]]
        reasons.append(f"回测门槛未通过：{'、'.join(failed)}。")
    if not reasons and not out["valid"]:
        reasons.append("规则集未能通过校验。")
    return reasons
