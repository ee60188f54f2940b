"""Two reviewers on one item at the same moment: one succeeds, the other gets 409 and loses nothing."""

from __future__ import annotations

import threading
from typing import Any

from tests.service.conftest import Api, sample_documents


def _at_once(calls: list[Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_secrecy_reviews_at_once(api: Api) -> None:
    for round_ in range(5):  # several rounds, so the two really overlap at least sometimes
        item = api.push({**sample_documents()[0], "id": f"race-{round_}"}).json()
        url = f"/v1/items/{item['id']}/secrecy_review"
        bodies = [{"secrecy": "none"}, {"secrecy": "internal", "reason": "内部工作安排"}]
        reviewer = api.as_("secrecy_reviewer")
        results = _at_once([lambda b=b, u=url, who=reviewer: who.post(u, json=b) for b in bodies])
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200, 409], [r.text for r in results]
        winner = next(r for r in results if r.status_code == 200).json()
        loser = next(r for r in results if r.status_code == 409).json()
        assert loser["submitted"] in bodies and loser["submitted"]["secrecy"] != winner["decision"]["secrecy"]
        assert len(winner["reviews"]) == 1


def test_two_disclosure_reviews_at_once_route_once(api: Api) -> None:
    item = api.push(sample_documents()[0]).json()
    api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review", json={"secrecy": "none"})
    url = f"/v1/items/{item['id']}/disclosure_review"
    reviewer = api.as_("disclosure_reviewer")
    bodies = [{}, {"category": "on_request", "reason": "依申请"}]
    results = _at_once([lambda b=b, u=url, who=reviewer: who.post(u, json=b) for b in bodies])
    assert sorted(r.status_code for r in results) == [200, 409]
    final = api.as_("office").get(f"/v1/items/{item['id']}").json()
    assert len([r for r in final["reviews"] if r["stage"] == "disclosure_review"]) == 1
    feed = api.as_("office").get("/v1/feed/proactive").json()["entries"]
    assert len(feed) == (1 if final["store"] == "proactive" else 0)


def test_a_stale_expected_version_is_409_with_the_current_state(api: Api) -> None:
    item = api.push(sample_documents()[0]).json()
    stale = item["lock_version"]
    api.push({**sample_documents()[0], "body": "新版本"})
    r = api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review",
                                         json={"secrecy": "none", "expected_version": stale})
    assert r.status_code == 409
    assert r.json()["current"]["lock_version"] == stale + 1 and r.json()["submitted"]["secrecy"] == "none"
