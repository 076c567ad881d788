"""The GitHub Actions workflow ``research-blog init`` writes: freeze on every push, publish to GitHub Pages.

It uses GitHub's own actions only (checkout, setup-python, cache, upload-pages-artifact,
deploy-pages). The base URL comes from the repository's Pages configuration through the
``gh`` CLI that every GitHub runner has, so a custom domain or a project sub-path
(``user.github.io/repo/``) is right without editing the file.
"""

PUBLISH_YML = """\
# Freeze the blog on every push to main and publish it on GitHub Pages.
# Once: Settings -> Pages -> Source: "GitHub Actions".
name: Publish

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install the blog engine
        run: python -m pip install -r requirements.txt
      # Rendered posts are reused between runs: only the posts that changed are rendered again.
      - uses: actions/cache@v4
        with:
          path: .render-cache
          key: render-cache-${{ hashFiles('pages/**') }}
          restore-keys: render-cache-
      - name: Find the site's address in the Pages configuration
        id: pages
        env:
          GH_TOKEN: ${{ github.token }}
        run: echo "base_url=$(gh api "repos/${{ github.repository }}/pages" --jq .html_url)" >> "$GITHUB_OUTPUT"
      - name: Freeze
        run: python -m flask --app app freeze --base-url "${{ steps.pages.outputs.base_url }}"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: build

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

# What the workflow installs. Point it at the engine you run (a version, or a git URL).
REQUIREMENTS_TXT = """\
# The blog engine the publish workflow installs: a version, or e.g. git+https://github.com/you/research-blog
research-blog
"""
