"""The simulator kit plugins build their simulated apps with: faults, API key, tick counts."""

import pytest
from flask import Flask

from hub.api import FaultInjector, checked_counts, json_response, require_api_key


def simulated_app(faults: FaultInjector) -> Flask:
    app = Flask(__name__)
    require_api_key(app, "secret", open_endpoints=("photo",))
    faults.serve_controls(app)

    @app.get("/items")
    def items():
        refused = faults.admit()
        return refused if refused is not None else json_response({"data": []})

    @app.get("/photo")
    def photo():
        return "photo"

    return app


def test_failures_answer_in_order_one_request_each_and_are_counted():
    faults = FaultInjector()
    client = simulated_app(faults).test_client()
    client.environ_base["HTTP_X_API_KEY"] = "secret"
    client.post(
        "/_sim/faults",
        json={"fail_next": 1, "rate_limit_next": 1, "retry_after": 9, "malformed_next": 1},
    )
    client.post("/_sim/faults", json={"garbage_next": 1})

    answers = [client.get("/items") for _ in range(5)]

    assert [a.status_code for a in answers] == [500, 429, 200, 200, 200]
    assert answers[1].headers["Retry-After"] == "9"
    assert answers[2].get_data(as_text=True) == '{"data": [{"id": '
    assert answers[3].get_json() == {"unexpected": "this is not the listing that was asked for"}
    assert answers[4].get_json() == {"data": []}
    assert faults.requests == 5


def test_faults_are_checked_before_anything_is_applied():
    faults = FaultInjector(extra={"duplicates": False, "html_next": 0})
    client = simulated_app(faults).test_client()
    client.environ_base["HTTP_X_API_KEY"] = "secret"

    for body, message in [
        ({"fail_next": 2, "boom": 1}, "unknown fault 'boom'"),
        ({"fail_next": -1}, "fail_next must be a whole number, 0 or more"),
        ({"fail_next": True}, "fail_next must be a whole number, 0 or more"),
        ({"duplicates": 1}, "duplicates must be true or false"),
        ({"reset": 1}, "reset must be true or false"),
        ([1], "expected a JSON object"),
    ]:
        refused = client.post("/_sim/faults", json=body)
        assert (refused.status_code, message in refused.get_json()["error"]) == (400, True)
    assert faults.settings["fail_next"] == 0

    applied = client.post("/_sim/faults", json={"duplicates": True, "html_next": 2}).get_json()
    assert (applied["duplicates"], applied["html_next"], applied["latency_ms"]) == (True, 2, 0)
    reset = client.post("/_sim/faults", json={"reset": True, "fail_next": 1}).get_json()
    assert (reset["duplicates"], reset["html_next"], reset["fail_next"]) == (False, 0, 1)


def test_a_counter_is_taken_once_per_count_and_numbered():
    faults = FaultInjector()
    faults.configure({"invalid_next": 2})

    assert [faults.take("invalid_next") for _ in range(3)] == [1, 2, 0]
    assert not faults.is_on("invalid_next")


def test_the_api_key_is_required_except_on_open_endpoints():
    client = simulated_app(FaultInjector()).test_client()

    refused = client.get("/items", headers={"X-API-Key": "wrong"})
    assert (refused.status_code, refused.get_json()) == (401, {"error": "invalid api key"})
    assert client.post("/_sim/faults", json={}).status_code == 401
    assert client.get("/photo").status_code == 200


def test_tick_counts_are_whole_numbers_of_known_fields():
    assert checked_counts({"new": 2}, ("new", "updates")) == {"new": 2, "updates": 0}
    for body, message in [
        ({"new": -1}, "new must be a whole number"),
        ({"new": 1.5}, "new must be a whole number"),
        ({"olds": 1}, "unknown field 'olds'"),
        (None, "expected a JSON object"),
    ]:
        with pytest.raises(ValueError, match=message):
            checked_counts(body, ("new", "updates"))
