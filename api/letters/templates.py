"""The letter templates: data/letters/ (GONGKAI_LETTERS), one YAML file per letter type plus common.yaml
(the recital, the contact line, labels of ids, and the remedy clauses keyed by outcome), written by legal
staff without code (data/letters/README.md tells them how).

Everything is checked when the files are read, so a mistake shows at load, naming its file, and never
as a half-printed letter: every placeholder is one the letter can fill, a letter type has required
elements and prints each of them, an optional value is printed only under `when:` it, a list element only
in a paragraph repeated over it, an outcome is one of applications.md §1.7.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from api.letters.elements import DERIVED, ENTRY_NUMBER, ENTRY_TEXT, FRAME, HISTORY, OUTCOMES, SETTINGS

COMMON = "common.yaml"
LETTER_KEYS = frozenset({"kind", "name", "basis", "title", "code", "addressee", "recital", "outcomes", "remedy",
                         "history", "elements", "optional", "body"})
COMMON_KEYS = frozenset({"recital", "contact", "labels", "remedies", "history"})
PARAGRAPH_KEYS = frozenset({"text", "when", "unless", "each"})


class TemplateError(ValueError):
    """A template file that cannot be used, with the file and what is wrong."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path.name}: {problem}")
        self.path = path


@dataclass(frozen=True)
class Element:
    """A value a letter type needs (or may use): its key, Chinese name, and shape — text, a flag (yes/no),
    a list of texts, or a list of records with named fields."""
    key: str
    name: str
    shape: str = "text"  # text | flag | list | records
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Paragraph:
    text: str
    when: str | None = None    # printed only when this value is given (a flag: when it is true)
    unless: str | None = None  # printed only when this flag is false / this value is not given
    each: str | None = None    # printed once per entry of this list element


@dataclass(frozen=True)
class LetterTemplate:
    kind: str
    name: str
    basis: str
    title: str
    code: str | None  # its code in the 文号 pattern; None: no 文号 (the receipt carries the 登记号)
    addressee: str
    recital: str | None
    outcomes: tuple[str, ...]
    remedy: bool      # the letter decides the application: it prints the remedy clause (§1.8)
    history: bool     # it prints common.yaml's history (补正, 延期, 征求意见, 缴费) when that happened
    elements: Mapping[str, Element]
    optional: Mapping[str, Element]
    body: tuple[Paragraph, ...]
    path: Path


@dataclass(frozen=True)
class Common:
    recital: str
    contact: str
    labels: Mapping[str, Mapping[str, str]]  # value key → id → label (e.g. channel → in_person → 当面提交)
    remedies: Mapping[str, str]              # outcome id, or its family (withheld), or default → clause
    history: tuple[Paragraph, ...]           # each `when:` one of elements.HISTORY


@dataclass(frozen=True)
class Templates:
    common: Common
    letters: Mapping[str, LetterTemplate]


def load(directory: Path) -> Templates:
    """Every template under `directory`, checked; TemplateError naming the file on the first problem."""
    common = _common(directory / COMMON)
    letters = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name != COMMON:
            letter = _letter(path, common)
            letters[letter.kind] = letter
    if not letters:
        raise TemplateError(directory, "no letter templates (*.yaml) here")
    return Templates(common, letters)


