"""Sessions that end for good.

A signed-in session holds ``"<user id>:<session version>"`` (:meth:`hub.models.User.get_id`),
and is honoured while the user's ``session_version`` is still that one and the account is
active. Signing out, setting a new password and disabling the account move the version on
(:meth:`~hub.models.User.end_sessions`), so every session of the user ends, copies of its
cookie included, on every device.
"""

from __future__ import annotations

from hub.models import User
from hub.state import current_hub


def load_user(session_id: str) -> User | None:
    """The user a session names, while that session has not been ended."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdecimal() and version.isdecimal()):
        return None
    with current_hub().db.read_session() as session:
        user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
