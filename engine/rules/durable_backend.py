"""The durable-rules backend: the ONLY module that imports durable_rules_engine.

durable-rules 2.0.28 (frozen since 2020) has sharp edges, all pinned by
tests/engine/test_durable_characterization.py (see notes/durable-rules.md):
- facts, not events: `post` consumes an event at the first matching rule, and we need every hit;
- one fixed session id, each fact retracted after its evaluation: a session per document costs
  a C state each (a hard cap of 1024, then a segfault), and facts left behind grow memory;
- no Host: its timer threads run actions off-thread and crashed 1 run in 25; the raw C API returns
  the name of each fired rule, so no Python action runs at all;
- one lock per compiled version: concurrent asserts on the shared session mix up hits, and the C
  extension never releases the GIL, so the lock costs no parallelism;
- rules split into chunks of CHUNK: a ruleset of ~500 rules hangs at creation or fails with 303;
- create_ruleset sometimes fails with error 102 on valid JSON: retried.
"""

from __future__ import annotations

import itertools
import json
import threading
from operator import itemgetter
from typing import Any, Mapping, Sequence

import durable_rules_engine as dre

from engine.facts.derive import Facts
from engine.rules.compiler import GUARD, Chunk, boolean_keys, compile_chunks, fact_values
from engine.rules.conditions import leaves
from engine.rules.predicates import TextPredicates
from engine.rules.reference_backend import Known
from engine.rules.rulebook import Rule

_SESSION = "evaluation"
_names = itertools.count()
_serial = itertools.count()


class DurableError(RuntimeError):
    """durable-rules refused a ruleset or failed on a fact."""


def _create(definition: str, attempts: int = 5) -> int:
    for attempt in range(attempts):
        try:
            return int(dre.create_ruleset(f"gongkai_{next(_names)}", definition))
        except dre.error as exc:  # error 102 on valid input, heap dependent: retry
            if attempt == attempts - 1:
                raise DurableError(f"durable-rules refused a ruleset: {exc}") from exc
    raise AssertionError("unreachable")


def _rule_name(message: str) -> str:
    """The rule name of an action message {"r12":{"m":{...the whole fact...}}}, without parsing the fact
    back (our names are r<digits>, so the first quoted string is the name)."""
    if message.startswith('{"'):
        return message[2:message.index('"', 2)]
    return next(iter(json.loads(message)))


_JSON_BOOL = {True: "true", False: "false"}


class _PayloadTemplate:
    """A chunk's fact as JSON, from a template made once: {"__kind": "doc", "sid": …, "id": …, key: value …}.

    json.dumps of a fresh dict per chunk cost a third of the backend's time; the keys never change,
    only the values, so they are formatted into place (a test checks the result equals json.dumps).
    Flags (compiler.boolean_keys) are spelled by a table lookup; the few plain fields go through
    json.dumps.
    """

    def __init__(self, keys: Sequence[str], booleans: frozenset[str]) -> None:
        flags = [k for k in keys if k in booleans]
        plain = [k for k in keys if k not in booleans]
        names = [json.dumps(key, ensure_ascii=False) for key in flags + plain]
        if any("%" in name for name in names):
            raise ValueError("a fact key may not contain %")
        head = f'{{{json.dumps(GUARD)}: "doc", "sid": "{_SESSION}", "id": "%s"'
        self.template = head + "".join(f", {name}: %s" for name in names) + "}"
        self.plain_keys = tuple(plain)
        self._flags = _getter(flags)
        self._plain = _getter(plain)

    def render(self, fact_id: str, values: dict[str, Any], encoded: Mapping[str, str] | None = None) -> str:
        """The fact of `values`; `encoded` may hold the plain fields' JSON already (a field such as doc_type is
        in several chunks: the backend encodes each once per document)."""
        flags = map(_JSON_BOOL.__getitem__, self._flags(values))
        plain = self._plain(encoded) if encoded is not None else (
            json.dumps(v, ensure_ascii=False) for v in self._plain(values))
        return self.template % (fact_id, *flags, *plain)


def _getter(keys: Sequence[str]):  # type: ignore[no-untyped-def]
    """A callable giving the values of `keys` as a tuple (itemgetter, with its one- and no-key cases)."""
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        return lambda values: (values[keys[0]],)
    return lambda values: ()


class DurableBackend:
    """Evaluates a rulebook's active rules with durable-rules; thread-safe."""

    def __init__(self, rules: Sequence[Rule], chunk_size: int | None = None) -> None:
        self.predicates = TextPredicates(leaf for rule in rules for leaf in leaves(rule.when) if leaf.is_text)
        kwargs = {"size": chunk_size} if chunk_size else {}
        self.chunks: list[Chunk] = compile_chunks(list(rules), self.predicates, **kwargs)
        self._handles = [_create(chunk.definition) for chunk in self.chunks]
        self._order = {rule.id: i for i, rule in enumerate(rules)}
        self._lock = threading.Lock()
        booleans = boolean_keys(self.predicates)
        self._payloads = [_PayloadTemplate(chunk.keys, booleans) for chunk in self.chunks]
        self._plain_keys = tuple(dict.fromkeys(key for template in self._payloads for key in template.plain_keys))

    def evaluate(self, facts: Facts) -> list[str]:
        """Ids of the rules whose condition holds, in rulebook order."""
        return self.evaluate_known(facts)[0]

    def evaluate_known(self, facts: Facts) -> tuple[list[str], Known]:
        """Ids of the rules whose condition holds, in rulebook order, and what the text predicates found (which
        text leaves hold, which keywords occur): the evidence of the hits need not search the text again."""
        flags, words = self.predicates.evaluate_words(facts)
        return self._fire(facts, flags), Known(self.predicates.flags, flags, words)

    def _fire(self, facts: Facts, flags: dict[str, bool]) -> list[str]:
        values = fact_values(facts, flags)  # Python work outside the lock
        encoded = {key: json.dumps(values[key], ensure_ascii=False) for key in self._plain_keys}
        fired: list[str] = []
        with self._lock:
            for chunk, handle, template in zip(self.chunks, self._handles, self._payloads, strict=True):
                fired += self._assert(chunk, handle, template, values, encoded)
        # durable fires a rule once per $or branch that matches: a rule is one hit however many held.
        return sorted(set(fired), key=self._order.__getitem__)

    @staticmethod
    def _assert(chunk: Chunk, handle: int, template: "_PayloadTemplate", values: dict[str, Any],
                encoded: Mapping[str, str] | None = None) -> list[str]:
        fact_id = f"f{next(_serial)}"
        payload = template.render(fact_id, values, encoded)
        fired: list[str] = []
        try:
            code, state = dre.assert_fact(handle, payload)
            if code == 0:  # 0: some rule matched; 1: nothing matched
                result = dre.start_action_for_state(handle, state)
                message = result[1] if result else None
                while message:
                    fired.append(chunk.names[_rule_name(message)])
                    message = dre.complete_and_start_action(handle, state)
        except dre.error as exc:
            raise DurableError(f"durable-rules failed on a document: {exc}") from exc
        finally:
            try:  # keep the one shared session empty, whatever happened
                dre.retract_fact(handle, f'{{"sid": "{_SESSION}", "id": "{fact_id}"}}')  # both plain ASCII
            except dre.error:
                pass
        return fired
