"""What goes wrong with a report or a file, said clearly, for the pages and the JSON API."""

from __future__ import annotations

from collections.abc import Sequence


class Problem(Exception):
    """A refusal: a code for programs, a message for people, the field it is about and the HTTP
    status that says it best."""

    def __init__(self, code: str, message: object, field: str | None = None, status: int = 400):
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.field = field
        self.status = status

    def as_json(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


class InvalidFields(Problem):
    """Several fields of a report are wrong; it reads as the first of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        first = problems[0]
        super().__init__(first.code, first.message, first.field, first.status)
        self.problems = list(problems)

    def by_field(self) -> dict[str, str]:
        return {problem.field or "": problem.message for problem in self.problems}
