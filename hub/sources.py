"""Source types and the configuration schema of a source.

A *source type* is what a plugin contributes: the kind of app it can read. A *source* is one
configured instance of a type, declared in the hub's configuration (two cities may each run Qlue).

A type declares its settings with :class:`ConfigField`; the hub checks a source's settings with a
pydantic model built from those declarations. The value types and the wording of refusals here
are shared with :mod:`hub.config`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
)
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticCustomError

if TYPE_CHECKING:
    from hub.sync.connector import Connector, RecordIn, WriteBack


class ConfigError(ValueError):
    """A configuration that cannot be used, with a message that says how to fix it."""


def refusal(message: str, *, show_value: bool = True) -> PydanticCustomError:
    """A validator's refusal of a setting's value, for ``raise``.

    ``message`` ends a sentence that starts with the setting's name ("must be ..."); the value
    given is added after it unless ``show_value`` is false (the message already quotes it, or
    the value may hold a password).
    """
    return PydanticCustomError("simpul_value" if show_value else "simpul", message)


def _no_flag(kind: str) -> BeforeValidator:
    def check(value: Any) -> Any:
        if isinstance(value, bool):
            raise refusal(f"must be {kind}")
        return value

    return BeforeValidator(check)


def _text_items(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if isinstance(items, list | tuple) and all(isinstance(item, str) for item in items):
        return [item.strip() for item in items if item.strip()]
    raise refusal("must be a list of text")


Integer = Annotated[int, _no_flag("int")]
"""A whole number: an integer, or text that reads as one (from the environment); not true/false."""

Number = Annotated[float, _no_flag("float"), Field(allow_inf_nan=False)]
"""A finite number, or text that reads as one."""

TextList = Annotated[list[str], BeforeValidator(_text_items)]
"""A list of text, or comma-separated text; items are stripped, empty ones dropped."""

TextTuple = Annotated[tuple[str, ...], BeforeValidator(_text_items)]
""":data:`TextList`, as a tuple."""

_TYPES: dict[str, Any] = {
    "str": str,
    "int": Integer,
    "float": Number,
    "bool": bool,
    "list": TextList,
}

NUMBERS = ("int", "float")

_SAYINGS = {
    "missing": "is missing",
    "extra_forbidden": "is not a known setting",
    "int_type": "must be int",
    "int_parsing": "must be int",
    "int_from_float": "must be int (a whole number)",
    "float_type": "must be float",
    "float_parsing": "must be float",
    "finite_number": "must be a finite number",
    "bool_type": "must be bool (true or false)",
    "bool_parsing": "must be bool (true or false)",
    "string_type": "must be str",
    "list_type": "must be a list of text",
    "tuple_type": "must be a list of text",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
}
_QUIET = {"missing", "extra_forbidden", "simpul"}


_OUT_OF_RANGE = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")
_BOUNDS = {"gt": "greater than {}", "ge": "at least {}", "lt": "less than {}", "le": "at most {}"}
"""A number field's ends, as said in a refusal."""


def explain(
    problem: ErrorDetails, *, show_value: bool = True, model: type[BaseModel] | None = None
) -> str:
    """One pydantic error as the end of a sentence about the setting: ``must be int (got 'x')``.

    The value given is left out when ``show_value`` is false (a secret). A number out of range
    is told the whole range (``must be from 1 to 100``) when ``model`` has the setting.
    """
    kind = problem["type"]
    allowed = out_of_range(problem, model) if model else None
    if kind in ("simpul", "simpul_value"):
        text = problem["msg"]
    elif allowed:
        text = allowed
    elif kind in _SAYINGS:
        limits = {name: _number(value) for name, value in problem.get("ctx", {}).items()}
        text = _SAYINGS[kind].format(**limits)
    else:
        text = problem["msg"].replace("Input should be", "must be")
        text = text[:1].lower() + text[1:]
    if show_value and kind not in _QUIET:
        text += f" (got {problem['input']!r})"
    return text


