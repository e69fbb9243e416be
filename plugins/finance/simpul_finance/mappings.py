"""Column mappings an officer made for a file whose header the importer did not know.

A mapping belongs to a source and a header row: it is found again by the header's signature
(its cells, whatever their case and punctuation), so the next file with the same header is read
without asking.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from hub.api import Base, Json, Source, UTCDateTime, utcnow


class ColumnMapping(Base):
    """Which column of a header row fills which field, for one source."""

    __tablename__ = "finance_column_mappings"
    __table_args__ = (UniqueConstraint("source_id", "signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    signature: Mapped[str] = mapped_column(String(64))
    layout: Mapped[str] = mapped_column(String(32))
    columns: Mapped[dict] = mapped_column(Json)
    """Field name to the index of its column in the header row."""
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class ColumnMap:
    """A saved mapping: the layout the table is read as, and each field's column index."""

    layout: str
    columns: dict[str, int]


def signature(cells: Iterable[Any]) -> str:
    """The signature of a header row: the same for the same headers, spelled in any case."""
    keys = [re.sub(r"[^a-z0-9%]", "", str(cell or "").lower()) for cell in cells]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def saved_mappings(session: Session, source_name: str) -> dict[str, ColumnMap]:
    """Every mapping saved for the source, by signature."""
    rows = session.scalars(
        select(ColumnMapping).join(Source).where(Source.name == source_name)
    ).all()
    return {row.signature: ColumnMap(row.layout, dict(row.columns)) for row in rows}


def save_mapping(
    session: Session, source_name: str, header_signature: str, mapping: ColumnMap, user_id: int
) -> None:
    """Keep ``mapping`` for the header ``header_signature`` of the source, replacing any other."""
    source_id = session.scalar(select(Source.id).where(Source.name == source_name))
    if source_id is None:
        raise LookupError(source_name)
    row = session.scalar(
        select(ColumnMapping).where(
            ColumnMapping.source_id == source_id, ColumnMapping.signature == header_signature
        )
    )
    if row is None:
        row = ColumnMapping(source_id=source_id, signature=header_signature)
        session.add(row)
    row.layout, row.columns = mapping.layout, dict(mapping.columns)
    row.saved_by, row.saved_at = user_id, utcnow()
