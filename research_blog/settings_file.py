"""``blog.toml``: the blog's settings in a file, under readable names.

``title = "My notes"`` in the file is ``BLOG_TITLE`` in the app's config: every
``BLOG_*`` setting is its lower-case name without the prefix. The file is one
layer of ``create_app``'s settings, read after the defaults and before the
environment, through Flask's ``config.from_file`` with ``tomllib``. It is
checked as it is read, so a typo or a wrong type stops the app with the file,
the key (as written there) and what it expects.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import IO, Any

from flask import Config

from . import settings
from .content.problems import shown

FILE_NAME = "blog.toml"

# Paths in the file are relative to the file, not to wherever the server was started.
_PATH_KEYS = {"BLOG_CONTENT_DIR", "BLOG_RENDER_CACHE"}


def readable_name(key: str) -> str:
    """``BLOG_SHOW_DRAFTS`` -> ``show_drafts``, the name the file uses."""
    return key.removeprefix("BLOG_").lower()


class SettingsFileError(settings.SettingsError):
    """blog.toml does not parse, or holds an unknown key or a value of the wrong type."""


def read(stream: IO[bytes], path: Path) -> dict[str, Any]:
    """The file's settings as ``BLOG_*`` keys, each checked; raise SettingsFileError naming file and key."""
    try:
        raw = tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise SettingsFileError(f"{path}: not valid TOML ({error}); see the commented blog.toml `research-blog init` "
                                f"writes for the form of each setting") from None
    known = {readable_name(key): key for key in settings.known_keys()}
    found, messages = {}, []
    for name, value in raw.items():
        key = known.get(name)
        if key is None:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"did you mean {close[0]}?" if close else f"known keys: {', '.join(sorted(known))}"
            messages.append(f"unknown key {name!r} (a typo?): {hint}")
            continue
        if key in _PATH_KEYS and isinstance(value, str) and value.strip() and value != "default":
            value = str((path.parent / Path(value).expanduser()).resolve())
        rule = settings.RULES.get(key)
        if rule and not rule.accepts(value):
            messages.append(f"{name} is {shown(value)}: expected {rule.expected}")
            continue
        found[key] = value
    if messages:
        raise SettingsFileError(f"{path}: " + "; ".join(messages))
    return found


def load_into(config: Config, path: Path) -> bool:
    """Read ``path`` into ``config`` if it exists; whether it did."""
    if not path.is_file():
        return False
    return config.from_file(str(path), load=lambda stream: read(stream, path), text=False)


def default_path() -> Path:
    """``blog.toml`` in the folder the server runs from: where ``app.py`` is for ``flask --app app``."""
    return Path.cwd() / FILE_NAME


# What each setting does, in one line: the comments of the blog.toml `research-blog init` writes.
_EXPLAINED = {
    "BLOG_TITLE": "The site's name: header, page titles, feed.",
    "BLOG_AUTHOR": "Your name: the feed and each post's \"Cite this post\".",
    "BLOG_TAGLINE": "One sentence under the title on the front page.",
    "BLOG_CONTENT_DIR": "The folder of posts (relative to this file).",
    "BLOG_RENDER_CACHE": 'Rendered posts kept between runs: a folder (relative to this file), "default" or false.',
    "BLOG_MENU": "Links in the header: a path inside the blog (\"/welcome/\") or a full https:// address.",
    "BLOG_SITE_URL": "Where the site is published (feeds and share cards need it); `freeze --base-url` sets it too.",
    "BLOG_URL_PREFIX": 'Serve the blog under a path ("/blog") instead of at the root.',
    "BLOG_SHOW_DRAFTS": "Show posts marked draft: true.",
    "BLOG_AUTO_RELOAD": "Re-read changed posts on every request (unset: only with --debug).",
    "BLOG_RELOAD_SECONDS": "Without --debug, how often changed posts are noticed.",
    "BLOG_MAX_POST_KB": "Posts larger than this are refused by `flask check`.",
    "BLOG_PAGE_SIZE": "Posts per listing page.",
    "BLOG_PAGE_CACHE_MB": "Rendered pages kept in memory (0: none).",
    "BLOG_LANGUAGE": "The language of the posts (the page's lang attribute).",
}
# Settings unset by default, shown with a value one could write.
_UNSET_EXAMPLES = {"BLOG_CONTENT_DIR": "pages", "BLOG_AUTO_RELOAD": True, "BLOG_SITE_URL": "https://you.github.io/blog/",
                   "BLOG_MENU": [{"label": "Welcome", "url": "/welcome/"}, {"label": "GitHub", "url": "https://github.com/"}]}


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join("{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in entry.items()) + " }"
                               for entry in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def commented_file(chosen: dict[str, Any]) -> str:
    """A blog.toml with every setting explained: ``chosen`` (by readable name) set, the rest commented out."""
    unknown = set(chosen) - {readable_name(key) for key in settings.known_keys()}
    assert not unknown, f"not settings: {unknown}"
    lines = ["# Settings of this blog. Each is also a BLOG_* environment variable (FLASK_BLOG_* wins over both).",
             "# Restart `flask --app app run` after a change.", ""]
    order = list(chosen)
    keys = sorted(settings.known_keys(), key=lambda key: (order.index(readable_name(key)) if readable_name(key) in chosen
                                                          else len(order), key))
    for key in keys:
        name = readable_name(key)
        lines.append(f"# {_EXPLAINED.get(key, key)}")
        if name in chosen:
            lines.append(f"{name} = {_toml(chosen[name])}")
        else:
            lines.append(f"# {name} = {_toml(_UNSET_EXAMPLES.get(key, settings.DEFAULTS.get(key)))}")
        lines.append("")
    return "\n".join(lines)
