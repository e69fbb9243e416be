"""Push notifications to the installed portal, through a push service on loopback that checks
each message's VAPID signature and audience and decrypts it (aes128gcm) with the subscription's
own keys, as Google's and Mozilla's do; the buttons of "How I am told" that store and forget a
phone's subscription; the ``[notify]`` keys that configure push, and the command that makes one."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import http_ece
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy import select
from test_notifications import deliveries, new_complaints, person, tell, work

from hub.cli import cli
from hub.models import ChannelAddress, Delivery
from hub.notify.push import application_server_key, write_key_pair
from hub.notify.settings import NotifySettings
from hub.sources import ConfigError
from hub.state import current_hub
from hub.testing import csrf_token, free_port

SUBJECT = "mailto:simpul@jakarta.go.id"
PUBLIC_URL = "https://simpul.example.go.id"


def unbase64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def verified_claims(token: str, public_key: str) -> dict:
    """The claims of an ES256 JWT, once its signature is verified with ``public_key``."""
    signed, _, signature = token.rpartition(".")
    raw = unbase64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unbase64(public_key))
    key.verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))
    header, claims = (json.loads(unbase64(part)) for part in signed.split("."))
    assert header == {"typ": "JWT", "alg": "ES256"}
    return claims


@dataclass
class Phone:
    """A browser's side of a subscription: its ECDH key pair and auth secret."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self) -> str:
        keys = {"p256dh": base64url(point(self.key.public_key())), "auth": base64url(self.auth)}
        return json.dumps({"endpoint": self.endpoint, "expirationTime": None, "keys": keys})


class PushService:
    """A push service on loopback. Each message must carry a VAPID token signed by the hub's key
    for this service's origin; it is decrypted with its phone's keys and kept in ``received``.
    Endpoints in ``gone`` answer 410; ``status`` makes it answer another status (and keep
    nothing); ``delay`` makes it slow (it still keeps what the hub gave up waiting for);
    ``stop`` and ``start`` take it away and bring it back on the same port."""

    def __init__(self, public_key: str) -> None:
        self.public_key = public_key
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.phones: dict[str, Phone] = {}
        self.received: list[tuple[str, dict, str]] = []
        self.gone: set[str] = set()
        self.status = 201
        self.delay = 0.0
        self.server: ThreadingHTTPServer | None = None

    def phone(self, name: str) -> Phone:
        self.phones[name] = Phone(f"{self.origin}/push/{name}")
        return self.phones[name]

    def start(self) -> None:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(service.delay)
                self.send_response(service.answer(self.path, self.headers, body))
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def answer(self, path: str, headers, body: bytes) -> int:
        name = path.removeprefix("/push/")
        if name in self.gone:
            return 410
        scheme, _, params = headers["Authorization"].partition(" ")
        token = dict(param.split("=", 1) for param in params.split(","))
        assert scheme == "vapid" and token["k"] == self.public_key
        claims = verified_claims(token["t"], token["k"])
        assert claims["aud"] == self.origin and claims["sub"] == SUBJECT
        assert claims["exp"] > time.time()
        assert headers["Content-Encoding"] == "aes128gcm"
        phone = self.phones[name]
        plain = http_ece.decrypt(body, private_key=phone.key, auth_secret=phone.auth)
        if self.status < 300:
            self.received.append((name, json.loads(plain), headers["TTL"]))
        return self.status


@pytest.fixture
def key_file(tmp_path) -> tuple[Path, str]:
    path = tmp_path / "vapid.pem"
    return path, write_key_pair(path)


@pytest.fixture
def push_service(key_file):
    service = PushService(key_file[1])
    service.start()
    yield service
    service.stop()


def push_settings(key_file, **extra) -> dict:
    return {
        "notify": {
            "public_url": PUBLIC_URL,
            "vapid_private_key_file": str(key_file[0]),
            "vapid_subject": SUBJECT,
            **extra,
        }
    }


@pytest.fixture
def app(make_app, database_url, redis_url, key_file):
    return make_app(database_url, redis_url=redis_url, sections=push_settings(key_file))


def subscribed(app, make_user, username: str, phone: Phone):
    user = person(app, make_user, username)
    with current_hub(app).db.session() as session:
        session.add(ChannelAddress(user_id=user.id, channel="push", address=phone.subscription()))
    return user


def errors(app) -> dict[str, str | None]:
    with current_hub(app).db.read_session() as session:
        return dict(session.execute(select(Delivery.address, Delivery.last_error)).all())


def test_a_message_reaches_the_phone_signed_and_encrypted(app, make_user, push_service):
    subscribed(app, make_user, "lurah", push_service.phone("lurah"))
    tell(app, ["lurah"], new_complaints("Setu", count=2))

    work(app)
    work(app)

    with current_hub(app).db.read_session() as session:
        key = session.scalar(select(Delivery.idempotency_key))
    assert push_service.received == [
        (
            "lurah",
            {
                "title": "2 aduan baru di Setu",
                "body": "Buka daftar aduan Anda.",
                "url": f"{PUBLIC_URL}/complaints?area=Setu",
                "tag": key,
            },
            str(24 * 3600),
        )
    ]
    assert deliveries(app) == [("push", "sent", 1)]


