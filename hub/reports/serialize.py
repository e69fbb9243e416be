"""Reports as JSON, in the shape the OpenAPI document describes."""

from __future__ import annotations

from typing import Any

from flask import url_for

from hub.models import ActivityReport, ReportAttachment


def report_json(report: ActivityReport) -> dict[str, Any]:
    return {
        "id": report.id,
        "client_id": report.client_id,
        "area_code": report.area_code,
        "activity_type": report.activity_type,
        "date": report.date.isoformat(),
        "title": report.title,
        "description": report.description,
        "participants": report.participants,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "location_source": report.location_source,
        "status": report.status,
        "review_comment": report.review_comment,
        "reviewed_at": _timestamp(report.reviewed_at),
        "created_at": _timestamp(report.created_at),
        "updated_at": _timestamp(report.updated_at),
        "attachments": [attachment_json(item) for item in report.attachments],
    }


def attachment_json(attachment: ReportAttachment) -> dict[str, Any]:
    thumbnail = (
        url_for("reports.thumbnail", attachment_id=attachment.id)
        if attachment.thumbnail_digest
        else None
    )
    return {
        "id": attachment.id,
        "kind": attachment.kind,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "width": attachment.width,
        "height": attachment.height,
        "url": url_for("reports.attachment", attachment_id=attachment.id),
        "thumbnail_url": thumbnail,
    }


def _timestamp(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
