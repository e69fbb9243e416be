"""Notifications in the core: inbox lines folded and made once, deliveries through the outbox to
a real SMTP server (aiosmtpd) and to a chat webhook (Apprise's JSON channel) on loopback, and the
pages where a person reads them and chooses how to be told."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rq import SimpleWorker
from sqlalchemy import func, select

from hub.api import ConfigError
from hub.models import ChannelAddress, Delivery, Notification, NotificationChoice, User
from hub.notify import outbox
from hub.notify.messages import Message, notify
from hub.notify.quiet import after_quiet_hours
from hub.state import current_hub
from hub.sync import jobs
from hub.testing import csrf_token

JAKARTA = "Asia/Jakarta"


class Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webhook():
    """A chat app's webhook on loopback: the JSON bodies Apprise posts to it."""
    Webhook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"json://127.0.0.1:{server.server_port}/hook", Webhook.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def app(make_app, database_url, redis_url, smtp_port):
    return make_app(
        database_url,
        redis_url=redis_url,
        sections={
            "notify": {
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp_port,
                "public_url": "https://simpul.example.go.id",
            }
        },
    )


def new_complaints(area: str, count: int = 1) -> Message:
    return Message(
        kind="complaint.new",
        url="/complaints?area=" + area,
        text=lambda n: (f"{n} aduan baru di {area}", "Buka daftar aduan Anda."),
        fold_key=f"new:{area}",
        count=count,
    )


def person(app, make_user, username: str, *, email: str | None = None, **choice) -> User:
    user = make_user(app, username, "ward_staff", "31.75.10.1005")
    with current_hub(app).db.session() as session:
        if email:
            session.add(ChannelAddress(user_id=user.id, channel="email", address=email))
        if choice:
            session.add(NotificationChoice(user_id=user.id, **choice))
    return user


def tell(app, usernames: list[str], message: Message, now: datetime | None = None) -> int:
    """Tell ``usernames`` ``message`` in a transaction that holds its deliveries, as a sync's
    page does, so that the test hands them to the workers (``work``) when it wants."""
    hub = current_hub(app)
    with hub.db.session() as session:
        outbox.hold(session)
        users = session.scalars(select(User).where(User.username.in_(usernames))).all()
        return len(notify(hub, session, users, message, now))


def lines(app, username: str) -> list[tuple]:
    with current_hub(app).db.read_session() as session:
        return session.execute(
            select(Notification.title, Notification.count)
            .join(User, User.id == Notification.user_id)
            .where(User.username == username)
            .order_by(Notification.id)
        ).all()


def deliveries(app) -> list[tuple]:
    with current_hub(app).db.read_session() as session:
        return session.execute(
            select(Delivery.channel, Delivery.state, Delivery.attempts).order_by(Delivery.id)
        ).all()


def work(app) -> None:
    hub = current_hub(app)
    outbox.enqueue_due(hub.db, hub.queue, datetime.now(UTC) + timedelta(days=2))
    jobs.bind(app)
    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True)


def test_a_burst_folds_into_one_message_per_person_until_it_is_sent(app, make_user, mailbox):
    person(app, make_user, "lurah", email="lurah@setu.go.id")
    person(app, make_user, "staf")

    for _ in range(12):
        tell(app, ["lurah", "staf"], new_complaints("Setu"))
    tell(app, ["lurah"], new_complaints("Munjul", count=3))

    assert lines(app, "lurah") == [("12 aduan baru di Setu", 12), ("3 aduan baru di Munjul", 3)]
    assert lines(app, "staf") == [("12 aduan baru di Setu", 12)]
    assert deliveries(app) == [("email", "pending", 0), ("email", "pending", 0)]

    work(app)
    assert sorted(mail["Subject"] for mail in mailbox.messages) == [
        "12 aduan baru di Setu",
        "3 aduan baru di Munjul",
    ]
    tell(app, ["lurah"], new_complaints("Setu"))
    assert lines(app, "lurah")[-1] == ("1 aduan baru di Setu", 1), "a sent message never grows"


