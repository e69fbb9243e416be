"""Answers written back to Qlue as responses: applied once per key, refusals said clearly."""

from __future__ import annotations

from io import BytesIO

import httpx
import pytest
from PIL import Image
from simpul_qlue.connector import write_back
from simpul_qlue.simulator import DEMO_API_KEY

from hub.api import RunningServer, SourceError, TransientError, WriteBack, WriteBackPhoto


def jpeg() -> bytes:
    output = BytesIO()
    Image.new("RGB", (8, 8), "green").save(output, "JPEG")
    return output.getvalue()


@pytest.fixture
def settings(server: RunningServer) -> dict:
    return {"url": server.url, "api_key": DEMO_API_KEY, "page_size": 50, "timeout": 5.0}


def open_report(control: httpx.Client) -> str:
    return control.post("/_sim/tick", json={"new": 1}).json()["created"][0]


def answer(report_id: str, key: str = "key-1", status: str = "resolved") -> WriteBack:
    photo = WriteBackPhoto("foto-1.jpg", jpeg())
    return WriteBack(report_id, status, "Sampah sudah diangkut.", "Lurah Setu", key, (photo,))


def test_an_answer_becomes_a_response_and_the_status_the_citizen_sees(settings, control):
    report_id = open_report(control)

    write_back(settings, answer(report_id))

    report = control.get(f"/_sim/reports/{report_id}").json()
    assert report["status"] == "complete"
    assert [(r["note"], r["author"], r["photos"]) for r in report["responses"]] == [
        ("Sampah sudah diangkut.", "Lurah Setu", 1)
    ]


def test_the_same_idempotency_key_is_applied_once(settings, control):
    report_id = open_report(control)

    write_back(settings, answer(report_id, status="in_progress"))
    write_back(settings, answer(report_id, status="in_progress"))
    write_back(settings, answer(report_id, key="key-2", status="resolved"))

    report = control.get(f"/_sim/reports/{report_id}").json()
    assert len(report["responses"]) == 2
    assert report["status"] == "complete"


def test_an_answer_to_a_report_qlue_does_not_have_is_refused(settings):
    with pytest.raises(SourceError, match="no report 'QLUE-NOPE'"):
        write_back(settings, answer("QLUE-NOPE"))


def test_a_source_that_is_down_is_a_passing_failure(settings, control):
    report_id = open_report(control)
    control.post("/_sim/faults", json={"fail_next": 1})

    with pytest.raises(TransientError):
        write_back(settings, answer(report_id))
    assert control.get(f"/_sim/reports/{report_id}").json()["status"] == "wait"
