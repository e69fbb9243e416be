"""The e-mail channel: SMTP, with the server of the ``[notify]`` table."""

from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage
from typing import TYPE_CHECKING

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from hub.notify.channels import Channel, ChannelDown, ChannelRefused, OutgoingMessage
from hub.notify.settings import SECTION

if TYPE_CHECKING:
    from hub.state import Hub

PASSWORD_VARIABLE = "SIMPUL_SMTP_PASSWORD"


def check_address(address: str) -> str | None:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return str(_l("This is not an e-mail address: %(reason)s", reason=str(error)))
    return None


def send(hub: Hub, message: OutgoingMessage) -> None:
    rules = hub.section(SECTION)
    mail = EmailMessage()
    mail["From"] = rules.smtp_from
    mail["To"] = message.to
    mail["Subject"] = message.title
    mail["Message-ID"] = f"<{message.key}@simpul>"
    mail.set_content(f"{message.body}\n\n{message.url}\n")
    try:
        with smtplib.SMTP(rules.smtp_host, rules.smtp_port, timeout=rules.smtp_timeout) as smtp:
            if rules.smtp_starttls:
                smtp.starttls()
            if rules.smtp_username:
                smtp.login(rules.smtp_username, os.environ.get(PASSWORD_VARIABLE, ""))
            smtp.send_message(mail)
    except smtplib.SMTPRecipientsRefused as refused:
        raise ChannelRefused(
            f"the mail server refused {message.to}: {refused.recipients}"
        ) from None
    except smtplib.SMTPResponseException as error:
        reason = f"the mail server answered {error.smtp_code}: {error.smtp_error!r}"
        raise (ChannelRefused if error.smtp_code >= 500 else ChannelDown)(reason) from None
    except (OSError, smtplib.SMTPException) as error:
        raise ChannelDown(f"the mail server cannot be reached: {error}") from None


EMAIL = Channel(
    name="email",
    title=_l("E-mail"),
    address_label=_l("E-mail address"),
    hint="nama@jakarta.go.id",
    send=send,
    check=check_address,
)