def test_a_message_goes_to_the_workers_when_its_change_commits(app, make_user, mailbox):
    person(app, make_user, "lurah", email="lurah@setu.go.id")
    hub = current_hub(app)
    with hub.db.session() as session:
        notify(hub, session, [session.scalar(select(User))], new_complaints("Setu"))
        assert hub.queue.count == 0, "not before it commits"
    assert hub.queue.count == 1 and deliveries(app) == [("email", "sending", 0)]

    jobs.bind(app)
    SimpleWorker([hub.queue], connection=hub.redis).work(burst=True)

    assert [mail["Subject"] for mail in mailbox.messages] == ["1 aduan baru di Setu"]


def test_a_message_held_by_its_transaction_or_rolled_back_waits(app, make_user):
    person(app, make_user, "lurah", email="lurah@setu.go.id")
    hub = current_hub(app)
    tell(app, ["lurah"], new_complaints("Setu"))
    with pytest.raises(RuntimeError), hub.db.session() as session:
        notify(hub, session, [session.scalar(select(User))], new_complaints("Munjul"))
        raise RuntimeError("the change fails")
    with hub.db.session() as session:
        session.add(session.scalar(select(User)))

    assert hub.queue.count == 0
    assert deliveries(app) == [("email", "pending", 0)], "the held one waits for its hand-off"


def test_an_email_carries_the_link_and_a_message_id_that_stays_the_same(app, make_user, mailbox):
    person(app, make_user, "lurah", email="lurah@setu.go.id")
    tell(app, ["lurah"], new_complaints("Setu"))

    work(app)
    work(app)

    (mail,) = mailbox.messages
    assert mail["To"] == "lurah@setu.go.id"
    assert "https://simpul.example.go.id/complaints?area=Setu" in mail.get_payload()
    with current_hub(app).db.read_session() as session:
        key = session.scalar(select(Delivery.idempotency_key))
    assert mail["Message-ID"] == f"<{key}@simpul>"


def test_the_mail_server_down_then_back_loses_nothing_and_doubles_nothing(app, make_user, mailbox):
    person(app, make_user, "lurah", email="lurah@setu.go.id")
    person(app, make_user, "camat", email="camat@cipayung.go.id")
    tell(app, ["lurah", "camat"], new_complaints("Setu"))
    mailbox.stop()

    work(app)
    assert [state for _, state, _ in deliveries(app)] == ["pending", "pending"]
    with current_hub(app).db.read_session() as session:
        errors = session.scalars(select(Delivery.last_error)).all()
    assert all("cannot be reached" in error for error in errors)

    mailbox.start()
    work(app)
    work(app)

    assert deliveries(app) == [("email", "sent", 2), ("email", "sent", 2)]
    assert sorted(mail["To"] for mail in mailbox.messages) == [
        "camat@cipayung.go.id",
        "lurah@setu.go.id",
    ]


def test_a_refused_address_fails_with_the_reason_and_others_go_on(app, make_user, mailbox):
    person(app, make_user, "lurah", email="lurah@setu.go.id")
    person(app, make_user, "gone", email="tidak.ada@setu.go.id")
    mailbox.refuse.add("tidak.ada@setu.go.id")
    tell(app, ["lurah", "gone"], new_complaints("Setu"))

    work(app)

    with current_hub(app).db.read_session() as session:
        found = dict(session.execute(select(Delivery.address, Delivery.last_error)).all())
        states = dict(session.execute(select(Delivery.address, Delivery.state)).all())
    assert states == {"lurah@setu.go.id": "sent", "tidak.ada@setu.go.id": "failed"}
    assert "refused tidak.ada@setu.go.id" in found["tidak.ada@setu.go.id"]
    assert [mail["To"] for mail in mailbox.messages] == ["lurah@setu.go.id"]


def test_two_schedulers_hand_each_delivery_to_the_workers_once(app, make_user, mailbox):
    person(app, make_user, "lurah", email="lurah@setu.go.id")
    tell(app, ["lurah"], new_complaints("Setu"))
    hub = current_hub(app)
    later = datetime.now(UTC) + timedelta(minutes=1)

    handed = [outbox.enqueue_due(hub.db, hub.queue, later) for _ in range(2)]

    assert handed == [1, 0] and len(hub.queue) == 1


def test_a_person_who_left_gets_nothing(app, make_user, mailbox):
    person(app, make_user, "lurah", email="lurah@setu.go.id")
    person(app, make_user, "left", email="left@setu.go.id")
    tell(app, ["lurah", "left"], new_complaints("Setu"))
    with current_hub(app).db.session() as session:
        session.scalar(select(User).filter_by(username="left")).active = False

    work(app)
    tell(app, ["left"], new_complaints("Munjul"))

    assert [mail["To"] for mail in mailbox.messages] == ["lurah@setu.go.id"]
    assert sorted(state for _, state, _ in deliveries(app)) == ["dropped", "sent"]
    assert lines(app, "left") == [("1 aduan baru di Setu", 1)]


