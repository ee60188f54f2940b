"""Learning from reviewers (issue 19): a model trained on their final decisions, the starter corpus as a prior.

What a reviewer decided for a routed item is a label no one wrote for the project: the agency's own documents,
in its own words, decided under its own practice. The model learns from those decisions on top of the starter
corpus (the prior: what the model knows before the agency has decided anything), so that the first decisions
move it without erasing what it knew, and many decisions outweigh it.

- **Time order.** Decisions are taken in the order they were made. A forward hold-out (the latest `holdout`
  share) is never trained on: the figures in the model's metadata are what it does on decisions made after the
  ones it learnt from, which is the question an office asks ("will it do better on next month's documents?"),
  and the model registry validates a candidate on exactly those (api/classifier/registry.py).
- **Deduplicated.** The same document decided twice (pushed again under another id, or a decision
  changed) teaches once, with the latest decision; a starter record with the same text gives way to the
  reviewer's decision too. Content is the key: title and body with white space removed.
- **Weighted.** A decision weighs `weight` starter records (default 2): a prior, not a vote of equals.

Pure: no database here. `gongkai train --from-database` (engine/commands/model.py, api/classifier/decisions.py)
reads the decisions and hands them over as `Decided`; bench/replay_bench.py does the same with a stream.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from engine.classifier.build import Scores, default_segmenter, training_metadata
from engine.classifier.corpus import Labelled, declared_clusters, groups, prepare, read_labelled
from engine.classifier.features import document_terms
from engine.classifier.model import Model
from engine.classifier.segment import Segmenter
from engine.classifier.train import DEFAULT_PARAMS, Example, Params, fit
from engine.combine import DEFAULT_POLICY, Policy
from engine.facts.document import Document
from engine.suggest import Suggester

DECISION_WEIGHT = 2.0
HOLDOUT = 0.2


@dataclass(frozen=True)
class Decided:
    """One final decision: the document the reviewer decided on, the decision per field ("null" for none),
    and when it was made (ISO 8601; the order of learning)."""

    id: str
    document: Document
    gold: Mapping[str, str]
    at: str


def content_key(document: Document) -> str:
    """The same text whatever its id, white space or the system that pushed it."""
    text = "".join((document.title or "").split()) + "\x00" + "".join((document.body or "").split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def deduplicated(decisions: Iterable[Decided]) -> tuple[list[Decided], int]:
    """The decisions in time order, the latest one per content kept (in the place of that latest one), and how
    many earlier ones it replaced."""
    ordered = sorted(decisions, key=lambda d: d.at)  # stable: equal times keep the source's order
    latest = {content_key(d.document): i for i, d in enumerate(ordered)}
    kept = [d for i, d in enumerate(ordered) if latest[content_key(d.document)] == i]
    return kept, len(ordered) - len(kept)


def forward_split(decisions: Sequence[Decided], holdout: float) -> tuple[list[Decided], list[Decided]]:
    """(learn from, test on): the latest `holdout` share is the test part, never trained on."""
    if not 0.0 <= holdout < 1.0:
        raise ValueError(f"holdout {holdout} must be at least 0 and below 1")
    cut = len(decisions) - int(round(len(decisions) * holdout))
    return list(decisions[:cut]), list(decisions[cut:])


def examples_of(decisions: Sequence[Decided], suggester: Suggester, segmenter: Segmenter,
                weight: float = DECISION_WEIGHT) -> list[Example]:
    """Decisions as training examples: facts, the rules' decision and terms computed once; each its own group."""
    out = []
    for d in decisions:
        facts, decision = suggester.run(d.document, rules_only=True)
        out.append(Example(d.id, d.document, facts, decision, document_terms(segmenter, facts), dict(d.gold),
                           "decision:" + d.id, "decisions", weight))
    return out


