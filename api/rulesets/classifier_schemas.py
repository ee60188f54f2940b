"""The answers of the model registry (api/rulesets/classifier.py builds them): versions, activations, a
candidate's validation against past decisions."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.responses import Out
from api.schemas import without_nul

ModelId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._-]+$")]


class Gate(Out):
    gate: str
    passed: bool
    metric: str | None = None
    active: float | None = Field(default=None, description="the figure of the model in service")
    candidate: float | None = Field(default=None, description="the candidate's figure")
    why: str | None = None
    found: dict[str, int] | None = Field(default=None, description="counts of gold positives found, per side")


class ModelActivation(Out):
    id: int
    model_id: str
    previous: str | None
    action: str = Field(description="start (a model directory the service started with), activate, rollback")
    actor: str
    role: str
    at: str
    note: str | None
    current: bool = Field(description="this process serves it")
    validation: dict[str, Any] | None = Field(description="the validation it passed (activate), none otherwise")


class ModelVersion(Out):
    model_id: str
    sha256: str = Field(description="of model.npz: what was validated is what is served")
    source: str
    trained_until: str | None = Field(description="the last decision it learnt from (none: labelled files only)")
    registered_by: str
    registered_at: str
    trained_at: str | None
    records: int | None = Field(description="labelled records of the starter corpus it learnt from")
    decisions: dict[str, Any] | None = Field(description="the decisions it learnt from and held out")
    ruleset: dict[str, Any] | None
    figures: dict[str, dict[str, dict[str, float]]] = Field(
        description="accuracy and macro-F1 per field: forward (on decisions after those it learnt from), "
                    "prior_only (the starter corpus alone on the same decisions), cross_validation")


class ModelsOut(Out):
    serving: dict[str, Any]
    versions: list[ModelVersion]
    activations: list[ModelActivation]


class ModelValidationOut(Out):
    """The candidate beside the model in service, the same rules, on past decisions (nothing changes)."""

    model_id: str
    active_model: str | None
    source: str
    decisions: int
    unseen_only: bool = Field(description="only decisions made after the candidate's training data ended")
    in_sample: bool
    trained_until: str | None
    warning: str | None
    fields: dict[str, Any]
    secrecy_flag: dict[str, Any]
    violations: dict[str, Any]
    flip_counts: dict[str, int]
    flips: list[dict[str, Any]]
    flips_total: int
    gates: list[Gate]
    passed: bool
    left_out: dict[str, int]


class ModelActivationOut(ModelActivation):
    validation: dict[str, Any] | None = None


class ModelActivateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, AfterValidator(without_nul), Field(max_length=2000)] | None = None


class ModelRollbackIn(BaseModel):
    """Serve again a model served before: `to`, by default the one served before the current one."""

    model_config = ConfigDict(extra="forbid")

    to: ModelId | None = None
    note: Annotated[str, AfterValidator(without_nul), Field(max_length=2000)] | None = None