def placeholders(path: Path, text: str) -> set[str]:
    """The names of the {placeholders} in `text`; a malformed brace or a format spec is an error."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError(path, f"花括号不成对 in “{text}”: {exc}") from None
    names = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name or spec or conversion or not name.isidentifier():
            raise TemplateError(path, f"占位符 {{{name}}} 写法有误 in “{text}”: write {{key}} only")
        names.add(name)
    return names


def _read(path: Path, allowed: frozenset[str]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(path, f"cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise TemplateError(path, "must be a mapping of keys to values")
    unknown = set(data) - allowed
    if unknown:
        raise TemplateError(path, f"unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")
    return data


def _text(path: Path, data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(path, f"“{key}” must be non-empty text")
    return value.strip()


def _common(path: Path) -> Common:
    data = _read(path, COMMON_KEYS)
    recital, contact = _text(path, data, "recital"), _text(path, data, "contact")
    labels = data.get("labels") or {}
    remedies = data.get("remedies") or {}
    if "default" not in remedies:
        raise TemplateError(path, "remedies needs a “default” clause")
    families = {outcome.split(".")[0] for outcome in OUTCOMES}
    for key, clause in remedies.items():
        if key != "default" and key not in OUTCOMES and key not in families:
            raise TemplateError(path, f"remedies: “{key}” is not an outcome of applications.md §1.7")
        if not isinstance(clause, str) or not clause.strip():
            raise TemplateError(path, f"remedies: “{key}” must be non-empty text")
    known = set(FRAME) | set(SETTINGS)
    for text in (recital, contact, *remedies.values()):
        unknown = placeholders(path, text) - known
        if unknown:
            raise TemplateError(path, f"unknown placeholders {sorted(unknown)} in “{text}”")
    if not all(isinstance(v, dict) for v in labels.values()):
        raise TemplateError(path, "labels: each entry maps ids to their Chinese labels")
    history = _paragraphs(path, data["history"]) if data.get("history") else ()
    for paragraph in history:
        if paragraph.when not in HISTORY or paragraph.unless or paragraph.each:
            raise TemplateError(path, f"history: each paragraph needs “when:” one of {sorted(HISTORY)}")
        unknown = placeholders(path, paragraph.text) - known - set(HISTORY)
        if unknown:
            raise TemplateError(path, f"unknown placeholders {sorted(unknown)} in “{paragraph.text}”")
    return Common(recital, contact, {k: {str(i): str(t) for i, t in v.items()} for k, v in labels.items()},
                  {k: v.strip() for k, v in remedies.items()}, history)


def _elements(path: Path, data: Any, section: str) -> dict[str, Element]:
    found = {}
    for key, spec in (data or {}).items():
        if not str(key).isidentifier() or key in FRAME or key in SETTINGS or key in DERIVED or key in HISTORY:
            raise TemplateError(path, f"{section}: “{key}” is not a usable key (or is a common element)")
        if isinstance(spec, str):
            found[key] = Element(key, spec)
            continue
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise TemplateError(path, f"{section}: “{key}” needs a Chinese name (name: …)")
        shape = spec.get("shape", "records" if spec.get("fields") else "text")
        if shape not in ("text", "flag", "list", "records") or (shape == "records") != bool(spec.get("fields")):
            raise TemplateError(path, f"{section}: “{key}” has shape “{shape}”; records need fields, others none")
        found[key] = Element(key, spec["name"], shape, dict(spec.get("fields") or {}))
    return found


def _paragraphs(path: Path, data: Any) -> tuple[Paragraph, ...]:
    if not isinstance(data, list) or not data:
        raise TemplateError(path, "body must be a list of paragraphs")
    paragraphs = []
    for entry in data:
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, dict) or set(entry) - PARAGRAPH_KEYS or not isinstance(entry.get("text"), str):
            raise TemplateError(path, f"body: a paragraph is text, or text with when/unless/each: {entry!r}")
        paragraphs.append(Paragraph(entry["text"].strip(), entry.get("when"), entry.get("unless"),
                                    entry.get("each")))
    return tuple(paragraphs)


def _letter(path: Path, common: Common) -> LetterTemplate:
    data = _read(path, LETTER_KEYS)
    if data.get("kind") != path.stem:
        raise TemplateError(path, f"kind must be the file's name “{path.stem}”")
    elements = _elements(path, data.get("elements"), "elements")
    if not elements:
        raise TemplateError(path, "a letter type needs its required elements (elements: …)")
    optional = _elements(path, data.get("optional"), "optional")
    outcomes = tuple(data.get("outcomes") or ())
    unknown = set(outcomes) - OUTCOMES
    if unknown:
        raise TemplateError(path, f"outcomes {sorted(unknown)} are not outcomes of applications.md §1.7")
    remedy = bool(data.get("remedy", False))
    if remedy and not outcomes:
        raise TemplateError(path, "a letter with a remedy clause decides an application: list its outcomes")
    recital = data.get("recital", True)
    letter = LetterTemplate(
        kind=path.stem, name=_text(path, data, "name"), basis=str(data.get("basis") or ""),
        title=_text(path, data, "title"), code=data.get("code"), addressee=data.get("addressee", "applicant"),
        recital=common.recital if recital is True else (recital.strip() if recital else None),
        outcomes=outcomes, remedy=remedy, history=bool(data.get("history", remedy)), elements=elements, optional=optional,
        body=_paragraphs(path, data.get("body")), path=path)
    _check_uses(letter)
    return letter


def _check_uses(letter: LetterTemplate) -> None:
    """Every placeholder can be filled, every required element is printed, optional values and lists
    only where they are guarded or repeated."""
    path, declared = letter.path, {**letter.elements, **letter.optional}
    scalars = set(FRAME) | set(SETTINGS) | {k for k, e in declared.items() if e.shape in ("text", "flag")}
    if letter.addressee not in scalars:
        raise TemplateError(path, f"addressee “{letter.addressee}” is not an element of this letter")
    used = {letter.addressee} | placeholders(path, letter.title) | placeholders(path, letter.recital or "")
    for paragraph in letter.body:
        names = placeholders(path, paragraph.text)
        allowed = set(scalars)
        if paragraph.each:
            listed = declared.get(paragraph.each)
            if listed is None or listed.shape not in ("list", "records"):
                raise TemplateError(path, f"each: “{paragraph.each}” is not a list element of this letter")
            allowed |= {ENTRY_NUMBER} | (set(listed.fields) if listed.shape == "records" else {ENTRY_TEXT})
            used.add(paragraph.each)
        for guard in (paragraph.when, paragraph.unless):
            if guard is not None and guard not in declared and guard not in DERIVED:
                raise TemplateError(path, f"when/unless: “{guard}” is not an element of this letter")
        unknown = names - allowed
        if unknown:
            raise TemplateError(path, f"unknown placeholders {sorted(unknown)} in “{paragraph.text}”")
        for name in names & set(letter.optional):
            if paragraph.when != name:
                raise TemplateError(path, f"optional “{name}” is printed without “when: {name}”")
        used |= names | {g for g in (paragraph.when, paragraph.unless) if g}
    unused = set(letter.elements) - used
    if unused:
        raise TemplateError(path, f"required elements {sorted(unused)} are never printed")
    if set(placeholders(path, letter.title)) - set(FRAME) - set(SETTINGS):
        raise TemplateError(path, "the title may use only common elements ({agency}, …)")