def prior_examples(files: Sequence[Path], suggester: Suggester, segmenter: Segmenter
                   ) -> tuple[list[Labelled], list[Example]]:
    """The starter corpus read and prepared (its unusable lines are `gongkai train`'s to report)."""
    records, _problems = read_labelled(files)
    names = groups(records, declared_clusters(files))
    return records, prepare(records, names, lambda doc: suggester.run(doc, rules_only=True),
                            lambda facts: document_terms(segmenter, facts))


def learn(prior: Sequence[Example], decided: Sequence[Example], *, params: Params = DEFAULT_PARAMS, seed: int = 0,
          segmenter: Segmenter | None = None) -> Model:
    """A model fitted on the prior and the decisions; a prior record whose text a reviewer decided gives way."""
    decided_keys = {content_key(e.document) for e in decided}
    kept = [e for e in prior if content_key(e.document) not in decided_keys]
    return fit([*kept, *decided], params, seed, segmenter)


@dataclass
class Learnt:
    model: Model
    decisions: int
    duplicates: int
    learnt_from: int
    held_out: int


def learn_from_decisions(prior_files: Sequence[Path], decisions: Iterable[Decided], *, suggester: Suggester,
                         holdout: float = HOLDOUT, weight: float = DECISION_WEIGHT, params: Params = DEFAULT_PARAMS,
                         seed: int = 0, policy: Policy = DEFAULT_POLICY, source: str = "decisions",
                         progress: Callable[[str], None] | None = None) -> Learnt:
    """`gongkai train --from-database`: deduplicate, split forward, fit on the prior and the earlier decisions,
    measure it (and the prior alone, as the baseline) on the later ones; the metadata says all of it."""
    say = progress or (lambda _: None)
    started = dt.datetime.now(dt.timezone.utc)
    kept, duplicates = deduplicated(decisions)
    if not kept:
        raise ValueError(f"no decision to learn from in {source}: no routed item has both reviews done")
    train_part, test_part = forward_split(kept, holdout)
    say(f"{len(kept)} decisions ({duplicates} earlier decisions on the same text replaced): learning from "
        f"{len(train_part)}, testing on the latest {len(test_part)}")
    segmenter = default_segmenter()
    records, prior = prior_examples(prior_files, suggester, segmenter)
    say(f"prior: {len(prior)} labelled records of {', '.join(p.name for p in prior_files)}")
    learnt = examples_of(train_part, suggester, segmenter, weight)
    model = learn(prior, learnt, params=params, seed=seed, segmenter=segmenter)
    metrics: dict[str, Any] = {}
    if test_part:
        say("measuring on the held-out decisions, and the prior alone beside it")
        tested = examples_of(test_part, suggester, segmenter, weight)
        forward, baseline = Scores(), Scores()
        forward.add(model, tested, suggester.book.precedence, policy)
        baseline.add(fit(prior, params, seed, segmenter), tested, suggester.book.precedence, policy)
        metrics["forward"] = {"decisions": len(tested), **forward.report()}
        metrics["prior_only"] = {"decisions": len(tested), **baseline.report()}
    seconds = (dt.datetime.now(dt.timezone.utc) - started).total_seconds()
    model.metadata = training_metadata(prior_files, records, [], [*prior, *learnt], model, params, policy, seed, suggester,
                               metrics, seconds)
    digest = hashlib.sha256((model.metadata["training_data"]["sha256"] + "".join(
        f"{d.id}:{d.at}:{sorted(d.gold.items())}" for d in train_part)).encode()).hexdigest()
    model.metadata["model_id"] = model.metadata["model_id"].rsplit("-", 1)[0] + "-" + digest[:8]
    model.metadata["training_data"]["decisions"] = {
        "source": source, "learnt_from": len(train_part), "held_out": len(test_part), "duplicates": duplicates,
        "weight": weight, "holdout": holdout, "first": train_part[0].at if train_part else None,
        "trained_until": train_part[-1].at if train_part else None,
        "held_out_from": test_part[0].at if test_part else None,
    }
    return Learnt(model, len(kept), duplicates, len(train_part), len(test_part))

