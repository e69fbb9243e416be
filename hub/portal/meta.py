"""Machine-readable pages under ``/-/``: the plugin list and a health check. No sign-in."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hub.app import state

blueprint = Blueprint("meta", __name__, url_prefix="/-")


@blueprint.get("/plugins.json")
def plugins() -> Response:
    """Every plugin the hub was offered, with its state and last error."""
    return jsonify([info.as_dict() for info in state().hub.plugins.plugins.values()])


@blueprint.get("/health")
def health() -> tuple[Response, int]:
    """``{"status": "ok"}`` while the database answers; 503 otherwise."""
    try:
        with state().db.read_session() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
