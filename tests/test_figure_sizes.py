"""Figures carry their width and height (no layout shift) and load lazily after the first."""

from __future__ import annotations

import re

from conftest import PROJECT_ROOT, make_app
from PIL import Image

from research_blog.web.figuresizes import figure_size, with_figure_sizes


def test_svg_sizes_come_from_width_and_height_in_points_or_pixels_or_the_viewbox(tmp_path):
    points = tmp_path / "points.svg"
    points.write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="450pt" height="150pt">'
                      "</svg>")
    pixels = tmp_path / "pixels.svg"
    pixels.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="720" height="400"></svg>')
    boxed = tmp_path / "boxed.svg"
    boxed.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"></svg>')
    nothing = tmp_path / "nothing.svg"
    nothing.write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    assert [figure_size(p) for p in (points, pixels, boxed, nothing)] == [(600, 200), (720, 400), (640, 360), None]


def test_raster_sizes_come_from_the_file(tmp_path):
    Image.new("RGB", (321, 123)).save(tmp_path / "plot.png")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    assert figure_size(tmp_path / "plot.png") == (321, 123)
    assert figure_size(tmp_path / "broken.png") is None


def test_every_figure_gets_its_size_and_all_but_the_first_load_lazily(tmp_path):
    Image.new("RGB", (40, 30)).save(tmp_path / "a.png")
    Image.new("RGB", (50, 20)).save(tmp_path / "b.png")
    html = ('<p><img alt="A" src="figures/a.png"></p><p><img alt="B" src="figures/b.png"></p>'
            '<p><img alt="elsewhere" src="https://example.org/x.png"></p><p><img alt="gone" src="figures/gone.png"></p>')
    out = str(with_figure_sizes(html, tmp_path))
    assert '<img alt="A" src="figures/a.png" width="40" height="30" decoding="async">' in out
    assert '<img alt="B" src="figures/b.png" width="50" height="20" loading="lazy" decoding="async">' in out
    assert '<img alt="elsewhere" src="https://example.org/x.png">' in out, "not ours: left alone"
    assert '<img alt="gone" src="figures/gone.png" loading="lazy" decoding="async">' in out


def test_the_shipped_posts_figures_all_have_sizes():
    client = make_app(PROJECT_ROOT / "pages").test_client()
    images = []
    for slug in ("ppo", "dpo", "grpo", "janusflow"):
        images += re.findall(r"<img [^>]*>", client.get(f"/{slug}/").get_data(as_text=True))
    assert len(images) >= 6
    assert all(re.search(r' width="\d+" height="\d+"', image) for image in images), images
