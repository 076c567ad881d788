"""Series navigation, the search page, code labels, share meta and cards, related posts (server side)."""

from __future__ import annotations

import io
import itertools
import json
import random
import re
import xml.etree.ElementTree as ET

from conftest import ASSETS, make_app
from PIL import Image, ImageColor

from research_blog.render.codeblocks import label_code_blocks
from research_blog.render.pipeline import render_markdown
from research_blog.web import cards

ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_part_has_a_series_box_with_its_parts_and_the_current_one_marked(client):
    html = client.get("/series-part-two/").get_data(as_text=True)
    box = html[html.index('class="series-box"'):html.index('class="tldr"')]
    assert "Part 2 of 2 in the series" in box and 'href="/series/optimisers/">Optimisers</a>' in box
    assert '<a href="/series-part-one/">Optimisers part 1: SGD</a>' in box
    assert '<span aria-current="page">Optimisers part 2: Adam</span>' in box
    assert html.index('class="series-box"') < html.index('class="post-body"'), "near the top"


def test_parts_link_to_the_previous_and_next_part_at_the_end(client):
    first = client.get("/series-part-one/").get_data(as_text=True)
    steps = first[first.index('class="series-steps"'):]
    assert 'class="next" href="/series-part-two/"><span>Part 2 →</span>' in steps
    second = client.get("/series-part-two/").get_data(as_text=True)
    steps = second[second.index('class="series-steps"'):]
    assert 'class="prev" href="/series-part-one/"><span>← Part 1</span>' in steps
    assert 'href="/series/optimisers/"><span>Series complete</span>' in steps
    assert 'class="series-box"' not in client.get("/attention/").get_data(as_text=True)


def test_series_page_shows_summaries_reading_times_and_the_total(app, client):
    html = client.get("/series/optimisers/").get_data(as_text=True)
    with app.test_request_context():
        from research_blog.state import public_posts
        parts = [p for p in public_posts() if p.series_slug == "optimisers"]
    total = sum(p.reading_minutes for p in parts)
    assert f"{total} min read in all" in html
    for part in parts:
        assert part.summary.replace("'", "&#39;") in html
    assert 'href="/series/optimisers/feed.xml"' in html


def test_each_series_has_its_own_feed():
    client = make_app().test_client()
    response = client.get("/series/optimisers/feed.xml")
    assert response.status_code == 200 and "xml" in response.content_type
    feed = ET.fromstring(response.data)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert sorted(titles) == ["Optimisers part 1: SGD", "Optimisers part 2: Adam"]
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.org/series/optimisers/feed.xml"
    assert client.get("/series/nothing/feed.xml").status_code == 404
    assert make_app(BLOG_SITE_URL=None).test_client().get("/series/optimisers/feed.xml").status_code == 404


def test_search_page_without_javascript_links_categories_and_tags(client):
    html = client.get("/search/").get_data(as_text=True)
    noscript = html[html.index("<noscript>"):html.index("</noscript>")]
    assert "Search needs JavaScript" in noscript
    assert 'href="/category/optimisation/"' in noscript and 'href="/tags/adam/"' in noscript
    assert 'href="/series/optimisers/"' in noscript
    assert 'data-root="/"' in html
    assert re.search(r'<form class="search-form"[^>]* hidden', html), "no box that cannot work without JavaScript"
    assert re.search(rf'<script src="/{ASSETS}/js/search.js" defer>', html)
    assert 'action="/search/"' in client.get("/").get_data(as_text=True), "a search box in the header"


def test_code_blocks_are_labelled_with_their_language(client):
    html = client.get("/attention/").get_data(as_text=True)
    assert '<div class="language-python highlight"><span class="code-lang">Python</span><pre tabindex="0">' in html
    assert f'src="/{ASSETS}/js/code.js"' in html
    assert "code-lang" not in label_code_blocks(render_markdown("```\nplain\n```\n").html)


def test_posts_carry_open_graph_twitter_and_json_ld(client):
    html = client.get("/series-part-two/").get_data(as_text=True)
    for tag in ('<meta property="og:type" content="article">', '<meta property="og:title" content="Optimisers part 2: Adam">',
                '<meta property="og:url" content="https://example.org/series-part-two/">',
                '<meta property="og:image" content="https://example.org/series-part-two/card.png">',
                '<meta property="article:published_time" content="2024-02-01">',
                '<meta property="article:modified_time" content="2024-02-05">',
                '<meta name="twitter:card" content="summary_large_image">'):
        assert tag in html, tag
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "BlogPosting" and data["headline"] == "Optimisers part 2: Adam"
    assert data["datePublished"] == "2024-02-01" and data["dateModified"] == "2024-02-05"


def test_without_a_site_url_there_is_no_share_meta():
    html = make_app(BLOG_SITE_URL=None).test_client().get("/attention/").get_data(as_text=True)
    assert "og:url" not in html and "ld+json" not in html


