"""Reads any schema.org JobPosting feed: one JSON-LD document, a complete listing every time.

The cursor stays empty, so every run is a full one and postings removed from the feed are found
deleted. A document that is not JSON-LD fails the run before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.api import MalformedJSON, Page, SourceError, http_client, read_json
from simpul_jobs.jsonld import has_schema_context, holds_postings, postings_in, type_names

ACCEPT = "application/ld+json, application/json;q=0.9"


class JobPostingFeedConnector:
    """A connector over the JSON-LD document at ``url``."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.url: str = settings["url"]
        self.client = http_client(self.url, headers={"Accept": ACCEPT}, timeout=settings["timeout"])

    def fetch_page(self, cursor: str | None) -> Page:
        document = self._document()
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
        return Page(records=postings_in(document), next_cursor=None, has_more=False)

    def _document(self) -> Any:
        """The feed's JSON; an answer that is not JSON at all is not JSON-LD either."""
        response = self.client.get(self.url, follow_redirects=True)
        try:
            return read_json(response)
        except MalformedJSON as error:
            raise MalformedJSON(f"{self.url} is not JSON-LD: {error}") from None

    def close(self) -> None:
        self.client.close()
