"""Reads any schema.org JobPosting feed: a JSON-LD document, or an HTML page whose
``<script type="application/ld+json">`` blocks carry the postings, a complete listing every time.

The cursor stays empty, so every run is a full one and postings removed from the feed are found
deleted. A document that holds no JobPostings fails the run before anything is stored; in an HTML
page, a block that is not JSON is a record error of its own and the other blocks are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from hub.api import MalformedJSON, Page, SourceError, http_client, read_json
from simpul_jobs.jsonld import (
    blocks_in_html,
    has_schema_context,
    holds_postings,
    is_posting,
    postings_in,
    postings_in_page,
    type_names,
)

ACCEPT = "application/ld+json, application/json;q=0.9, text/html;q=0.8"
HTML_TYPES = ("text/html", "application/xhtml+xml")


class JobPostingFeedConnector:
    """A connector over the JSON-LD document or the HTML page at ``url``."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.url: str = settings["url"]
        self.client = http_client(self.url, headers={"Accept": ACCEPT}, timeout=settings["timeout"])

    def fetch_page(self, cursor: str | None) -> Page:
        response = self.client.get(self.url, follow_redirects=True)
        try:
            document = read_json(response)
        except MalformedJSON as error:
            if not is_html(response):
                raise MalformedJSON(f"{self.url} is not JSON-LD: {error}") from None
            records = self._page_postings(response)
        else:
            records = self._document_postings(document)
        return Page(records=records, next_cursor=None, has_more=False)

    def _page_postings(self, response: httpx.Response) -> list[Any]:
        """The postings of an HTML page; SourceError if it has no readable JobPosting at all."""
        nodes = blocks_in_html(response.content, response.encoding or "utf-8")
        records = postings_in_page(nodes)
        if not any(is_posting(record) for record in records):
            found = ", ".join(sorted(set().union(*map(type_names, nodes)))) or "no JSON-LD"
            raise SourceError(
                f"{self.url} holds no JobPostings: expected an HTML page with "
                f'<script type="application/ld+json"> blocks of JobPostings, got {found}'
            )
        return records

    def _document_postings(self, document: Any) -> list[Any]:
        """The postings of a JSON-LD document; SourceError if it is not one, or holds none."""
        if not has_schema_context(document):
            raise SourceError(
                f"{self.url} is not JSON-LD: expected an object (or a list of objects) whose "
                "@context is https://schema.org"
            )
        if not holds_postings(document):
            found = ", ".join(sorted(type_names(document))) or "no @type"
            raise SourceError(
                f"{self.url} holds no JobPostings: expected a list, an ItemList, an @graph or a "
                f"JobPosting, got {found}"
            )
        return postings_in(document)

    def close(self) -> None:
        self.client.close()


def is_html(response: httpx.Response) -> bool:
    """True for an answer that is an HTML page: served as one, or starting with ``<``."""
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type in HTML_TYPES or response.content.lstrip()[:1] == b"<"