def test_share_card_is_a_1200x630_png_drawn_once_per_title(client):
    cards.card_png.cache_clear()
    response = client.get("/series-part-two/card.png")
    assert response.status_code == 200 and response.content_type == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
    assert client.get("/series-part-two/card.png").data == response.data
    info = cards.card_png.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert client.get("/draft-idea/card.png").status_code == 404


def test_a_very_long_title_still_fits_the_card():
    png = cards.card_png("word " * 80, None, "Blog")
    assert Image.open(io.BytesIO(png)).size == (1200, 630)


def test_a_card_shows_each_line_in_its_colour_anti_aliased_over_the_background():
    png = cards.card_png("Attention is all you need", "Part 2 of 3 · Transformers", "Research Blog")
    card = Image.open(io.BytesIO(png)).convert("RGB")
    background, text, muted, accent = (ImageColor.getrgb(c) for c in (cards.BACKGROUND, cards.TEXT, cards.MUTED, cards.ACCENT))
    assert card.size == (1200, 630) and card.getpixel((1199, 629)) == background and card.getpixel((5, 300)) == accent

    def colours(box):
        return {colour: count for count, colour in card.crop(box).getcolors(1200 * 630)}

    # One title line at the largest size is centred (rows ~285-340), the series line 56 px above it.
    title, series, site = colours((80, 270, 1120, 360)), colours((80, 220, 1120, 255)), colours((80, 70, 600, 110))
    assert title.get(text, 0) > 5000 and series.get(muted, 0) > 500 and site.get(accent, 0) > 500
    assert text not in series and muted not in title, "each line in its own colour"
    assert len(title) >= 8, "anti-aliased edges: shades between the background and the text"
    assert card.getcolors(64) is not None and len(png) < 64_000, "a few flat colours, a small file"


def test_a_four_line_title_keeps_the_series_line_clear_of_the_site_name():
    title = "Scaling laws for neural language models: compute, data and parameters in balance"  # 4 lines at 68 px
    card = Image.open(io.BytesIO(cards.card_png(title, "Part 3 of 4 · Modern post-training", "Research Blog"))).convert("RGB")
    background = ImageColor.getrgb(cards.BACKGROUND)
    rule = 630 - cards.MARGIN
    rows = {y: {card.getpixel((x, y)) for x in range(80, 1120)} for y in range(60, rule - 4)}
    inked = [y for y, colours in rows.items() if colours != {background}]
    starts = [inked[0]] + [after for y, after in itertools.pairwise(inked) if after - y > 1]
    ends = [y for y, after in itertools.pairwise(inked) if after - y > 1] + [inked[-1]]
    assert len(starts) == 6, "site name, series line and four title lines, each on rows of its own"
    assert starts[1] - ends[0] >= 12, "a clear band between the site name and the series line"
    assert max(inked) < rule - 12, "the title ends clear of the rule"


def _post(slug, tags=(), series=None, part=None, day=1):
    import datetime as dt
    from pathlib import Path

    from research_blog.content.post import Post, Term

    return Post(slug=slug, title=slug, date=dt.date(2024, 1, day), summary="s", category="c", body="b",
                source=Path(f"{slug}.md"), tags=tuple(Term(t, t) for t in tags), series=series, series_part=part)


def test_related_posts_rank_shared_series_and_tags_and_skip_the_adjacent_parts():
    from research_blog.content.related import related_posts

    one, two, three = (_post(f"part-{n}", ["rl"], "S", n) for n in (1, 2, 3))
    both_tags = _post("both", ["rl", "ppo"], day=5)
    one_tag_new, one_tag_old = _post("new", ["rl"], day=9), _post("old", ["rl"], day=2)
    unrelated = _post("other", ["cooking"])
    posts = [one_tag_new, both_tags, three, two, one_tag_old, one, unrelated]  # newest first
    assert [p.slug for p in related_posts(posts, one)] == ["part-3", "new", "both"], \
        "part 2 is linked as the next part already; ties go to the newer post"
    assert [p.slug for p in related_posts(posts, _post("q", ["ppo", "rl"]))] == ["both", "new", "part-3"]
    assert related_posts(posts, unrelated) == []


def _related_by_scanning_every_post(posts, post, most=3):
    """The definition, plainly: score every other post; the stable sort keeps the newer first on ties."""
    tags, scored = {tag.slug for tag in post.tags}, []
    for other in posts:
        same_series = post.series_slug is not None and other.series_slug == post.series_slug
        if other.slug == post.slug or (same_series and abs(other.series_part - post.series_part) == 1):
            continue
        score = len(tags & {tag.slug for tag in other.tags}) + (3 if same_series else 0)
        if score:
            scored.append((score, other))
    scored.sort(key=lambda pair: -pair[0])
    return [other for _, other in scored[:most]]


