"""Storing one page of raw payloads: normalize, validate, and upsert by (source, external id)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, exc, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.models import Area, Record, RecordError
from hub.models.base import utcnow
from hub.storable import cleaned
from hub.sync.bulk import among, insert_with_ids, is_postgresql
from hub.sync.connector import InvalidRecord, RecordIn

PAYLOAD_EXCERPT = 4000
TABLE = Record.__table__
REFUSED = "the database refused the record: {}"
REFUSALS = (exc.DataError, exc.IntegrityError, UnicodeEncodeError, OverflowError)
"""What the database, or its driver, raises for a value it cannot store: a record error."""


@dataclass(frozen=True)
class RecordChange:
    """A record a sync or an import created, changed or deleted, as the ``records_changed`` hook
    sees it. ``attributes`` are those just written (None for a deletion, or when not at hand:
    read them from the record)."""

    record_id: int
    source_id: int
    kind: str
    external_id: str
    created: bool
    previous_status: str | None
    status: str | None
    category: str | None
    area_code: str | None
    created_at: datetime | None
    updated_at: datetime | None
    deleted: bool = False
    attributes: Mapping[str, Any] | None = None


CHANGE_COLUMNS = (
    Record.id,
    Record.source_id,
    Record.kind,
    Record.external_id,
    Record.status,
    Record.category,
    Record.area_code,
    Record.created_at,
    Record.updated_at,
)
"""The columns :func:`deletion` reads from an UPDATE ... RETURNING."""


def deletion(row: Any) -> RecordChange:
    """The change for a record a complete listing no longer had."""
    return RecordChange(
        row.id,
        row.source_id,
        row.kind,
        row.external_id,
        False,
        row.status,
        row.status,
        row.category,
        row.area_code,
        row.created_at,
        row.updated_at,
        deleted=True,
    )


@dataclass
class PageOutcome:
    """What storing one page did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errored: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    changes: list[RecordChange] = field(default_factory=list)


@dataclass
class NormalizedPage:
    """A page's records as normalized, by external id (each with its payload and content
    hash), and what normalizing them did (the errors)."""

    records: dict[str, tuple]
    outcome: PageOutcome


