"""`flask new "Title"`: start a post as a draft file with valid front matter.

The file passes `flask check` as written: every required field is filled from
the options (summary and category are asked for when not given, never left as
placeholder text), the date is today, ``draft: true`` keeps it hidden, and the
series part defaults to the next free one.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections import Counter
from pathlib import Path

import click
from flask.cli import with_appcontext

from .content import RESERVED_SLUGS, SLUG, slugify
from .extension import state

BODY = "Write the post here. It stays a draft (hidden) until you delete `draft: true`.\n"


def file_slug(title: str) -> str:
    """The file name for a title: ASCII letters, digits and hyphens (accents dropped)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    # "#1" in a title is a number sign, not C#: slugify would spell it "sharp".
    return slugify(ascii_text.replace("#", " "))


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted string: colons, quotes and # stay text.
    return json.dumps(text, ensure_ascii=False)


def front_matter(title: str, day: dt.date, summary: str, category: str, tags: list[str],
                 series: str | None, part: int | None) -> str:
    lines = ["---", f"title: {_quoted(title)}", f"date: {day.isoformat()}", f"summary: {_quoted(summary)}",
             f"category: {_quoted(category)}"]
    if tags:
        lines.append("tags: [" + ", ".join(_quoted(tag) for tag in tags) + "]")
    if series:
        lines += [f"series: {_quoted(series)}", f"series_part: {part}"]
    lines += ["draft: true", "---", ""]
    return "\n".join(lines)


def _usual_category() -> str:
    counts = Counter(post.category for post in state().collection.loaded(max_age=0).posts)
    return counts.most_common(1)[0][0] if counts else "Notes"


def _next_part(series: str) -> int:
    parts = [p.series_part for p in state().collection.loaded(max_age=0).posts if p.series_slug == slugify(series)]
    return max(parts, default=0) + 1


def _tags(value: str | None) -> list[str]:
    return [" ".join(tag.split()) for tag in (value or "").split(",") if tag.strip()]


@click.command("new")
@click.argument("title")
@click.option("--summary", help="One or two sentences for the listing and the TL;DR (asked for if missing).")
@click.option("--category", help="The post's category (asked for if missing; defaults to the one most posts use).")
@click.option("--tags", help="Comma-separated tags, e.g. --tags 'RLHF, PPO'.")
@click.option("--series", help="The series the post belongs to.")
@click.option("--part", type=click.IntRange(min=1), help="Its part in the series (default: the next one).")
@click.option("--slug", help="The file name without .md (default: from the title).")
@with_appcontext
def new_command(title: str, summary: str | None, category: str | None, tags: str | None,
                series: str | None, part: int | None, slug: str | None) -> None:
    """Create <content dir>/<slug>.md as a draft with valid front matter; never overwrite a file."""
    if part is not None and not series:
        raise click.UsageError("--part needs --series")
    slug = slug or file_slug(title)
    if not SLUG.match(slug or "") or slug in RESERVED_SLUGS:
        raise click.UsageError(f"cannot make a file name from {title!r}: pass --slug my-post (lowercase letters, digits, hyphens)")
    target: Path = state().content_dir / f"{slug}.md"
    if target.exists():
        raise click.ClickException(f"{target} already exists: not overwritten (choose another --slug)")
    summary = summary or click.prompt("Summary (one or two sentences)")
    category = category or click.prompt("Category", default=_usual_category())
    if series and part is None:
        part = _next_part(series)
    text = front_matter(title.strip(), dt.date.today(), summary.strip(), category.strip(), _tags(tags), series, part)
    with target.open("x", encoding="utf-8") as out:  # "x": refuse even if the file appeared meanwhile
        out.write(text + "\n" + BODY)
    click.echo(f"Created {target} (a draft; `flask --app app run --debug` with BLOG_SHOW_DRAFTS=true shows it).")
