"""The ``[notify]`` table of the configuration: how messages leave the hub, and the defaults
for people who have not chosen.

[notify]
public_url = "https://simpul.example.go.id"   # links in messages point here
smtp_host = "smtp.example.go.id"              # no host: no e-mail channel
smtp_port = 587
smtp_starttls = true
smtp_username = "simpul"                      # the password comes from SIMPUL_SMTP_PASSWORD
smtp_from = "Simpul <simpul@example.go.id>"
quiet_hours = "21:00-06:00"                   # for people who chose none
digest_hour = 7                               # local hour of the daily digest
vapid_private_key_file = "/etc/simpul/vapid.pem"  # no key: no push channel
vapid_subject = "mailto:simpul@example.go.id"     # whom push services may write to
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hub.notify.quiet import parse_span

SECTION = "notify"


def _quiet_hours(value: str) -> str:
    parse_span(value)
    return value


def _public_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be the portal's address, starting with http:// or https://")
    return value.rstrip("/")


def vapid_key(path: str) -> ec.EllipticCurvePrivateKey:
    """The VAPID private key in the PEM file ``path``; a ValueError says what is wrong."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(
            f"{path} holds no P-256 private key in PEM without a password"
            f" (make one with `simpul notify vapid-keys {path}`)"
        )
    return key


def _key_file(value: str) -> str:
    if value:
        vapid_key(value)
    return value


class NotifySettings(BaseModel):
    """The parsed ``[notify]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    public_url: Annotated[str, AfterValidator(_public_url)] = "http://127.0.0.1:5000"
    smtp_host: str = ""
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_from: str = "Simpul <simpul@localhost>"
    smtp_timeout: float = Field(10.0, gt=0, le=300)
    quiet_hours: Annotated[str, AfterValidator(_quiet_hours)] = ""
    digest_only: bool = False
    digest_hour: int = Field(7, ge=0, le=23)
    vapid_private_key_file: Annotated[str, AfterValidator(_key_file)] = ""
    vapid_subject: str = Field("", validate_default=True)
    push_timeout: float = Field(10.0, gt=0, le=300)

    @field_validator("vapid_subject")
    @classmethod
    def _subject(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("vapid_private_key_file") and not value.startswith(
            ("mailto:", "https://")
        ):
            raise ValueError("must say whom push services may write to: mailto:... or https://...")
        return value

    def quiet_span(self) -> tuple[int | None, int | None]:
        return parse_span(self.quiet_hours) or (None, None)
