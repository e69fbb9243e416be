"""Reports and their attachments as the JSON API's response models (:mod:`.schemas`)."""

from __future__ import annotations

from flask import url_for

from features.reports.models import ActivityReport, ReportAttachment
from features.reports.schemas import Attachment, Report

REPORT_COLUMNS = tuple(name for name in Report.model_fields if name != "attachments")


def report_body(report: ActivityReport) -> Report:
    return Report(
        **{name: getattr(report, name) for name in REPORT_COLUMNS},
        attachments=[attachment_body(item) for item in report.attachments],
    )


def attachment_body(attachment: ReportAttachment) -> Attachment:
    thumbnail = (
        url_for("reports.thumbnail", attachment_id=attachment.id)
        if attachment.thumbnail_digest
        else None
    )
    return Attachment(
        id=attachment.id,
        kind=attachment.kind,
        name=attachment.name,
        content_type=attachment.content_type,
        size=attachment.size,
        width=attachment.width,
        height=attachment.height,
        url=url_for("reports.attachment", attachment_id=attachment.id),
        thumbnail_url=thumbnail,
    )