def test_quiet_hours_hold_a_message_until_they_end(app, make_user, mailbox):
    person(
        app, make_user, "lurah", email="lurah@setu.go.id", quiet_from=21 * 60, quiet_until=6 * 60
    )
    late = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 23:30 in Jakarta

    tell(app, ["lurah"], new_complaints("Setu"), now=late)

    with current_hub(app).db.read_session() as session:
        due = session.scalar(select(Delivery.next_attempt_at))
    assert due == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # 06:00 in Jakarta
    hub = current_hub(app)
    assert outbox.enqueue_due(hub.db, hub.queue, late + timedelta(hours=6)) == 0
    assert outbox.enqueue_due(hub.db, hub.queue, due) == 1


@pytest.mark.parametrize(
    ("local", "quiet", "expected"),
    [
        ("12:00", (21 * 60, 6 * 60), "12:00"),
        ("05:59", (21 * 60, 6 * 60), "06:00"),
        ("21:00", (21 * 60, 6 * 60), "06:00"),
        ("13:15", (13 * 60, 14 * 60), "14:00"),
        ("14:00", (13 * 60, 14 * 60), "14:00"),
        ("03:00", (None, None), "03:00"),
    ],
)
def test_after_quiet_hours(local, quiet, expected):
    hour, minute = map(int, local.split(":"))
    now = datetime(2026, 12, 1, hour, minute, tzinfo=UTC) - timedelta(hours=7)

    ends = after_quiet_hours(now, quiet, JAKARTA)

    assert (ends + timedelta(hours=7)).strftime("%H:%M") == expected


def test_one_digest_a_day_means_no_message_at_once_but_the_digest(app, make_user, mailbox):
    person(app, make_user, "lurah", email="lurah@setu.go.id", digest_only=True)
    digest = Message("digest", "/complaints", lambda n: ("Ringkasan hari ini", ""), digest=True)

    tell(app, ["lurah"], new_complaints("Setu"))
    assert lines(app, "lurah") == [("1 aduan baru di Setu", 1)]
    assert deliveries(app) == []

    tell(app, ["lurah"], digest)
    work(app)
    assert [mail["Subject"] for mail in mailbox.messages] == ["Ringkasan hari ini"]


def test_a_message_with_a_once_key_is_made_once_per_person(app, make_user):
    person(app, make_user, "lurah")
    person(app, make_user, "camat")
    reminder = Message(
        kind="complaint.overdue",
        url="/complaints/7",
        text=lambda n: ("Aduan #7 terlambat", ""),
        once_key="overdue:7:1",
    )

    made = [tell(app, ["lurah"], reminder), tell(app, ["lurah", "camat"], reminder)]

    assert made == [1, 1]
    assert lines(app, "lurah") == lines(app, "camat") == [("Aduan #7 terlambat", 1)]


def test_a_chat_app_receives_the_message_through_apprise(app, make_user, webhook):
    address, received = webhook
    user = person(app, make_user, "lurah")
    with current_hub(app).db.session() as session:
        session.add(ChannelAddress(user_id=user.id, channel="chat", address=address))
    tell(app, ["lurah"], new_complaints("Setu", count=2))

    work(app)

    assert [(body["title"], body["message"]) for body in received] == [
        (
            "2 aduan baru di Setu",
            "Buka daftar aduan Anda.\nhttps://simpul.example.go.id/complaints?area=Setu",
        )
    ]
    assert deliveries(app) == [("chat", "sent", 1)]


def test_the_inbox_shows_the_badge_and_opening_a_line_reads_it(app, make_user, sign_in):
    person(app, make_user, "lurah")
    tell(app, ["lurah"], new_complaints("Setu", count=4))
    client = app.test_client()
    sign_in(client, "lurah")

    page = client.get("/inbox").text
    with current_hub(app).db.read_session() as session:
        line_id = session.scalar(select(Notification.id))
    opened = client.get(f"/inbox/{line_id}")

    assert "4 aduan baru di Setu" in page and 'class="badge badge-red">1<' in page
    assert opened.status_code == 302 and opened.headers["Location"] == "/complaints?area=Setu"
    assert 'class="badge badge-red">1<' not in client.get("/inbox").text