def test_an_expired_subscription_fails_with_the_reason_and_others_go_on(
    app, make_user, push_service
):
    subscribed(app, make_user, "lurah", push_service.phone("lurah"))
    subscribed(app, make_user, "camat", push_service.phone("camat"))
    push_service.gone.add("lurah")
    tell(app, ["lurah", "camat"], new_complaints("Setu"))

    work(app)

    assert sorted(deliveries(app)) == [("push", "failed", 1), ("push", "sent", 1)]
    (reason,) = [error for error in errors(app).values() if error]
    assert "the subscription has expired" in reason and "410" in reason
    assert [name for name, _, _ in push_service.received] == ["camat"]
    assert stored(app) == [push_service.phones["camat"].subscription()], "the expired one forgot"

    tell(app, ["lurah", "camat"], new_complaints("Munjul"))
    work(app)

    assert [name for name, _, _ in push_service.received] == ["camat", "camat"]
    assert sorted(deliveries(app)) == [("push", "failed", 1), *[("push", "sent", 1)] * 2], (
        "nothing more to the expired one"
    )


@pytest.mark.parametrize(("status", "state"), [(400, "failed"), (403, "failed"), (429, "pending")])
def test_a_push_service_refusing_the_message_fails_it_at_once_and_a_busy_one_is_retried(
    app, make_user, push_service, status, state
):
    subscribed(app, make_user, "lurah", push_service.phone("lurah"))
    push_service.status = status
    tell(app, ["lurah"], new_complaints("Setu"))

    work(app)

    assert deliveries(app) == [("push", state, 1)]
    (reason,) = errors(app).values()
    assert f"answered {status}" in reason
    assert len(stored(app)) == 1, "the subscription itself may still work: it is kept"


@pytest.mark.parametrize("fault", ["stopped", "slow", "busy"])
def test_the_push_service_failing_then_back_loses_nothing(
    make_app, database_url, redis_url, key_file, make_user, push_service, fault
):
    app = make_app(
        database_url, redis_url=redis_url, sections=push_settings(key_file, push_timeout=0.5)
    )
    subscribed(app, make_user, "lurah", push_service.phone("lurah"))
    tell(app, ["lurah"], new_complaints("Setu"))
    if fault == "stopped":
        push_service.stop()
    elif fault == "slow":
        push_service.delay = 1.5
    else:
        push_service.status = 503

    work(app)

    assert deliveries(app) == [("push", "pending", 1)]
    (reason,) = errors(app).values()
    expected = "answered 503" if fault == "busy" else "cannot be reached"
    assert expected in reason
    if fault == "stopped":
        push_service.start()
    push_service.delay, push_service.status = 0.0, 201

    work(app)

    assert deliveries(app) == [("push", "sent", 2)]
    tags = {message["tag"] for _, message, _ in push_service.received}
    assert push_service.received and len(tags) == 1, "a late first copy replaces no other"


def stored(app) -> list[str]:
    with current_hub(app).db.read_session() as session:
        return session.scalars(select(ChannelAddress.address).filter_by(channel="push")).all()


def signed_in(app, make_user, sign_in, username: str = "lurah"):
    person(app, make_user, username)
    client = app.test_client()
    sign_in(client, username)
    return client


def test_turning_push_on_stores_this_phones_subscription_and_off_forgets_it(
    app, make_user, sign_in, key_file
):
    client = signed_in(app, make_user, sign_in)
    phone = Phone("https://fcm.googleapis.com/fcm/send/abc123")

    page = client.get("/inbox/settings").text
    token = csrf_token(client, "/inbox/settings")
    on = client.post(
        "/inbox/settings/push", data={"csrf_token": token, "subscription": phone.subscription()}
    )

    assert "Aktifkan notifikasi di ponsel ini" in page and "Mati:" in page
    assert f'data-key="{key_file[1]}"' in page and "push.js" in page
    assert on.status_code == 302 and on.headers["Location"] == "/inbox/settings"
    (address,) = stored(app)
    assert json.loads(address) == {
        "endpoint": phone.endpoint,
        "keys": json.loads(phone.subscription())["keys"],
    }
    page = client.get("/inbox/settings").text
    assert "Notifikasi aktif di ponsel ini." in page and "Aktif:" in page
    assert "Matikan notifikasi" in page

    off = client.post("/inbox/settings/push/off", data={"csrf_token": token})

    assert off.status_code == 302 and stored(app) == []
    assert "Notifikasi ke ponsel Anda dimatikan." in client.get("/inbox/settings").text


