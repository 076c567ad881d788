"""`flask new "Title"`: start a post as a draft file with valid front matter.

The file passes `flask check` as written: every required field is filled from
the options (summary and category are asked for when not given, never left as
placeholder text), the date is today, ``draft: true`` keeps it hidden, and the
series part defaults to the next free one. Before anything is written the text
goes through check's own front-matter and series rules; if they find a problem
(a control character, a tag with no letter), nothing is written and the command
says why. It never writes into the installed package's demo posts.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections import Counter
from pathlib import Path

import click
from flask.cli import ScriptInfo, with_appcontext

from ..content.collection import _series_problems  # the series rules `check` applies, not a copy of them
from ..content.post import RESERVED_SLUGS, SLUG, display_path, post_from_page, slugify
from ..content.shipped import in_installed_package
from ..content.sources import post_paths
from ..state import state

# Room for the ".md" and far below any file system's 255-byte limit on a name.
MAX_SLUG = 80
BODY = "Write the post here. It stays a draft (hidden) until you delete `draft: true`.\n"


def file_slug(title: str) -> str:
    """The file name for a title: ASCII letters, digits and hyphens (accents dropped), cut at a word."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    # "#1" in a title is a number sign, not C#: slugify would spell it "sharp".
    slug = slugify(ascii_text.replace("#", " "))
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG + 1]  # one more: a hyphen right after the limit ends a whole word
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:MAX_SLUG]
    return slug


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


def _readable(option: str, value: str | None) -> None:
    """Refuse text the terminal could not decode (Python keeps such bytes as lone surrogates)."""
    if value is not None and any("\ud800" <= c <= "\udfff" for c in value):
        raise click.UsageError(f"{option} is not valid UTF-8 text: set your terminal to UTF-8, or retype it")


def _non_blank(value: str) -> str:
    if not value.strip():
        raise click.UsageError("it cannot be blank")
    return value


def _ask(question: str, default: str | None = None) -> str | None:
    """The answer to ``question``, or None when stdin has nothing to read (a pipe, /dev/null, CI)."""
    try:
        return click.prompt(question, default=default, value_proc=_non_blank)
    except click.Abort as stop:
        # click turns both end-of-input and Ctrl-C into Abort; only the first means "cannot ask".
        if isinstance(stop.__context__, EOFError):
            click.echo()  # end the prompt's line
            return None
        raise


def _target(title: str, slug: str | None) -> Path:
    """The new file's path, refusing unusable names, the installed demo posts and existing files."""
    content_dir = state().content_dir
    if in_installed_package(content_dir):
        raise click.ClickException(
            f"{content_dir} holds the demo posts installed with the engine, not a place to write: run from a "
            "folder that has a pages/ folder, or set BLOG_CONTENT_DIR (FLASK_BLOG_CONTENT_DIR) to your content folder")
    slug = slug or file_slug(title)
    if not SLUG.match(slug or "") or slug in RESERVED_SLUGS or len(slug) > MAX_SLUG:
        raise click.UsageError(f"cannot make a file name from {title!r}: pass --slug my-post "
                               f"(lowercase letters, digits, hyphens; at most {MAX_SLUG} characters)")
    target = content_dir / f"{slug}.md"
    same_name = next((path for path in post_paths(content_dir) if path.stem == slug), None)
    if same_name is not None:
        raise click.ClickException(f"{same_name} already exists: not overwritten (choose another --slug)")
    return target


def _problems_of(text: str, target: Path) -> list[str]:
    """What `flask check` would say about ``text`` as ``target``: its front matter, and the series."""
    blog = state()
    if len(text.encode("utf-8")) > blog.collection.max_bytes:
        return ["the post would be over BLOG_MAX_POST_KB"]
    # FlatPages' own parse, then the front-matter rules, as a load does (collection.py).
    page = blog.collection.pages._parse(text, target.stem, "")
    post, problems = post_from_page(page, target, display_path(target))
    if post is not None:
        others = list(blog.collection.loaded(max_age=0).posts)
        before = set(map(str, _series_problems(others)))
        problems = [p for p in _series_problems([*others, post]) if str(p) not in before]
    return [f"line {p.line}: {p.message}" if p.line else p.message for p in problems]


def _write(target: Path, text: str) -> None:
    """Write ``text`` to the new file ``target``; on failure, leave no file behind."""
    data = text.encode("utf-8")
    try:
        out = target.open("xb")  # "x": refuse even if the file appeared meanwhile
    except FileExistsError:
        raise click.ClickException(f"{target} already exists: not overwritten (choose another --slug)") from None
    except OSError as error:
        raise click.ClickException(f"could not create {target}: {error.strerror or error}") from None
    try:
        with out:
            out.write(data)
    except OSError as error:  # a full disk, say: an empty or cut file would fail `check`
        target.unlink(missing_ok=True)
        raise click.ClickException(f"could not write {target}: {error.strerror or error}") from None


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
    """Create <content dir>/<slug>.md as a draft that `flask check` accepts; never overwrite a file."""
    given = {"the title": title, "--summary": summary, "--category": category, "--tags": tags,
             "--series": series, "--slug": slug}
    for option, value in given.items():
        _readable(option, value)
    for option, value in (("--summary", summary), ("--category", category), ("--series", series)):
        if value is not None and not value.strip():
            raise click.UsageError(f"{option} is blank: give it some text, or leave the option out")
    if part is not None and not series:
        raise click.UsageError("--part needs --series")
    title = " ".join(title.split())
    target = _target(title, slug)
    usual = _usual_category()
    summary = summary or _ask("Summary (one or two sentences)")
    if summary is None:
        raise click.UsageError(f'no summary, and none can be asked for (stdin is not a terminal): pass --summary "One or '
                               f'two sentences." (and --category, or the post goes in "{usual}")')
    category = category or _ask("Category", default=usual) or usual
    if series and part is None:
        part = _next_part(series)
    text = front_matter(title, dt.date.today(), summary.strip(), category.strip(), _tags(tags),
                        series.strip() if series else None, part) + "\n" + BODY
    problems = _problems_of(text, target)
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise click.ClickException(f"{target} not written: `flask check` would reject it:\n{listed}")
    _write(target, text)
    click.echo(f"Created {target} (a draft: `BLOG_SHOW_DRAFTS=true {_flask_command()} run --debug` shows it).")


def _flask_command() -> str:
    """``flask --app <what this command was given>``, for a command line the writer can copy."""
    info = click.get_current_context().find_object(ScriptInfo)
    where = info.app_import_path if info else None
    return f"flask --app {where}" if where else "flask"
