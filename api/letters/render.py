"""A letter's content from its template and values: the one model both writers lay out (docx_writer for
DOCX, html_writer for printing), so the two never say different things.

`render` refuses (MissingElements) when anything the letter would print is empty — an element of the
frame, one of the type's own, an entry field of a list, or a setting such as the 复议机关 — listing every
missing one by its Chinese name and key. Nothing is printed as a blank to fill in by hand: a letter that
goes out without its ground, article or remedy is unlawful (applications.md §2; 条例 Art. 36, 37).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from api.letters.elements import (DERIVED, ENTRY_NUMBER, ENTRY_TEXT, FRAME, HISTORY, NUMBER_FIELDS, NUMBER_PATTERN,
                                  SETTING_FIELDS, SETTINGS, Missing, MissingElements, blank, derived,
                                  entry_number, text_of)
from api.letters.templates import LetterTemplate, Paragraph, Templates, load, placeholders
from api.settings import Settings


@dataclass(frozen=True)
class Letter:
    """A rendered letter: every text as printed, in order."""
    kind: str
    name: str        # the letter type's Chinese name
    title: str
    number: str | None   # 文号; None for the receipt (its 登记号 is in the body)
    addressee: str       # printed as “addressee：”
    paragraphs: tuple[str, ...]  # recital, body and remedy clause, each with a first-line indent
    agency: str          # signed under the seal
    date: str            # 2025年10月30日
    contact: str


@functools.cache
def templates_at(directory: Path) -> Templates:
    """The templates of a directory, loaded and checked once per process."""
    return load(directory)


def render(kind: str, values: Mapping[str, Any], settings: Settings, templates: Templates | None = None) -> Letter:
    """The letter of type `kind` (a file name under data/letters) from `values` (the frame's and the
    type's elements: texts, dates, flags, lists), with the agency's settings.

    Raises:
        KeyError: no such letter type.
        MissingElements: something the letter would print is empty or not configured.
        ValueError: the outcome is not one this letter answers with; the 文号 pattern is malformed.
    """
    templates = templates or templates_at(settings.letters)
    letter, filled, history, printed, remedy, number = _prepare(kind, values, settings, templates)
    filled.refuse_if_missing()
    body = [filled.format(letter.recital)] if letter.recital else []
    for paragraph in history:
        body.append(filled.format(paragraph.text))
    for paragraph in printed:
        body += filled.entries(paragraph) if paragraph.each else [filled.format(paragraph.text)]
    if remedy:
        body.append(filled.format(remedy))
    return Letter(kind, letter.name, filled.format(letter.title), number, filled.format(f"{{{letter.addressee}}}"),
                  tuple(body), filled.format("{agency}"), filled.format("{date}"),
                  filled.format(templates.common.contact))


def required(kind: str, values: Mapping[str, Any], settings: Settings, templates: Templates | None = None) -> list[str]:
    """The keys a letter of type `kind` with these `values` needs (a flag's choice of wording decides
    which), in the order a refusal lists them; setting keys included."""
    templates = templates or templates_at(settings.letters)
    return _prepare(kind, values, settings, templates)[1].needed


def answer_kind(outcome: str, templates: Templates) -> str:
    """The letter type that answers an application with `outcome` (an id of applications.md §1.7); KeyError
    when none does. Each outcome has one answer letter (tests/service/test_letters.py keeps it so)."""
    for kind, letter in templates.letters.items():
        if outcome in letter.outcomes and letter.addressee == "applicant":
            return kind
    raise KeyError(f"no letter type answers with outcome “{outcome}”")


_Prepared = tuple[LetterTemplate, "_Filled", list[Paragraph], list[Paragraph], str | None, str | None]


def _prepare(kind: str, values: Mapping[str, Any], settings: Settings, templates: Templates) -> _Prepared:
    """The template, the values as printed and what is missing, the history and body paragraphs that
    print, the remedy clause and the 文号."""
    letter = templates.letters.get(kind)
    if letter is None:
        raise KeyError(f"no letter type “{kind}”; there are {sorted(templates.letters)}")
    filled = _Filled(letter, values, settings, templates.common.labels)
    printed = [p for p in letter.body if filled.shown(p)]
    history = [p for p in templates.common.history if filled.shown(p)] if letter.history else []
    remedy = _remedy(letter, values, templates.common.remedies, filled) if letter.remedy else None
    texts = [letter.title, letter.recital or "", *(p.text for p in history + printed if not p.each), remedy or "",
             templates.common.contact]
    filled.need({letter.addressee, "date"} | ({"serial"} if letter.code else set()))
    for text in texts:
        filled.need(placeholders(letter.path, text))
    for paragraph in printed:
        if paragraph.each:
            filled.need_list(paragraph.each)
    return letter, filled, history, printed, remedy, _number(letter, values, settings, filled)


def _remedy(letter: LetterTemplate, values: Mapping[str, Any], remedies: Mapping[str, str],
            filled: _Filled) -> str | None:
    """The remedy clause for the letter's outcome: its own, else its family's (withheld), else the
    default. A letter answering with one of several outcomes is told which."""
    outcome = values.get("outcome") if len(letter.outcomes) > 1 else letter.outcomes[0]
    if blank(outcome):
        filled.needed.append("outcome")
        filled.missing.append(Missing("outcome", f"答复结果（{'、'.join(letter.outcomes)}）"))
        return None
    if outcome not in letter.outcomes:
        raise ValueError(f"{letter.name}（{letter.kind}）does not answer with outcome “{outcome}”; "
                         f"it answers {list(letter.outcomes)}")
    family = str(outcome).split(".")[0]
    return remedies.get(str(outcome)) or remedies.get(family) or remedies["default"]


def _number(letter: LetterTemplate, values: Mapping[str, Any], settings: Settings, filled: _Filled) -> str | None:
    """The 文号 from the agency's pattern ({code}, {year} of the letter's date, {serial})."""
    if not letter.code:
        return None
    pattern = settings.letter_number_pattern.strip()
    if not pattern:
        filled.missing.append(Missing("letter_number_pattern", NUMBER_PATTERN[0], NUMBER_PATTERN[1]))
        return None
    unknown = placeholders(Path(NUMBER_PATTERN[1]), pattern) - NUMBER_FIELDS
    if unknown:
        raise ValueError(f"{NUMBER_PATTERN[1]}={pattern!r} has unknown placeholders {sorted(unknown)}; "
                         f"it may use {sorted(NUMBER_FIELDS)}")
    date = values.get("date")
    if blank(date) or blank(values.get("serial")):
        return None  # named by need()
    year = _as_date(date).year
    return pattern.format(code=letter.code, year=year, serial=text_of(values["serial"]))


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{FRAME['date']}（date）must be a date (or YYYY-MM-DD), not {value!r}") from None


class _Filled:
    """The values of one letter as printed texts, and what it lacks."""

    def __init__(self, letter: LetterTemplate, values: Mapping[str, Any], settings: Settings,
                 labels: Mapping[str, Mapping[str, str]]) -> None:
        self.letter, self.values, self.labels = letter, values, labels
        self.settings = {key: str(getattr(settings, SETTING_FIELDS[key]) or "").strip() for key in SETTINGS}
        self.flags = derived(values)
        self.missing: list[Missing] = []
        self.needed: list[str] = []
        self.declared = {**letter.elements, **letter.optional}

    def shown(self, paragraph: Paragraph) -> bool:
        """Whether a paragraph prints: `when` its value is given (a flag: true), `unless` it is.
        A required flag that is not given at all is missing, and neither of its wordings prints (the
        letter cannot choose, so only the flag is reported)."""
        for guard, wanted in ((paragraph.when, True), (paragraph.unless, False)):
            if guard is not None and self._truth(guard) is not wanted:
                return False
        return True

    def _truth(self, key: str) -> bool | None:
        if key in DERIVED:
            return self.flags[key]
        value = self.values.get(key)
        if key in self.letter.elements and self.letter.elements[key].shape == "flag":
            if key not in self.needed:
                self.needed.append(key)
            if blank(value):
                self._add(key)
                return None
        return not blank(value) and value is not False

    def need(self, keys: set[str]) -> None:
        """Each key must have a value (an optional one is only printed under `when:` it, so it has one)."""
        for key in sorted(keys - set(self.letter.optional), key=self._order):
            if key not in self.needed:
                self.needed.append(key)
            if key in SETTINGS:
                if not self.settings[key]:
                    self._add(key)
            elif blank(self.values.get(key)):
                self._add(key)
            elif isinstance(self.values[key], (list, tuple, Mapping)):
                raise TypeError(f"{self._name(key)}（{key}）is printed as one text: give a text, not a list")

    def need_list(self, key: str) -> None:
        entries = self.values.get(key)
        element = self.declared[key]
        self.needed.append(key)
        if blank(entries):
            self._add(key)
            return
        if not isinstance(entries, (list, tuple)):
            raise TypeError(f"{element.name}（{key}）is a list: give a list of entries")
        for index, entry in enumerate(entries):
            where = f"{element.name}第{index + 1}项"
            if element.shape == "list" and blank(entry):
                self.missing.append(Missing(f"{key}[{index}]", where))
            for field, name in element.fields.items():
                if not isinstance(entry, Mapping) or blank(entry.get(field)):
                    self.missing.append(Missing(f"{key}[{index}].{field}", f"{where}的{name}"))

    def _order(self, key: str) -> tuple[int, str]:
        order = [*FRAME, *HISTORY, *self.letter.elements, *self.letter.optional, *SETTINGS]
        return (order.index(key) if key in order else len(order), key)

    def _add(self, key: str) -> None:
        if any(m.key == key for m in self.missing):
            return
        if key in SETTINGS:
            name, variable = SETTINGS[key]
            self.missing.append(Missing(key, name, variable))
        else:
            self.missing.append(Missing(key, self._name(key)))

    def _name(self, key: str) -> str:
        return FRAME.get(key) or HISTORY.get(key) or (self.declared[key].name if key in self.declared else key)

    def refuse_if_missing(self) -> None:
        if self.missing:
            raise MissingElements(self.letter.kind, self.letter.name, self.missing)

    def _scalars(self) -> dict[str, str]:
        texts = {key: text_of(value, self.labels.get(key)) for key, value in self.values.items()
                 if not blank(value) and not isinstance(value, (list, tuple, Mapping))}
        return {**texts, **self.settings}

    def format(self, text: str, **extra: str) -> str:
        # format_map puts the values in as they are: braces in an applicant's text are not re-read.
        return text.format_map({**self._scalars(), **extra})

    def entries(self, paragraph: Paragraph) -> list[str]:
        """A paragraph once per entry of its list, numbered （一）（二）…"""
        assert paragraph.each is not None
        out = []
        for index, entry in enumerate(self.values[paragraph.each]):
            fields = ({k: text_of(v) for k, v in entry.items()} if isinstance(entry, Mapping)
                      else {ENTRY_TEXT: text_of(entry)})
            out.append(self.format(paragraph.text, **fields, **{ENTRY_NUMBER: entry_number(index)}))
        return out