def malformed(kind: str) -> str:
    good = json.loads(Phone("https://fcm.googleapis.com/fcm/send/new").subscription())
    if kind == "not json":
        return "{endpoint: nope"
    if kind == "no auth":
        del good["keys"]["auth"]
    elif kind == "short key":
        good["keys"]["p256dh"] = base64url(b"\x04" + b"x" * 10)
    elif kind == "plain http":
        good["endpoint"] = "http://push.example.com/send/1"
    elif kind == "empty":
        return ""
    return json.dumps(good)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("not json", "bukan langganan notifikasi"),
        ("no auth", "bukan langganan notifikasi"),
        ("short key", "bukan langganan notifikasi"),
        ("empty", "bukan langganan notifikasi"),
        ("plain http", "harus dijangkau melalui https"),
    ],
)
def test_a_malformed_subscription_is_refused_and_what_was_stored_is_kept(
    app, make_user, sign_in, kind, message
):
    client = signed_in(app, make_user, sign_in)
    token = csrf_token(client, "/inbox/settings")
    first = Phone("https://fcm.googleapis.com/fcm/send/first").subscription()
    client.post("/inbox/settings/push", data={"csrf_token": token, "subscription": first})

    refused = client.post(
        "/inbox/settings/push", data={"csrf_token": token, "subscription": malformed(kind)}
    )

    assert refused.status_code == 400
    assert message in refused.text and "tidak ada yang disimpan" in refused.text
    assert [json.loads(address)["endpoint"] for address in stored(app)] == [
        "https://fcm.googleapis.com/fcm/send/first"
    ]


def test_saving_the_other_choices_keeps_the_phones_subscription(app, make_user, sign_in):
    client = signed_in(app, make_user, sign_in)
    token = csrf_token(client, "/inbox/settings")
    phone = Phone("https://fcm.googleapis.com/fcm/send/abc123")
    client.post(
        "/inbox/settings/push", data={"csrf_token": token, "subscription": phone.subscription()}
    )

    saved = client.post(
        "/inbox/settings", data={"csrf_token": token, "quiet_from": "21:00", "quiet_until": "06:00"}
    )

    assert saved.status_code == 302 and len(stored(app)) == 1


def test_only_the_signed_in_person_with_a_csrf_token_turns_push_on(app, make_user, sign_in):
    subscription = Phone("https://fcm.googleapis.com/fcm/send/abc123").subscription()
    stranger = app.test_client()
    form = {"csrf_token": csrf_token(stranger), "subscription": subscription}
    client = signed_in(app, make_user, sign_in)

    anonymous = stranger.post("/inbox/settings/push", data=form)
    forged = client.post("/inbox/settings/push", data={"subscription": subscription})

    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert forged.status_code == 400 and stored(app) == []


def test_without_a_vapid_key_there_is_no_push(make_app, sqlite_url, make_user, sign_in):
    app = make_app(sqlite_url)
    client = signed_in(app, make_user, sign_in)
    token = csrf_token(client, "/inbox/settings")

    page = client.get("/inbox/settings").text
    posted = client.post("/inbox/settings/push", data={"csrf_token": token})

    assert "push" not in current_hub(app).channels
    assert "data-push" not in page and "push.js" not in page
    assert posted.status_code == 404


def rsa_key_file(path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.mark.parametrize(
    ("table", "named"),
    [
        (
            {"vapid_private_key_file": "{tmp}/missing.pem"},
            "vapid_private_key_file: Value error, cannot read",
        ),
        ({"vapid_private_key_file": "{tmp}/garbage.pem"}, "vapid_private_key_file: Value error, "),
        ({"vapid_private_key_file": "{tmp}/rsa.pem"}, "holds no P-256 private key"),
        ({"vapid_private_key_file": "{tmp}/vapid.pem"}, "vapid_subject: Value error, must say"),
        ({"vapid_private_key_file": "{tmp}/vapid.pem", "vapid_subject": "simpul"}, "vapid_subject"),
    ],
)
def test_a_bad_vapid_key_refuses_start_naming_the_key(
    make_app, sqlite_url, tmp_path, key_file, table, named
):
    (tmp_path / "garbage.pem").write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n")
    rsa_key_file(tmp_path / "rsa.pem")
    table = {name: value.format(tmp=tmp_path) for name, value in table.items()}

    with pytest.raises(ConfigError) as refused:
        make_app(sqlite_url, sections={"notify": table})

    assert str(refused.value).startswith("[notify] vapid_")
    assert named in str(refused.value)


def test_the_command_writes_a_key_pair_the_hub_accepts(tmp_path):
    path = tmp_path / "vapid.pem"

    made = CliRunner().invoke(cli, ["notify", "vapid-keys", str(path)])
    again = CliRunner().invoke(cli, ["notify", "vapid-keys", str(path)])

    assert made.exit_code == 0, made.output
    public_key = application_server_key(str(path))
    assert f"its public key is {public_key}" in made.output
    assert len(unbase64(public_key)) == 65 and path.stat().st_mode & 0o077 == 0
    NotifySettings.model_validate({"vapid_private_key_file": str(path), "vapid_subject": SUBJECT})
    assert again.exit_code == 1 and "File exists" in again.output