@dataclass
class WritePlan:
    """What storing a page writes: the stored rows it found by external id, the rows to
    insert or update (with their payloads), the ids of those as stored, and the hashes to
    store in their current form."""

    existing: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    payloads: dict[str, Any] = field(default_factory=dict)
    seen: list[int] = field(default_factory=list)
    rehashed: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PageStore:
    """Stores pages of one source during one run.

    Area codes and kinds are checked before anything is written, so a record with an unknown
    area code is an error of its own and never a failed transaction. The characters the database
    or XML cannot hold are stripped from every string of a payload and of its record. A page the
    database still refuses is written again record by record, each in a savepoint, and a record
    it refuses then is an error of its own too.
    """

    source_id: int
    run_id: int
    normalize: Callable[[Mapping[str, Any]], RecordIn]
    known_kinds: frozenset[str]
    full: bool = False
    known_areas: set[str] = field(default_factory=set)

    def store(self, session: Session, payloads: list[Any]) -> PageOutcome:
        return self.store_normalized(session, self.normalize_page(payloads))

    def normalize_page(self, payloads: list[Any]) -> NormalizedPage:
        """Normalize and check a page's payloads, without the database (a sync does it for
        the next page while it stores this one)."""
        outcome = PageOutcome()
        return NormalizedPage(self._normalized(payloads, outcome), outcome)

    def store_normalized(self, session: Session, page: NormalizedPage) -> PageOutcome:
        outcome = page.outcome
        incoming = self._with_references(
            session, self._in_known_areas(session, page.records, outcome), outcome
        )
        plan = self._plan(session, incoming)
        if plan.rows:
            try:
                with session.begin_nested():
                    self._upsert(session, plan, plan.rows, outcome)
            except Exception as error:
                if not _is_refusal(error):
                    raise
                self._upsert_one_by_one(session, plan, outcome)
        self._touch(session, plan, outcome)
        if outcome.errors:
            session.execute(insert(RecordError), outcome.errors)
            self._keep_listed(session, [e["external_id"] for e in outcome.errors])
        return outcome

    def _plan(self, session: Session, incoming: dict[str, tuple]) -> WritePlan:
        """Compare the page with what is stored: which rows to write, which are as stored."""
        plan = WritePlan(self._existing(session, list(incoming)))
        now = utcnow()
        for external_id, (record, payload, digest) in incoming.items():
            row = plan.existing.get(external_id)
            if row is None or not _is_unchanged(row, record, digest, payload):
                values = self._values(record, payload, digest, now)
                plan.rows.append({**values, "first_seen_at": now})
                plan.payloads[external_id] = payload
            else:
                plan.seen.append(row.id)
                if row.content_hash != digest and not _is_older(record, row):
                    plan.rehashed.append({"b_id": row.id, "b_hash": digest})
        return plan

    def _upsert(
        self, session: Session, plan: WritePlan, rows: list[dict], outcome: PageOutcome
    ) -> None:
        """Insert or update ``rows`` in a few batched statements; count them once they went
        through."""
        ids = self._written(session, plan, rows)
        for values in rows:
            row = plan.existing.get(values["external_id"])
            created = row is None
            previous = None if created else row.status
            outcome.changes.append(_change(ids[values["external_id"]], values, previous, created))
            outcome.created += created
            outcome.updated += not created

    @staticmethod
    def _written(session: Session, plan: WritePlan, rows: list[dict]) -> dict[str, int]:
        """Write ``rows``; the ids of the records written, by external id. The new records of
        a page are inserted in bulk (see :mod:`hub.sync.bulk`), the changed ones upserted."""
        if len(rows) == 1:
            return dict(session.execute(_upsert_statement(session), rows).all())
        ids = {external_id: row.id for external_id, row in plan.existing.items()}
        changed = [values for values in rows if values["external_id"] in plan.existing]
        if changed:
            session.execute(_upsert_statement(session, returning=False), changed)
        new = [values for values in rows if values["external_id"] not in plan.existing]
        ids.update(insert_with_ids(session, TABLE, new, "external_id"))
        return ids

    def _upsert_one_by_one(self, session: Session, plan: WritePlan, outcome: PageOutcome) -> None:
        """The database refused the page: write each record alone, and a record it still
        refuses is a record error."""
        for values in plan.rows:
            try:
                with session.begin_nested():
                    self._upsert(session, plan, [values], outcome)
            except Exception as error:
                if not _is_refusal(error):
                    raise
                reason = str(getattr(error, "orig", None) or error).splitlines()[0]
                payload = plan.payloads[values["external_id"]]
                self._error(outcome, payload, InvalidRecord(REFUSED.format(reason)), "store")

    def _touch(self, session: Session, plan: WritePlan, outcome: PageOutcome) -> None:
        """Count the records as stored; a complete listing notes it saw them, and a hash of
        the earlier form is stored in the current one."""
        outcome.unchanged += len(plan.seen)
        if plan.seen and self.full:
            session.execute(
                update(Record)
                .where(Record.id.in_(plan.seen))
                .values(last_seen_run_id=self.run_id)
                .execution_options(synchronize_session=False)
            )
        if plan.rehashed:
            session.connection().execute(_REHASH, plan.rehashed)

    def _in_known_areas(
        self, session: Session, records: dict[str, tuple], outcome: PageOutcome
    ) -> dict[str, tuple]:
        codes = {r.area_code for r, _, _ in records.values() if r.area_code} - self.known_areas
        if codes:
            self.known_areas.update(session.scalars(select(Area.code).where(Area.code.in_(codes))))
        kept = {}
        for external_id, (record, payload, digest) in records.items():
            if record.area_code is None or record.area_code in self.known_areas:
                kept[external_id] = (record, payload, digest)
            else:
                error = InvalidRecord(f"unknown area code {record.area_code!r}")
                self._error(outcome, payload, error)
        return kept

    def _keep_listed(self, session: Session, external_ids: list[str | None]) -> None:
        """In a complete listing, a record whose new version is bad is still listed: it keeps
        its stored version and is not taken for deleted."""
        listed = [external_id for external_id in external_ids if external_id]
        if self.full and listed:
            session.execute(
                update(Record)
                .where(Record.source_id == self.source_id, Record.external_id.in_(listed))
                .values(last_seen_run_id=self.run_id)
            )

    def _with_references(
        self, session: Session, records: dict[str, tuple], outcome: PageOutcome
    ) -> dict[str, tuple]:
        """Keep the records whose references exist (stored, or in this page)."""
        wanted = {ref for record, _, _ in records.values() for ref in record.references}
        if not wanted:
            return records
        here = {(record.kind, external_id) for external_id, (record, _, _) in records.items()}
        missing = wanted - here
        if missing:
            found = session.execute(
                select(Record.kind, Record.external_id).where(
                    tuple_(Record.kind, Record.external_id).in_(missing),
                    Record.deleted_at.is_(None),
                )
            )
            missing -= {tuple(row) for row in found}
        kept = {}
        for external_id, (record, payload, digest) in records.items():
            unknown = [ref for ref in record.references if ref in missing]
            if unknown:
                kind, reference = unknown[0]
                self._error(outcome, payload, InvalidRecord(f"unknown {kind} {reference!r}"))
            else:
                kept[external_id] = (record, payload, digest)
        return kept

    def _normalized(self, payloads: list[Any], outcome: PageOutcome) -> dict[str, tuple]:
        """Normalize and check each payload; of repeated ids keep the latest version."""
        result: dict[str, tuple[RecordIn, dict, str]] = {}
        for raw in payloads:
            payload, text = canonical(raw)
            if not isinstance(payload, dict):
                error = InvalidRecord(f"expected a JSON object, got {type(payload).__name__}")
                self._error(outcome, payload, error)
                continue
            try:
                record = self._checked(payload)
            except Exception as error:
                self._error(outcome, payload, error)
                continue
            previous = result.get(record.external_id)
            if previous is None or not _is_older(record, previous[0]):
                result[record.external_id] = (record, payload, _digest(text))
        return result

    def _checked(self, payload: dict[str, Any]) -> RecordIn:
        record = self.normalize(payload)
        if not isinstance(record, RecordIn):
            raise InvalidRecord(f"normalizer returned {type(record).__name__}, not RecordIn")
        record = _cleaned(record)
        if not record.external_id:
            raise InvalidRecord("record has no external id")
        if record.kind not in self.known_kinds:
            raise InvalidRecord(f"unknown record kind {record.kind!r}")
        return record

    def _error(
        self, outcome: PageOutcome, payload: Any, error: Exception, stage: str | None = None
    ) -> None:
        stage = stage or ("normalize" if isinstance(error, InvalidRecord) else "plugin")
        message = str(error) if stage != "plugin" else f"{type(error).__name__}: {error}"
        external_id = getattr(error, "external_id", None) or (
            payload.get("id") if isinstance(payload, dict) else None
        )
        outcome.errored += 1
        outcome.errors.append(
            {
                "run_id": self.run_id,
                "source_id": self.source_id,
                "external_id": cleaned(str(external_id)[:128]) if external_id else None,
                "stage": stage,
                "message": cleaned(message),
                "payload": cleaned(_excerpt(payload)),
                "created_at": utcnow(),
            }
        )

    def _existing(self, session: Session, external_ids: list[str]) -> dict[str, Any]:
        if not external_ids:
            return {}
        rows = session.execute(
            select(
                Record.id,
                Record.external_id,
                Record.content_hash,
                Record.status,
                Record.updated_at,
                Record.deleted_at,
            ).where(
                Record.source_id == self.source_id,
                among(session, Record.external_id, external_ids),
            )
        )
        return {row.external_id: row for row in rows}

    def _values(self, record: RecordIn, payload: dict, digest: str, now: Any) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "external_id": record.external_id,
            "kind": record.kind,
            "status": record.status,
            "category": record.category,
            "area_code": record.area_code,
            "title": record.title,
            "latitude": record.latitude,
            "longitude": record.longitude,
            "amount": record.amount,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "attributes": record.attributes,
            "payload": payload,
            "content_hash": digest,
            "stored_at": now,
            "last_seen_run_id": self.run_id,
            "deleted_at": now if record.deleted else None,
        }


