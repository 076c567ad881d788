"""What is wrong with the content, said the same way everywhere: ``path:line: message``."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, printed as ``path:line: message``."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# Front matter can hold anything, even a value that would take gigabytes to print
# whole: messages show a bounded summary, built without walking the whole value.
_short = reprlib.Repr()
_short.maxlevel, _short.maxlist, _short.maxdict, _short.maxtuple = 2, 4, 4, 4
_short.maxstring, _short.maxother, _short.maxlong = 60, 60, 40


def shown(value: Any) -> str:
    """A value for an error message, cut short."""
    return _short.repr(value)