def out_of_range(problem: ErrorDetails, model: type[BaseModel]) -> str | None:
    """``must be from 1 to 100`` when ``problem`` is a number out of the range of a field of
    ``model`` bounded at both ends; None otherwise."""
    if problem["type"] not in _OUT_OF_RANGE:
        return None
    return allowed_range(_field_at(model, problem["loc"]))


def allowed_range(field: FieldInfo | None) -> str | None:
    """``must be from 1 to 100``: the range of a number field bounded at both ends."""
    bounds = {
        name: _number(getattr(item, name))
        for item in (field.metadata if field else ())
        for name in _BOUNDS
        if getattr(item, name, None) is not None
    }
    low = next((name for name in ("ge", "gt") if name in bounds), None)
    high = next((name for name in ("le", "lt") if name in bounds), None)
    if low is None or high is None:
        return None
    if (low, high) == ("ge", "le"):
        return f"must be from {bounds['ge']} to {bounds['le']}"
    return f"must be {_BOUNDS[low].format(bounds[low])} and {_BOUNDS[high].format(bounds[high])}"


def _field_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> FieldInfo | None:
    """The field of ``model`` (by name or alias) that an error's ``loc`` points at."""
    field = None
    for part in loc:
        is_model = isinstance(model, type) and issubclass(model, BaseModel)
        fields = model.model_fields if is_model else {}
        field = next((info for name, info in fields.items() if part in (name, info.alias)), None)
        if field is None:
            return None
        model = field.annotation
    return field


def _number(value: Any) -> Any:
    """``0`` rather than ``0.0`` in a message about a float setting."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _key(problem: ErrorDetails) -> str:
    return str(problem["loc"][0]) if problem["loc"] else ""


@dataclass(frozen=True)
class ConfigField:
    """One setting of a source.

    ``secret`` settings are never written in a configuration file: they are read from the
    environment variable named by ``<name>_env`` or the file named by ``<name>_file``.
    """

    name: str
    type: str = "str"
    required: bool = True
    default: Any = None
    secret: bool = False
    help: str = ""
    least: float | None = None
    """The smallest value an ``int`` or ``float`` setting may take, if any."""
    most: float | None = None
    """The largest, if any."""

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise ValueError(f"unknown config field type {self.type!r}")
        if (self.least is not None or self.most is not None) and self.type not in NUMBERS:
            raise ValueError(f"only a number setting has a range, not {self.name!r}")


@dataclass(frozen=True)
class SourceType:
    """A kind of external app the hub can read, contributed by a plugin.

    ``connect`` receives the validated configuration of one source and returns a
    :class:`~hub.sync.connector.Connector`; ``normalize`` turns one raw payload into a
    :class:`~hub.sync.connector.RecordIn` or raises :class:`~hub.sync.connector.InvalidRecord`.
    ``write_back``, when the app accepts answers, sends one
    :class:`~hub.sync.connector.WriteBack` with the source's configuration, raising
    :class:`~hub.sync.connector.TransientError` to be retried later, or another
    :class:`~hub.sync.connector.SourceError` when the app refuses it.
    """

    name: str
    title: str
    connect: Callable[[Mapping[str, Any]], Connector]
    normalize: Callable[[Mapping[str, Any]], RecordIn]
    config: tuple[ConfigField, ...] = ()
    description: str = ""
    write_back: Callable[[Mapping[str, Any], WriteBack], None] | None = None
    full_every: int | None = None
    """Seconds between the complete listings the engine runs by itself, for a source of this
    type that sets no ``full_every`` of its own; None: only when asked."""

    def validate(self, source_name: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Return the source's settings checked against this type's fields.

        Raises :class:`ConfigError` naming the source and the field: the first problem of where
        a value comes from, or every value that does not fit its field.
        """
        known = {f.name for f in self.config} | {f"{f.name}_env" for f in self.config}
        known |= {f"{f.name}_file" for f in self.config}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ConfigError(f"source {source_name!r}: unknown setting {unknown[0]!r}")
        given = {}
        for spec in self.config:
            value = _given_value(source_name, spec, raw)
            if value is not None:
                given[spec.name] = value
        try:
            checked = self._settings_model.model_validate(given)
        except ValidationError as error:
            secrets = {f.name for f in self.config if f.secret}
            problems = "; ".join(
                _source_problem(
                    problem, secret=_key(problem) in secrets, model=self._settings_model
                )
                for problem in error.errors(include_url=False)
            )
            raise ConfigError(f"source {source_name!r}: {problems}") from None
        return {spec.name: getattr(checked, _attribute(i)) for i, spec in enumerate(self.config)}

    @cached_property
    def _settings_model(self) -> type[BaseModel]:
        """The pydantic model of this type's settings, keyed by the fields' names (as aliases,
        so a setting may be called anything, ``json`` or ``model_id`` included)."""
        fields: dict[str, Any] = {}
        for index, spec in enumerate(self.config):
            annotation = _TYPES[spec.type]
            if spec.type in NUMBERS:
                annotation = Annotated[annotation, Field(ge=spec.least, le=spec.most)]
            if spec.required and spec.default is None:
                fields[_attribute(index)] = (annotation, Field(alias=spec.name))
            else:
                if spec.default is None:
                    annotation = annotation | None
                fields[_attribute(index)] = (
                    annotation,
                    Field(default=spec.default, alias=spec.name),
                )
        return create_model(
            f"{self.name} source settings",
            __config__=ConfigDict(extra="forbid"),
            **fields,
        )