def test_a_line_of_someone_else_is_not_found(app, make_user, sign_in):
    person(app, make_user, "lurah")
    person(app, make_user, "other")
    tell(app, ["other"], new_complaints("Setu"))
    client = app.test_client()
    sign_in(client, "lurah")
    with current_hub(app).db.read_session() as session:
        line_id = session.scalar(select(Notification.id))

    assert client.get(f"/inbox/{line_id}").status_code == 404


def test_the_settings_page_refuses_a_bad_address_and_keeps_what_was_stored(app, make_user, sign_in):
    person(app, make_user, "lurah", email="lurah@setu.go.id")
    client = app.test_client()
    sign_in(client, "lurah")
    form = {"csrf_token": csrf_token(client, "/inbox/settings"), "enabled-email": "on"}

    bad = client.post(
        "/inbox/settings",
        data={
            **form,
            "address-email": "bukan-surel",
            "address-chat": "nonsense:/x",
            "quiet_from": "25:00",
            "quiet_until": "06:00",
        },
    )

    assert bad.status_code == 400
    assert "Ini bukan alamat surel" in bad.text and "bukan alamat obrolan" in bad.text
    assert "Tulis jam" in bad.text and 'value="bukan-surel"' in bad.text
    with current_hub(app).db.read_session() as session:
        assert session.scalars(select(ChannelAddress.address)).all() == ["lurah@setu.go.id"]

    good = client.post(
        "/inbox/settings",
        data={
            **form,
            "address-email": "lurah.baru@setu.go.id",
            "digest_only": "on",
            "quiet_from": "21:30",
            "quiet_until": "05:30",
        },
    )
    assert good.status_code == 302
    page = client.get("/inbox/settings").text
    assert 'value="lurah.baru@setu.go.id"' in page and 'value="21:30"' in page
    with current_hub(app).db.read_session() as session:
        choice = session.scalar(select(NotificationChoice))
        assert (choice.digest_only, choice.quiet_from, choice.quiet_until) == (True, 1290, 330)
        assert session.scalar(select(func.count()).select_from(ChannelAddress)) == 1


def test_an_administrator_sets_the_defaults_of_those_who_have_not_chosen(app, make_user, sign_in):
    person(app, make_user, "lurah", email="lurah@setu.go.id")
    person(app, make_user, "staf", email="staf@setu.go.id", digest_only=False)
    make_user(app, "admin", "admin")
    admin = app.test_client()
    sign_in(admin, "admin")
    form = {"csrf_token": csrf_token(admin, "/inbox/defaults")}

    saved = admin.post(
        "/inbox/defaults",
        data={**form, "digest_only": "on", "quiet_from": "22:00", "quiet_until": "05:00"},
    )
    assert saved.status_code == 302
    bad = admin.post("/inbox/defaults", data={**form, "quiet_from": "22:00", "quiet_until": "x"})
    assert bad.status_code == 400 and "Tulis jam" in bad.text and 'value="22:00"' in bad.text
    page = admin.get("/inbox/defaults").text
    assert 'value="22:00"' in page and 'value="05:00"' in page, "the bad form changed nothing"

    lurah = app.test_client()
    sign_in(lurah, "lurah")
    assert 'value="22:00"' in lurah.get("/inbox/settings").text, "shown as the lurah's own"
    assert lurah.get("/inbox/defaults").status_code == 403
    tell(app, ["lurah", "staf"], new_complaints("Setu"))
    with current_hub(app).db.read_session() as session:
        sent_to = session.scalars(select(Delivery.address)).all()
    assert sent_to == ["staf@setu.go.id"], "the lurah now has one digest a day; staf chose"


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ({"quiet_hours": "malam"}, "[notify] quiet_hours"),
        ({"smtp_port": 0}, "[notify] smtp_port"),
        ({"public_url": "simpul.go.id"}, "[notify] public_url"),
        ({"smpt_host": "x"}, "[notify] smpt_host"),
    ],
)
def test_a_bad_notify_table_stops_the_hub_naming_the_key(make_app, sqlite_url, table, named):
    with pytest.raises(ConfigError) as refused:
        make_app(sqlite_url, sections={"notify": table})

    assert str(refused.value).startswith(named)
