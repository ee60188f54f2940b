"""The contract scenario's part for the model registry (tests/service/test_contract.py)."""

from __future__ import annotations

from typing import Any

from api.context import Actor
from api.rulesets import classifier
from engine.classifier.model import Model


def scenario(call: Any, app: Any) -> None:
    served = app.state.context.suggester.model
    twin = Model(served.blocks, served.heads, {**served.metadata, "model_id": "contract-twin"}, served.segmenter)
    with app.state.sessions() as session:
        classifier.register(session, twin, Actor("contract", "admin"), "contract scenario")
        session.commit()
    for role in ("admin", "rule_author"):
        call(role, "get", "/v1/models")
        call(role, "post", "/v1/models/contract-twin/validate")
    call("admin", "post", "/v1/models/contract-twin/activate", 201, json={"note": "契约测试"})
    call("rule_author", "get", "/v1/models")
    call("rule_author", "post", "/v1/models/rollback", 201, json={"note": "契约测试"})