def test_related_posts_from_the_index_are_those_of_scanning_every_post():
    from research_blog.content.published import Published
    from research_blog.content.related import related_posts

    rng = random.Random(20240601)
    tags = [f"tag-{number}" for number in range(10)]
    posts = []
    for number in range(400):
        series = rng.choice([None, None, None, "Alpha", "Beta", "Gamma"])  # parts may repeat or skip, as drafts leave them
        posts.append(_post(f"post-{number}", [rng.choice(tags) for _ in range(rng.randint(0, 4))], series,
                           rng.randint(1, 8) if series else None, day=rng.randint(1, 28)))
    posts.sort(key=lambda post: post.sort_key)  # newest first, as pages get them
    visible = Published(posts)
    outsider = _post("not-listed", ["tag-1", "tag-2"], "Alpha", 3)
    for post in [*posts, outsider]:
        expected = _related_by_scanning_every_post(posts, post)
        assert visible.related(post) == expected, post.slug
        assert related_posts(posts, post) == expected, post.slug
    assert sum(bool(visible.related(post)) for post in posts) > 300, "the generated posts do share tags and series"
    for most in (1, 5):
        assert related_posts(posts, posts[7], most) == _related_by_scanning_every_post(posts, posts[7], most)


def test_related_posts_appear_at_the_end_of_a_post(pages_copy):
    (pages_copy / "more-adam.md").write_text('---\ntitle: "More Adam"\ndate: 2024-03-01\nsummary: "s"\n'
                                             'category: Optimisation\ntags: [adam]\n---\n\nText.\n')
    client = make_app(pages_copy).test_client()
    html = client.get("/series-part-two/").get_data(as_text=True)
    related = html[html.index('class="related"'):html.index("</section>", html.index('class="related"'))]
    assert 'href="/more-adam/">More Adam</a>' in related and "series-part-one" not in related
    (pages_copy / "lonely.md").write_text('---\ntitle: "Lonely"\ndate: 2024-03-02\nsummary: "s"\n'
                                          'category: Elsewhere\ntags: [unshared]\n---\n\nText.\n')
    client = make_app(pages_copy).test_client()
    assert 'class="related"' not in client.get("/lonely/").get_data(as_text=True), "nothing shared, nothing listed"


def test_reading_order_links_are_not_repeated_for_series_neighbours(client):
    html = client.get("/series-part-two/").get_data(as_text=True)
    assert "<span>← Previous</span>" not in html, "part 1 is linked as the previous part already"
    assert 'class="next" href="/attention/"><span>Next →</span>' in html, "the next post outside the series"


def test_freeze_writes_search_cards_and_series_feeds_under_a_sub_path(tmp_path):
    from crawl import crawl, file_fetcher

    from research_blog.build.freeze import freeze_site

    out = tmp_path / "site"
    freeze_site(make_app(), out, "https://user.github.io/research/")
    for needed in ("search/index.html", "series/optimisers/feed.xml", "attention/card.png"):
        assert (out / needed).is_file(), needed
    search = (out / "search" / "index.html").read_text()
    bundle = re.search(r'data-bundle="/research/pagefind/(\w+)/pagefind.js"', search)
    assert bundle and 'data-root="/research/"' in search
    assert (out / "pagefind" / bundle.group(1) / "pagefind-entry.json").is_file()
    post = (out / "attention" / "index.html").read_text()
    assert 'content="https://user.github.io/research/attention/card.png"' in post
    visited, broken = crawl(file_fetcher(out, "/research/"), ["/research/", "/research/search/"])
    assert not broken and f"/research/{ASSETS}/js/search.js" in visited


def test_embedded_search_points_into_the_prefix():
    from test_embedded import make_host

    client = make_host().test_client()
    html = client.get("/blog/search/").get_data(as_text=True)
    assert 'data-root="/blog/"' in html
    assert client.get("/blog/attention/card.png").status_code == 200


def test_a_card_shows_category_date_and_reading_time_under_its_rule(client):
    card = Image.open(io.BytesIO(client.get("/series-part-two/card.png").data)).convert("RGB")
    muted, background = ImageColor.getrgb(cards.MUTED), ImageColor.getrgb(cards.BACKGROUND)
    band = {colour: count for count, colour in card.crop((80, 630 - cards.MARGIN + 8, 1120, 625)).getcolors(1200 * 630)}
    assert band.get(muted, 0) > 300, "a muted line of facts under the rule"
    bare = Image.open(io.BytesIO(cards.card_png("Optimisers part 2: Adam", "Part 2 of 2 · Optimisers", "Research Blog")))
    below = bare.convert("RGB").crop((80, 630 - cards.MARGIN + 8, 1120, 625)).getcolors(1200 * 630)
    assert below == [(1040 * (cards.MARGIN - 13), background)], "and nothing there without facts"
