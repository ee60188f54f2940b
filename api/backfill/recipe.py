"""Stand-in for engine/batch.SuggesterRecipe (H3) until it lands: the rules and model directories a
worker builds its Suggester from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.suggest import Suggester


@dataclass(frozen=True)
class SuggesterRecipe:
    rules: str
    model: str | None = None

    def build(self) -> Suggester:
        from engine.classifier.model import load_model
        from engine.rules.loader import load_rulebook

        model = load_model(Path(self.model)) if self.model else None
        return Suggester(load_rulebook(Path(self.rules)), "durable", model)