def _change(
    record_id: int, values: dict[str, Any], previous_status: str | None, created: bool
) -> RecordChange:
    return RecordChange(
        record_id,
        values["source_id"],
        values["kind"],
        values["external_id"],
        created,
        previous_status,
        values["status"],
        values["category"],
        values["area_code"],
        values["created_at"],
        values["updated_at"],
        attributes=values["attributes"],
    )


HASH_FORM = "2:"
"""How a hash of :func:`content_hash` begins; one without it is of :func:`legacy_hash`."""

JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
MAYBE_UNCLEAN = re.compile(rb"\\u00[01]|\\[bf]|\xef\xbf[\xbe\xbf]")
"""In canonical JSON, what a character of ``hub.storable.NOT_IN_XML`` would look like (and, seldom,
what is only an escaped backslash before such text)."""


def canonical(payload: Any) -> tuple[Any, bytes]:
    """``payload`` without the characters the database or XML cannot hold (see
    :func:`cleaned`), and its canonical JSON: keys sorted, the same for equal JSON."""
    text = _canonical_json(payload)
    if text is None or MAYBE_UNCLEAN.search(text):
        payload = cleaned(payload)
        text = _canonical_json(payload)
    if text is None:
        text = _legacy_json(payload).encode()
    return payload, text


def content_hash(payload: Any) -> str:
    """A stable hash of a payload: equal for equal JSON, whatever the key order."""
    return _digest(canonical(payload)[1])


