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
# the Chinese edition's (_ext/zh_edition.py); the measurement's own note stays English
COLUMNS_ZH = ["页面", "手机性能", "桌面性能", "无障碍、最佳实践、SEO（最低）", "手机阻塞时间（ms）",
              "手机最大内容绘制（s）", "大小（kB gzip）/ 请求数"]


def _score(page: dict, before: dict, preset: str) -> str:
    now = page.get(preset, {}).get("performance")
    was = before.get(preset, {}).get("performance")
    return f"{was} → {now}" if was is not None and was != now else str(now)


def _paragraph(text: str) -> nodes.paragraph:
    # data and per-language strings, not prose to translate: kept out of the catalogs
    return nodes.paragraph(text=text, translatable=False)


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        row += nodes.entry("", _paragraph(text))
    return row


class LighthouseScores(SphinxDirective):
    has_content = False

    def run(self):
        self.env.note_dependency(str(RESULTS))
        data = json.loads(RESULTS.read_text(encoding="utf-8"))
        chinese = (self.env.config.language or "en").startswith("zh")
        columns = COLUMNS_ZH if chinese else COLUMNS
        table = nodes.table(classes=["lighthouse-scores"])
        group = nodes.tgroup(cols=len(columns))
        table += group
        for _ in columns:
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        head += _row(columns)
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
        lead = (f"Lighthouse {data['lighthouse']}，{data['browser']}；{data['server']}。"
                f"手机：{data['presets']['mobile']}。测量说明（英文）：" if chinese else
                f"Lighthouse {data['lighthouse']} in {data['browser']}; {data['server']}. "
                f"Mobile: {data['presets']['mobile']}. ")
        caption = _paragraph(lead + data.get("note", ""))
        return [table, caption]


def setup(app):
    app.add_directive("lighthouse-scores", LighthouseScores)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
