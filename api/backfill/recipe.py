"""The suggester a backfill's workers build: the one the service serves, described so it can be sent.

The rules are sent as their files (engine/batch.SuggesterRecipe), read by the client from the database
when a rule set was activated there (what every service worker serves, api/rulesets/activation.py), or
else from the rules directory of the settings, as a service starting on a new database would. So the
worker nodes need no copy of the rules, and every node builds the very same revision. The model the
registry serves (its latest activation, api/rulesets/classifier.py) goes by its id, each worker
writing it from the database to its own cache; before any activation (a new database), the model is the
settings' directory (GONGKAI_MODEL), which must then exist at the same path on every node.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.settings import Settings
from engine.batch import SuggesterRecipe
from engine.rules.loader import read_files


class RecipeError(ValueError):
    """The service's suggester cannot be described for the workers: the message says what to set."""


def serving_recipe(session: Session, settings: Settings) -> tuple[SuggesterRecipe, str | None]:
    """The rules and model the service serves: the database's latest activations when there are any, else
    the settings' directories (as a service starting on this database would). The model comes back as the
    recipe's directory, or as the id of the registry's model that each worker writes to its own cache."""
    from api.rulesets.activation import served
    from models.classifier_records import ModelActivationRow

    found = served(session)
    files = dict(found[1].files) if found is not None else dict(read_files(settings.rules))
    latest = session.scalars(select(ModelActivationRow.model_id).order_by(ModelActivationRow.id.desc()).limit(1)).first()
    if latest is not None:
        return SuggesterRecipe.of(files, None), latest
    model = settings.model.resolve() if settings.model is not None else None
    if model is not None and not (model / "model.npz").is_file():
        raise RecipeError(f"GONGKAI_MODEL={settings.model}: no model there (GONGKAI_MODEL= for the rules alone)")
    return SuggesterRecipe.of(files, model), None
