"""The portal's front door: each signed-in user lands on the first page of their menu."""

from __future__ import annotations

from flask import Blueprint, redirect
from flask_login import login_required
from werkzeug.wrappers import Response

from hub.menu import first_page
from hub.state import current_hub

blueprint = Blueprint("portal", __name__)


@blueprint.get("/")
@login_required
def home() -> Response:
    return redirect(first_page(current_hub().menu_items))
