"""The 信息处理费 as the service charges it (《政府信息公开信息处理费管理办法》; applications.md §1.6, T16):
the amount computed, never typed; 按件 counted from the register per applicant and natural month."""

from __future__ import annotations

from typing import Any

from tests.service.conftest import Api
from tests.service.test_applications import APPLICANT, event, registered


def _started(api: Api, received: str, **extra: Any) -> int:
    case = registered(api, received, **extra)
    event(api, case["id"], "start", received)
    return int(case["id"])


def test_by_pages_the_amount_is_computed_and_a_wrong_one_refused(api: Api) -> None:
    app_id = _started(api, "2025-05-06")
    wrong = event(api, app_id, "send_fee_notice", "2025-05-08", status=422,
                  fee={"method": "by_pages", "basis": 120, "amount": 1000})
    assert "1100" in wrong["detail"] and wrong["errors"][0]["field"] == "fee.amount"
    assert event(api, app_id, "send_fee_notice", "2025-05-08", status=422, fee={"method": "by_pages"})["errors"]
    free = event(api, app_id, "send_fee_notice", "2025-05-08", status=409, fee={"method": "by_pages", "basis": 30})
    assert free["rule"] == "fee_due"
    sent = event(api, app_id, "send_fee_notice", "2025-05-08", fee={"method": "by_pages", "basis": 250})
    assert sent["status"] == "fee_notice_sent"
    assert sent["timeline"][-1]["details"] == {"method": "by_pages", "basis": "250", "amount": "4700"}


def test_per_application_counts_the_register_by_applicant_and_natural_month(api: Api) -> None:
    other = {**APPLICANT, "name": "李某", "id_number": "110101198001011230"}
    for day in range(1, 11):  # ten applications of 张某某 in May 2025 (the free ones), one of 李某 among them
        registered(api, f"2025-05-{day + 10:02d}")
    registered(api, "2025-05-12", applicant=other)
    eleventh = _started(api, "2025-05-26")
    june = _started(api, "2025-06-03")
    lee = _started(api, "2025-05-27", applicant=other)
    told = event(api, eleventh, "send_fee_notice", "2025-05-27", status=422,
                 fee={"method": "per_application", "basis": 3})
    assert "no. 11" in told["detail"]
    charged = event(api, eleventh, "send_fee_notice", "2025-05-27", fee={"method": "per_application"})
    assert charged["status"] == "fee_notice_sent"
    assert charged["timeline"][-1]["details"] == {"method": "per_application", "basis": "11", "amount": "100"}
    waived = _started(api, "2025-05-28")  # the 12th: 100 元 would be due; waived, no notice goes out
    assert event(api, waived, "send_fee_notice", "2025-05-29", status=409,
                 fee={"method": "per_application", "waiver_reason": "申请人生活困难"})["rule"] == "fee_due"
    for app_id in (june, lee):  # a new month starts again at 1; another applicant has his own count
        refused = event(api, app_id, "send_fee_notice", "2025-06-04", status=409, fee={"method": "per_application"})
        assert refused["rule"] == "fee_due"