def _source_problem(problem: ErrorDetails, *, secret: bool, model: type[BaseModel]) -> str:
    key = _key(problem)
    text = f"setting {key!r} {explain(problem, show_value=not secret, model=model)}"
    if secret and problem["type"] == "missing":
        text += f": set {key}_env (an environment variable) or {key}_file (a file)"
    return text


def _attribute(index: int) -> str:
    return f"setting_{index}"


def _given_value(source_name: str, spec: ConfigField, raw: Mapping[str, Any]) -> Any:
    """The value ``raw`` gives ``spec``, read through ``<name>_env`` or ``<name>_file``; None
    when it gives none."""
    where = f"source {source_name!r}: setting {spec.name!r}"
    if spec.secret and spec.name in raw:
        raise ConfigError(
            f"{where} is a secret: set {spec.name}_env (an environment variable) "
            f"or {spec.name}_file (a file) instead of writing it in the configuration"
        )
    for suffix, what in (("env", "an environment variable"), ("file", "a file")):
        setting = f"{spec.name}_{suffix}"
        if setting in raw and (not isinstance(raw[setting], str) or not raw[setting]):
            raise ConfigError(
                f"source {source_name!r}: setting {setting!r} must name {what} "
                f"(got {raw[setting]!r})"
            )
    if f"{spec.name}_env" in raw:
        variable = raw[f"{spec.name}_env"]
        value = os.environ.get(variable)
        if value is None:
            raise ConfigError(f"{where}: environment variable {variable} is not set")
        return value
    if f"{spec.name}_file" in raw:
        path = Path(raw[f"{spec.name}_file"])
        try:
            return path.read_text().strip()
        except OSError as error:
            raise ConfigError(f"{where}: cannot read {path}: {error.strerror}") from None
    return raw.get(spec.name)


@dataclass(frozen=True)
class SourceSettings:
    """A source as declared in the configuration: its name, type, schedule and raw settings.

    ``full_every`` is the seconds between complete listings (which bring deletions) the engine
    runs by itself: None leaves it to the type, 0 means only when asked.
    """

    name: str
    type: str
    interval: int = 300
    enabled: bool = True
    settings: Mapping[str, Any] = field(default_factory=dict)
    full_every: int | None = None
