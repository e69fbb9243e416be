"""Reading schema.org JSON-LD: which documents are JSON-LD, and the JobPostings they hold, in a
JSON document or in the ``<script type="application/ld+json">`` blocks of an HTML page."""

from __future__ import annotations

import json
from typing import Any

from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_html

CONTAINERS = ("ItemList",)
UNREADABLE = "@unreadable"
"""The key of what stands for a JSON-LD block that is not JSON: its value says why."""
BLOCKS = '//script[@type="application/ld+json"]'
EXCERPT = 200


def type_names(node: Any) -> set[str]:
    """The short ``@type`` names of ``node``: "JobPosting" for "schema:JobPosting" too."""
    if not isinstance(node, dict):
        return set()
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return {name.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for name in names if isinstance(name, str)}


def is_posting(node: Any) -> bool:
    return "JobPosting" in type_names(node)


def is_unreadable(node: Any) -> bool:
    return isinstance(node, dict) and UNREADABLE in node


def blocks_in_html(content: bytes, encoding: str = "utf-8") -> list[Any]:
    """The nodes of an HTML page's JSON-LD blocks, as extruct reads them (a block holding a list
    gives each of its nodes). A block that is not JSON gives an :data:`UNREADABLE` node saying
    where and why, so that one broken block spoils only itself."""
    tree = parse_html(content, encoding=encoding)
    extractor = JsonLdExtractor()
    nodes: list[Any] = []
    for number, block in enumerate(tree.xpath(BLOCKS), start=1):
        try:
            nodes.extend(extractor.extract_items(block))
        except ValueError as error:
            text = " ".join(block.xpath("string()").split())
            nodes.append(
                {
                    UNREADABLE: f"JSON-LD block {number} of the page is not JSON: {error}",
                    "text": text[:EXCERPT],
                }
            )
    return nodes


def postings_in_page(nodes: list[Any]) -> list[Any]:
    """The JobPostings among the JSON-LD nodes of an HTML page, and its unreadable blocks.

    A page carries other markup too (its WebSite, BreadcrumbList, Organization): only
    JobPostings count, found on their own, in lists, ItemLists and ``@graph``.
    """
    readable = [node for node in nodes if has_schema_context(node) and not is_unreadable(node)]
    found = postings_in(readable)
    return [node for node in nodes if is_unreadable(node)] + [
        node for node in found if is_posting(node)
    ]


def has_schema_context(document: Any) -> bool:
    """True for a JSON-LD document using schema.org: an object with an ``@context`` naming it, or
    a non-empty list of such objects."""
    nodes = document if isinstance(document, list) else [document]
    return bool(nodes) and all(
        isinstance(node, dict) and "schema.org" in json.dumps(node.get("@context", ""))
        for node in nodes
    )


def holds_postings(document: Any) -> bool:
    """True if ``document`` is a list, an ItemList, an ``@graph`` or a JobPosting."""
    return (
        isinstance(document, list)
        or "@graph" in document
        or bool(type_names(document) & {"JobPosting", *CONTAINERS})
    )


def postings_in(document: Any) -> list[Any]:
    """The postings of a JSON-LD document, each as its own node.

    Items of lists and ItemLists are all returned, so that whatever is not a JobPosting is shown
    as a record error; nodes of an ``@graph`` other than postings and lists (the Organization
    that publishes them, say) are left out.
    """
    if isinstance(document, list):
        return [posting for node in document for posting in postings_in(node)]
    if not isinstance(document, dict):
        return [document]
    if "@graph" in document:
        graph = _as_list(document["@graph"])
        return postings_in([node for node in graph if is_posting(node) or _is_container(node)])
    if _is_container(document):
        elements = _as_list(document.get("itemListElement"))
        return postings_in([_list_item(element) for element in elements])
    return [document]


def text_values(value: Any) -> list[str]:
    """The texts in a property value: a string, a list, or nodes with a ``name`` (a DefinedTerm,
    an Organization) or a ``credentialCategory``."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [text for item in value for text in text_values(item)]
    if isinstance(value, dict):
        keys = ("name", "credentialCategory", "educationalLevel", "value")
        return [text for key in keys for text in text_values(value.get(key))]
    return []


def _is_container(node: Any) -> bool:
    return bool(type_names(node) & set(CONTAINERS))


def _list_item(element: Any) -> Any:
    """The item of a ListItem, or the element itself when it is not wrapped."""
    if "ListItem" in type_names(element) and "item" in element:
        return element["item"]
    return element


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
