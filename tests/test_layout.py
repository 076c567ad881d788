"""The engine's layout stays true: stages import downwards only, nothing imports in a circle,
every stage package says what it is for, and the README's map is the tree.

Imports are read with ``ast``, as written: one inside a function counts like one at the
top. Only imports under ``if TYPE_CHECKING:`` are left out, since they never run.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_PAGES, PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "research_blog"
# Lowest first. What is above the stages (the public API, the extension, the settings)
# may import any of them; no stage may import those.
STAGES = ["render", "content", "state", "web", "build", "commands"]
ABOVE_THE_STAGES = {"research_blog", "extension", "settings", "settings_file", "__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _runs(node: ast.AST) -> bool:
    """False for ``if TYPE_CHECKING:`` blocks: imports there are for type checkers only."""
    test = getattr(node, "test", None)
    return not (isinstance(node, ast.If) and isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")


def _walk_running(node: ast.AST):
    yield node
    for child in ast.iter_child_nodes(node):
        if _runs(child):
            yield from _walk_running(child)


def imports_of(name: str) -> set[str]:
    """The package's modules that ``name`` imports."""
    path = MODULES[name]
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in _walk_running(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                for candidate in (f"{base}.{alias.name}", base):
                    if candidate in MODULES:
                        found.add(candidate)
                        break
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in MODULES}
    found.discard(name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def stage_of(name: str) -> str:
    parts = name.split(".")
    inner = parts[1] if len(parts) > 1 else "research_blog"
    return inner if inner in STAGES or inner in ABOVE_THE_STAGES else f"unplaced:{inner}"


def rank(name: str) -> int:
    """Height of a module's stage; everything above the stages is highest."""
    stage = stage_of(name)
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def test_every_module_sits_in_a_stage_or_above_them():
    unplaced = sorted(name for name in MODULES if stage_of(name).startswith("unplaced"))
    assert not unplaced, f"modules outside the stage packages: {unplaced}; put each in the stage whose data it works on"


def test_no_module_imports_one_of_a_higher_stage():
    upward = sorted(f"{name} ({stage_of(name)}) imports {target} ({stage_of(target)})"
                    for name, targets in GRAPH.items() for target in targets
                    if stage_of(name) in STAGES and rank(target) > rank(name))
    assert not upward, "imports must run " + " -> ".join(reversed(STAGES)) + ":\n" + "\n".join(upward)


def _circles() -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan's algorithm)."""
    index, low, on_stack, stack, circles = {}, {}, set(), [], []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    return circles


def test_no_modules_import_each_other_in_a_circle():
    assert _circles() == []


def test_the_checker_sees_an_upward_import_and_a_circle(monkeypatch):
    # The two tests above must be able to fail: break the layout on paper and look.
    monkeypatch.setitem(GRAPH, "research_blog.render.katex", {"research_blog.web.views"})
    monkeypatch.setitem(GRAPH, "research_blog.web.views", GRAPH["research_blog.web.views"] | {"research_blog.render.katex"})
    with pytest.raises(AssertionError, match="research_blog.render.katex .render. imports research_blog.web.views"):
        test_no_module_imports_one_of_a_higher_stage()
    assert any({"research_blog.render.katex", "research_blog.web.views"} <= set(circle) for circle in _circles())


@pytest.mark.parametrize("stage", [stage for stage in STAGES if stage != "state"])
def test_every_stage_package_says_what_enters_and_leaves(stage):
    docstring = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
    assert docstring and "In:" in docstring and "Out:" in docstring, f"{stage}/__init__.py"


def test_the_readme_map_names_every_package_and_top_module_and_nothing_else():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## How it is built", 1)[1].split("```", 2)[1]
    listed = set(re.findall(r"^  ([\w.]+/?)\s", block, re.M))
    tree = {path.name + "/" for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__"}
    tree |= {path.name for path in PACKAGE.glob("*.py")}
    assert listed == tree


def test_serving_a_post_loads_neither_the_freezer_nor_pillow_nor_pybtex(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "hello.md").write_text((FIXTURE_PAGES / "attention.md").read_text(encoding="utf-8"), encoding="utf-8")
    code = f"""
import sys
from research_blog import create_app
app = create_app({{"BLOG_CONTENT_DIR": {str(pages)!r}, "BLOG_RENDER_CACHE": None, "BLOG_SITE_URL": "https://e.org"}})
assert app.test_client().get("/hello/").status_code == 200
print(sorted({{name.split(".")[0] for name in sys.modules}} & {{"flask_frozen", "PIL", "pybtex"}}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_two_apps_in_one_process_each_keep_renders_in_their_own_cache(tmp_path):
    from conftest import make_app

    from research_blog.render import pipeline

    first, second = tmp_path / "first", tmp_path / "second"
    apps = [make_app(FIXTURE_PAGES, BLOG_RENDER_CACHE=str(first)), make_app(FIXTURE_PAGES, BLOG_RENDER_CACHE=str(second))]
    for app, folder in zip(apps, (first, second), strict=True):
        pipeline.clear_memory_cache()
        with app.test_client() as client:
            assert client.get("/attention/").status_code == 200
        assert list(folder.rglob("*.json.z")), f"{folder.name}: nothing kept in the app's own cache"
    third = make_app(FIXTURE_PAGES, BLOG_RENDER_CACHE=None)
    pipeline.clear_memory_cache()
    before = {path: len(list(path.rglob("*.json.z"))) for path in (first, second)}
    assert third.test_client().get("/scholarly/").status_code == 200
    assert {path: len(list(path.rglob("*.json.z"))) for path in (first, second)} == before, "a memory-only app wrote to disk"
    pipeline.clear_memory_cache()
