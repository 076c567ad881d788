"""Issue 19's engine items: what the figure route may serve, one snapshot per freeze, V8 on
CPUs with memory protection keys, an idle dev server, a replaced content folder, and workers
that die with the freeze that started them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_app

SECRETS = {
    "draft.md": "---\ntitle: Secret draft\ndate: 2024-01-01\nsummary: s\ncategory: Research\ndraft: true\n---\n\nunpublished\n",
    "references.bib": None,  # the fixture's own
    ".git/HEAD": "ref: refs/heads/main\n",
    ".git/refs/heads/main": "0123456789abcdef0123456789abcdef01234567\n",
    ".git/objects/01/23456789abcdef": "git object bytes\n",
    "figures/.hidden/key.txt": "a key kept out of sight\n",
    "figures/.env": "TOKEN=secret\n",
}

# Every spelling of "go up one folder" a client can send, encoded once or not at all.
PARENT = ["..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "..%2f", "%2e%2e%2f", "..%2F", "%2e%2e%2F"]


@pytest.fixture
def secret_pages(pages_copy: Path) -> Path:
    for name, text in SECRETS.items():
        if text is not None:
            path = pages_copy / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return pages_copy


def _figure_urls() -> list[str]:
    urls = []
    for parent in PARENT:
        separator = "" if parent.lower().endswith("%2f") else "/"
        for target in ("draft.md", "references.bib", ".git/HEAD", ".git/refs/heads/main", ".git/objects/01/23456789abcdef"):
            urls.append(f"/attention/figures/{parent}{separator}{target}")
    urls += ["/attention/figures/.hidden/key.txt", "/attention/figures/.env", "/attention/figures/%2ehidden/key.txt",
             "/attention/figures/./../draft.md", "/attention/figures/weights.svg/../../draft.md"]
    return urls


@pytest.mark.parametrize("url", _figure_urls())
def test_the_figure_route_serves_nothing_but_files_under_figures(secret_pages, url):
    client = make_app(secret_pages).test_client()
    with client.get(url) as response:
        assert response.status_code == 404, url
        for needle in (b"Secret draft", b"@", b"ref: refs", b"0123456789abcdef", b"git object", b"key kept", b"TOKEN"):
            assert needle not in response.data, (url, needle)


def test_a_real_figure_is_still_served(secret_pages):
    with make_app(secret_pages).test_client().get("/attention/figures/weights.svg") as response:
        assert response.status_code == 200 and b"<svg" in response.data


@pytest.mark.parametrize("reference", ["figures/../draft.md", "figures/.git/HEAD", "figures/.env", "figures/.hidden/key.txt"])
def test_a_post_cannot_publish_a_file_beside_figures(secret_pages, tmp_path, reference):
    if reference.startswith("figures/.git"):
        (secret_pages / ".git").rename(secret_pages / "figures" / ".git")
    post = secret_pages / "attention.md"
    post.write_text(post.read_text(encoding="utf-8") + f"\n![leak]({reference})\n", encoding="utf-8")
    app = make_app(secret_pages)
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1 and f"{reference} names a hidden or parent folder" in result.output, result.output
    out = tmp_path / "site"
    result = app.test_cli_runner().invoke(args=["freeze", "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()


def test_a_symlink_in_figures_to_a_draft_beside_it_is_refused(secret_pages):
    (secret_pages / "figures" / "alias.md").symlink_to(secret_pages / "draft.md")
    with make_app(secret_pages).test_client().get("/attention/figures/alias.md") as response:
        assert response.status_code == 404 and b"Secret draft" not in response.data

