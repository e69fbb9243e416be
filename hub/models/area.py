"""Administrative areas (Kemendagri codes)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base


class Area(Base):
    """A province, regency (kota/kabupaten), district (kecamatan) or village (kelurahan/desa)."""

    __tablename__ = "areas"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(
        String(16), ForeignKey("areas.code"), index=True
    )
    level: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
