"""How a ``scim`` source signs its requests: a static bearer token, or an OAuth 2 access token
from the client-credentials grant (RFC 6749 §4.4).

With ``token_url``, Authlib fetches the token, and a new one before a request once it has
expired (``expires_in``, less a minute); the worker keeps it for its next runs. A provider that
answers 401 to a token it gave (revoked, or the provider restarted) gets one more request with
a fresh token.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping
from typing import Any, Protocol

import authlib.deprecate  # noqa: F401 - sets Authlib's warning filter before ours
import httpx

from hub.api import AuthError, ConfigError, MalformedJSON, http_client, read_json

with warnings.catch_warnings():
    # Authlib announces, at each start, that it will move from httpx to httpx2; the hub's
    # clients and their errors are httpx ones, which its httpx integration still gives.
    warnings.filterwarnings("ignore", "The httpx module is deprecated", DeprecationWarning)
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import OAuth2Client

OAUTH_SETTINGS = ("token_url", "client_id", "client_secret")


class ScimClient(Protocol):
    """What the connector needs of an HTTP client."""

    def get(self, url: str, *, params: Mapping[str, Any]) -> httpx.Response: ...

    def close(self) -> None: ...


def scim_client(settings: Mapping[str, Any], headers: dict[str, str]) -> ScimClient:
    """The client the settings ask for; ConfigError when they give both ways, or neither."""
    oauth = "token_url, client_id and client_secret"
    missing = [name for name in OAUTH_SETTINGS if not settings.get(name)]
    if settings.get("token") and len(missing) < len(OAUTH_SETTINGS):
        raise ConfigError(f"give either token or {oauth} (OAuth 2), not both")
    if settings.get("token"):
        return http_client(
            settings["url"],
            headers={**headers, "Authorization": f"Bearer {settings['token']}"},
            timeout=settings["timeout"],
        )
    if len(missing) == len(OAUTH_SETTINGS):
        raise ConfigError(f"give token (a static bearer token), or {oauth} (OAuth 2)")
    if missing:
        raise ConfigError(f"OAuth 2 needs {oauth}: {', '.join(missing)} is missing")
    return ClientCredentials(settings, headers)


class ClientCredentials:
    """A SCIM client signing with an access token of the client-credentials grant, kept in
    :data:`TOKENS` for the next runs of the worker."""

    def __init__(self, settings: Mapping[str, Any], headers: dict[str, str]) -> None:
        self.key = token_key(settings)
        self.session = OAuth2Client(
            client_id=settings["client_id"],
            client_secret=settings["client_secret"],
            scope=settings.get("scope"),
            token_endpoint=settings["token_url"],
            grant_type="client_credentials",
            token=TOKENS.get(self.key),
            base_url=settings["url"],
            headers=headers,
            timeout=settings["timeout"],
        )

    def get(self, url: str, *, params: Mapping[str, Any]) -> httpx.Response:
        token = self.session.token
        if not token or token.is_expired(leeway=self.session.leeway):
            self.renew()
        response = self.signed_get(url, params)
        if response.status_code == 401:
            self.renew()
            response = self.signed_get(url, params)
        return response

    def signed_get(self, url: str, params: Mapping[str, Any]) -> httpx.Response:
        """GET with the current token, as it is: :meth:`get` has renewed it if need be."""
        return self.session.get(url, params=params, auth=self.session.token_auth)

    def renew(self) -> None:
        """Fetch a new access token; AuthError when the token endpoint refuses the client, and
        the error of its HTTP status (as for any source) when it fails otherwise."""
        try:
            self.keep(self.session.fetch_token())
        except OAuthError as error:
            detail = f": {error.description}" if error.description else ""
            raise AuthError(
                f"the token endpoint refused the client ({error.error}{detail})"
            ) from None
        except httpx.HTTPStatusError as error:
            read_json(error.response)
            raise
        except ValueError as error:
            raise MalformedJSON(f"the token endpoint answered no token: {error}") from None

    def keep(self, token: Mapping[str, Any]) -> None:
        """Remember ``token`` for the next connector of the same client."""
        TOKENS[self.key] = dict(token)

    def close(self) -> None:
        self.session.close()


TOKENS: dict[str, dict[str, Any]] = {}
"""The access tokens this process was given, by :func:`token_key`."""


def token_key(settings: Mapping[str, Any]) -> str:
    """What tells one client's tokens from another's: the endpoint, client, secret and scope."""
    parts = [settings[name] for name in OAUTH_SETTINGS] + [settings.get("scope") or ""]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