def legacy_hash(payload: Any) -> str:
    """The hash earlier versions stored, without :data:`HASH_FORM`."""
    return hashlib.sha256(_legacy_json(payload).encode()).hexdigest()


def _digest(text: bytes) -> str:
    return HASH_FORM + hashlib.blake2b(text, digest_size=31).hexdigest()


def _canonical_json(payload: Any) -> bytes | None:
    """Canonical JSON of ``payload``; None for what orjson cannot write (lone surrogates,
    integers beyond 64 bits)."""
    try:
        return orjson.dumps(payload, default=str, option=JSON_OPTIONS)
    except TypeError:
        return None


def _legacy_json(payload: Any) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def _upsert_statement(session: Session, *, returning: bool = True) -> Any:
    """INSERT ... ON CONFLICT (source, external id) DO UPDATE, RETURNING the ids unless
    ``returning`` is false (the statement then runs as one prepared statement for many rows)."""
    table = Record.__table__
    dialect = postgresql if is_postgresql(session) else sqlite
    statement = dialect.insert(table)
    kept = {"id", "source_id", "external_id", "first_seen_at"}
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.source_id, table.c.external_id],
        set_={c.name: statement.excluded[c.name] for c in table.columns if c.name not in kept},
    )
    return statement.returning(table.c.external_id, table.c.id) if returning else statement


_REHASH = (
    update(Record.__table__)
    .where(Record.__table__.c.id == bindparam("b_id"))
    .values(content_hash=bindparam("b_hash"))
)


def _is_older(record: RecordIn, other: Any) -> bool:
    return (
        record.updated_at is not None
        and other.updated_at is not None
        and record.updated_at < other.updated_at
    )


def _is_unchanged(row: Any, record: RecordIn, digest: str, payload: Any) -> bool:
    """Same content, or an out-of-order copy older than what is stored."""
    if _is_older(record, row):
        return True
    if (row.deleted_at is not None) != record.deleted:
        return False
    if row.content_hash.startswith(HASH_FORM):
        return row.content_hash == digest
    return row.content_hash == legacy_hash(payload)


RECORD_FIELDS = tuple(f.name for f in fields(RecordIn))


def _cleaned(record: RecordIn) -> RecordIn:
    """The record without the characters the database or XML cannot hold, in any of its text."""
    if not _is_unclean(record):
        return record
    return replace(record, **{name: cleaned(getattr(record, name)) for name in RECORD_FIELDS})


def _is_unclean(value: Any) -> bool:
    """Whether :func:`cleaned` would change any text of ``value`` (a record, or its fields),
    read from its JSON in one pass."""
    try:
        text = orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return True
    return MAYBE_UNCLEAN.search(text) is not None


def _is_refusal(error: BaseException) -> bool:
    """Whether ``error`` refuses the values written, rather than telling that the database is
    unreachable (which fails the run, to be read again)."""
    if isinstance(error, exc.DBAPIError):
        return isinstance(error, REFUSALS)
    return isinstance(error, (*REFUSALS, exc.StatementError))


def _excerpt(payload: Any) -> str:
    try:
        text = json.dumps(payload, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(payload)
    return text[:PAYLOAD_EXCERPT]
