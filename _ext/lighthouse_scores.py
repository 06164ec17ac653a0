"""The ``lighthouse-scores`` directive: benchmarks/lighthouse.json as a table.

``make lighthouse`` (tools/lighthouse.py) measures the built site and writes its results to
benchmarks/lighthouse.json, their one home; the appendix page "Numerics and performance"
shows them with this directive, so the page always shows the committed measurement:
for each page, Lighthouse's mobile and desktop performance scores (before → after the
site's speed fixes, where a "before" run is recorded), the lowest of the accessibility,
best-practices and SEO scores, the total blocking time and largest contentful paint on
the phone, and the page's weight as served (gzip) with its number of requests.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "lighthouse.json"
COLUMNS = ["page", "phone performance", "desktop performance",
           "accessibility, best practices, SEO (lowest)", "phone blocking time (ms)",
           "phone largest paint (s)", "weight (kB gzip) / requests"]


def _score(page: dict, before: dict, preset: str) -> str:
    now = page.get(preset, {}).get("performance")
    was = before.get(preset, {}).get("performance")
    return f"{was} → {now}" if was is not None and was != now else str(now)


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        row += nodes.entry("", nodes.paragraph(text=text))
    return row


class LighthouseScores(SphinxDirective):
    has_content = False

    def run(self):
        self.env.note_dependency(str(RESULTS))
        data = json.loads(RESULTS.read_text(encoding="utf-8"))
        table = nodes.table(classes=["lighthouse-scores"])
        group = nodes.tgroup(cols=len(COLUMNS))
        table += group
        for _ in COLUMNS:
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        head += _row(COLUMNS)
        group += head
        body = nodes.tbody()
        for name, page in data["pages"].items():
            before = data.get("before", {}).get(name, {})
            mobile = page.get("mobile", {})
            others = [page[p][k] for p in ("mobile", "desktop") if p in page
                      for k in ("accessibility", "best-practices", "seo")]
            body += _row([
                name.removeprefix("chapters/").removesuffix(".html"),
                _score(page, before, "mobile"),
                _score(page, before, "desktop"),
                str(min(others)),
                str(mobile.get("tbt_ms", "")),
                f"{mobile['lcp_ms'] / 1000:.1f}" if "lcp_ms" in mobile else "",
                f"{mobile.get('bytes', 0) / 1000:.0f} / {mobile.get('requests', '')}",
            ])
        group += body
        caption = nodes.paragraph(text=(
            f"Lighthouse {data['lighthouse']} in {data['browser']}; {data['server']}. "
            f"Mobile: {data['presets']['mobile']}. {data.get('note', '')}"))
        return [table, caption]


def setup(app):
    app.add_directive("lighthouse-scores", LighthouseScores)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
