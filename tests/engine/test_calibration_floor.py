"""ece_floor's draws made at once (numpy) give exactly what the loop over Python's random numbers gives."""

from __future__ import annotations

import random

import pytest

from engine.authoring.calibration import BINS, FLOOR_DRAWS, ece_floor, expected_calibration_error


def _loop(confidences: list[float], bins: int = BINS, draws: int = FLOOR_DRAWS, seed: int = 0) -> float:
    rng = random.Random(seed)
    total = 0.0
    for _ in range(draws):
        total += expected_calibration_error([(c, rng.random() < c) for c in confidences], bins)
    return round(total / draws, 4)


@pytest.mark.parametrize("n", [1, 2, 3, 17, 84, 500, 2000])
def test_the_floor_equals_the_loop_it_replaces(n: int) -> None:
    rnd = random.Random(n)
    confidences = [rnd.choice([rnd.random(), 0.0, 0.6, 0.83, 0.92, 1.0, 0.55]) for _ in range(n)]
    assert ece_floor(confidences) == _loop(confidences)
    assert ece_floor(confidences, seed=7, draws=31) == _loop(confidences, seed=7, draws=31)
