"""How a form that may wait on a phone answers: a page for the browser, JSON for the queue.

A form that carries a ``client_id`` may be kept on the phone while there is no signal and sent
later by the service worker (``hub/static/sw.js``). The worker sends it with
``Accept: application/json`` and reads the reply: ``{"saved": true, "url": ...}`` once the form
is stored (also when it was stored before, by an earlier send of the same ``client_id``), or
``{"error": {"code", "message", "field"}}`` with a 4xx status when it is refused for good.
"""

from __future__ import annotations

from flask import Response, jsonify, redirect, request

from hub.problems import Problem


def wants_json() -> bool:
    """Whether the request asks for a JSON reply (the phone's queue sending a kept form)."""
    return request.accept_mimetypes.best == "application/json"


def saved_reply(url: str) -> Response:
    """The form is stored: JSON for the queue, else on to ``url``."""
    if wants_json():
        return jsonify(saved=True, url=url)
    return redirect(url)


def refused_reply(problem: Problem) -> tuple[Response, int]:
    """The form is refused for good: its problem as JSON, with the problem's status."""
    return jsonify(problem.as_json()), problem.status
