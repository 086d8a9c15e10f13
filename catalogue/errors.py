"""Import errors that name the line and column, readable by the volunteer who made the file."""

from __future__ import annotations

from dataclasses import dataclass, field

from losen.locales import gettext


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One problem in an import file; ``message`` is a gettext id with ``{named}`` params."""

    line: int | None
    column: str | None
    message: str
    params: dict[str, str] = field(default_factory=dict)
    record: bool = False
    """True where ``line`` counts services in an HSDS file rather than lines in a CSV."""

    def render(self, lang: str = "nb") -> str:
        text = gettext(lang, self.message, **self.params)
        if self.line is None:
            return text
        if self.record:
            where = gettext(lang, "Service no. {line}", line=str(self.line))
        else:
            where = gettext(lang, "Line {line}", line=str(self.line))
        if self.column:
            where += ", " + gettext(lang, "column {column}", column=self.column)
        return f"{where}: {text}"


class ImportRefused(Exception):
    """The whole file was refused; nothing was written. Holds every problem found."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    def render(self, lang: str = "nb") -> list[str]:
        return [p.render(lang) for p in self.problems]
