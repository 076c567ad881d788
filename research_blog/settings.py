"""The blog's settings: where they come from, and one check of every value when the app starts.

Lowest first: ``DEFAULTS``; ``blog.toml`` beside a standalone app (settings_file.py);
the environment, as ``BLOG_X`` (the form the README and ``flask new`` use) or Flask's ``FLASK_BLOG_X`` (which wins); then the app's own
config (the mapping given to ``create_app``, or what a host app set). ``validate``
then checks every ``BLOG_*`` value, so a bad one stops the app at start with the
key, the value and what is expected, rather than answering 500 later.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import click

from .content.problems import shown

# BLOG_CONTENT_DIR has no fixed default: it is the `pages/` folder beside the app
# that mounts the blog (extension.content_dir_of), or for create_app() see there.
DEFAULTS: dict[str, Any] = {
    "BLOG_URL_PREFIX": "",
    "BLOG_SITE_URL": None,
    "BLOG_SHOW_DRAFTS": False,
    "BLOG_AUTO_RELOAD": None,  # None: every request with --debug, else every BLOG_RELOAD_SECONDS
    "BLOG_RELOAD_SECONDS": 2.0,
    "BLOG_MAX_POST_KB": 512,
    "BLOG_PAGE_SIZE": 20,  # posts per listing, category, tag and series page
    "BLOG_EXECUTE_TIMEOUT": 300,  # seconds one post's code may run under `flask execute`
    "BLOG_NOTEBOOK_OUTPUT_MB": 5,  # stored outputs one notebook post may hold
    "BLOG_PAGE_CACHE_MB": 64,  # rendered pages kept in memory, per app
    "BLOG_RENDER_CACHE": "default",  # a folder, "default" ($XDG_CACHE_HOME/research-blog), or None: memory only
    "BLOG_TITLE": "Research Blog",
    "BLOG_TAGLINE": "Deep dives into machine learning research papers, mathematical derivations, "
    "and implementation details.",
    "BLOG_AUTHOR": "Research Blog",
    "BLOG_LANGUAGE": "en",
    "BLOG_MENU": [],  # header links: [{"label": "About", "url": "/about/"}]; a path is inside the blog
}


class SettingsError(click.ClickException, ValueError):
    """One or more BLOG_* settings are wrong; the message names each key, its value and what it needs.

    A ClickException, so every ``flask`` command prints it as one line, not a traceback.
    """


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _whole(least: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and value >= least


def _text(longest: int, empty: bool = False) -> Callable[[Any], bool]:
    # Control characters break the feed's XML; surrogates are bytes the environment could not decode.
    def accepts(value: Any) -> bool:
        return (isinstance(value, str) and (empty or bool(value.strip())) and len(value) <= longest
                and not any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n" for c in value))
    return accepts


def _folder(value: Any) -> bool:
    return isinstance(value, str | os.PathLike) and bool(str(value).strip())


def _url_prefix(value: Any) -> bool:
    return value is None or (isinstance(value, str) and re.fullmatch(r"(/[^\s?#]*)?", value) is not None
                             and "//" not in value)


def _site_url(value: Any) -> bool:
    if value is None or value == "":
        return True
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not (parts.query or parts.fragment)


def _menu(value: Any) -> bool:
    # Each entry: a label to show and a target, a full http(s) URL or a path inside the blog ("/about/").
    return isinstance(value, list | tuple) and all(
        isinstance(entry, Mapping) and set(entry) == {"label", "url"} and _text(60)(entry["label"])
        and isinstance(entry["url"], str) and (entry["url"].startswith("/") or _site_url(entry["url"]))
        and entry["url"].strip() == entry["url"] != ""
        for entry in value)


def _optional_bool(value: Any) -> bool:
    return value is None or isinstance(value, bool)


@dataclass(frozen=True)
class Rule:
    accepts: Callable[[Any], bool]
    expected: str
    text: bool = False  # from the environment as written, never parsed as JSON ("2024" stays text)


RULES: dict[str, Rule] = {
    "BLOG_CONTENT_DIR": Rule(_folder, "the path of the folder holding the .md posts", text=True),
    "BLOG_URL_PREFIX": Rule(_url_prefix, 'where the blog is mounted: "" for the root, or a path such as /blog', text=True),
    "BLOG_SITE_URL": Rule(_site_url, "the site's public address, e.g. https://example.org (or none)", text=True),
    "BLOG_SHOW_DRAFTS": Rule(lambda v: isinstance(v, bool), "true or false"),
    "BLOG_AUTO_RELOAD": Rule(_optional_bool, "true, false, or null (every request with --debug, else every "
                                             "BLOG_RELOAD_SECONDS)"),
    "BLOG_RELOAD_SECONDS": Rule(lambda v: _number(v) and v >= 0, "a number of seconds, 0 or more"),
    "BLOG_MAX_POST_KB": Rule(_whole(1), "a whole number of kilobytes, at least 1"),
    "BLOG_PAGE_SIZE": Rule(_whole(1), "a whole number of posts per page, at least 1"),
    "BLOG_EXECUTE_TIMEOUT": Rule(lambda v: _number(v) and v > 0, "a number of seconds, more than 0"),
    "BLOG_NOTEBOOK_OUTPUT_MB": Rule(lambda v: _number(v) and v > 0, "a number of megabytes, more than 0"),
    "BLOG_PAGE_CACHE_MB": Rule(lambda v: _number(v) and v >= 0, "a number of megabytes, 0 or more (0: no page cache)"),
    "BLOG_RENDER_CACHE": Rule(lambda v: v in (None, False) or isinstance(v, str | os.PathLike),
                              'a folder, "default", or null for memory only', text=True),
    "BLOG_TITLE": Rule(_text(200), "a non-empty text of at most 200 characters, without control characters", text=True),
    "BLOG_TAGLINE": Rule(_text(1000, empty=True), "a text of at most 1000 characters, without control characters",
                         text=True),
    "BLOG_AUTHOR": Rule(_text(200), "a non-empty text of at most 200 characters, without control characters", text=True),
    "BLOG_LANGUAGE": Rule(lambda v: isinstance(v, str) and re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", v) is not None,
                          "a language tag such as en or en-GB", text=True),
    "BLOG_MENU": Rule(_menu, 'a list of links, each {label = "About", url = "/about/"} (a path inside the blog '
                             'or a full https:// address; labels of at most 60 characters)'),
}


def _from_environment(key: str, raw: str) -> Any:
    """A value as the environment spells it: JSON where it parses (true, 20, null), else the text."""
    rule = RULES.get(key)
    if rule and rule.text and raw != "null":
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def environment_layer(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Every known setting the environment gives, as ``BLOG_X`` or ``FLASK_BLOG_X`` (which wins)."""
    found = {}
    for key in known_keys():
        for name in (key, "FLASK_" + key):
            if name in environ:
                found[key] = _from_environment(key, environ[name])
    return found


def known_keys() -> list[str]:
    return sorted(set(DEFAULTS) | set(RULES))


def apply_defaults(config: MutableMapping[str, Any]) -> None:
    """Fill in what the app's config leaves unset: from the environment, then DEFAULTS."""
    for key, value in {**DEFAULTS, **environment_layer()}.items():
        config.setdefault(key, value)


def validate(config: Mapping[str, Any]) -> None:
    """Raise SettingsError naming every BLOG_* setting whose value is wrong, and every unknown one."""
    known = known_keys()
    messages = []
    for key in sorted(k for k in config if isinstance(k, str) and k.startswith("BLOG_")):
        rule = RULES.get(key)
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]}?" if close else f"known settings: {', '.join(known)}"
            messages.append(f"unknown setting {key} (a typo?): {hint}")
        elif rule and not rule.accepts(config[key]):
            messages.append(f"{key} is {shown(config[key])}: expected {rule.expected}")
    if messages:
        raise SettingsError("; ".join(messages) + " (set in the app's config, or as FLASK_BLOG_... in the environment)")
