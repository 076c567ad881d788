"""Numbered pages of a list of posts: /, /page/2/, /tags/ppo/page/3/ ..."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for


@dataclass(frozen=True)
class Pager:
    number: int  # this page, from 1
    count: int  # pages in all
    endpoint: str
    values: dict = field(default_factory=dict)  # the list's own URL values (a tag's name...)

    def url(self, number: int) -> str:
        """Page ``number`` of the same list; page 1 is the list's own URL."""
        return url_for(self.endpoint, **{**self.values, "number": number})

    @property
    def newer(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def older(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None
