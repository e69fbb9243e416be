"""GeoReport v2 documents in JSON and in XML, and the standard's error document.

The XML follows the specification's element names: a list is an element named for what it holds
(``services``) with one child per item (``service``).
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from flask import Response

ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def document(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    """``value`` as a response in ``fmt`` ("json" or "xml"); ``root`` names the XML root."""
    if fmt == "xml":
        element = ElementTree.Element(root)
        _fill(element, value)
        body = ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)
    else:
        body = json.dumps(value, ensure_ascii=False).encode()
    return Response(body, status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))


def errors(fmt: str, status: int, descriptions: list[str]) -> Response:
    """The standard's error document: ``[{"code": 400, "description": "..."}]``."""
    items = [{"code": status, "description": str(text)} for text in descriptions]
    return document(fmt, "errors", items, status)


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _fill(ElementTree.SubElement(element, name), item)
    elif isinstance(value, list | tuple):
        for item in value:
            _fill(ElementTree.SubElement(element, ITEM_NAMES[element.tag]), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
