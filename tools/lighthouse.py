"""Lighthouse on the built book, as a reader's phone and desktop would load it (`make lighthouse`).

Serves _build/html on localhost the way a static host does — text files (HTML, CSS,
JavaScript, JSON, SVG) gzip-compressed when the browser accepts it — and runs Lighthouse
(pinned in tools/lighthouse/package.json; `make lighthouse` installs it with `npm ci` under
_build/lighthouse/) in Debian's chromium, headless, with its mobile preset (a mid-range
phone on a slow 4G network, simulated) and its desktop preset, on the front page, every
chapter and the numerics page. Writes the four category scores, the timings and the page
weight of each page to benchmarks/lighthouse.json and prints a table.

    python tools/lighthouse.py [--runs N] [--pages intro.html ...] [--output FILE]

With --runs N each page is measured N times and the run with the median performance score
is kept (the machine's load moves the simulated timings by a few points).
Slow (about 20 s a page and preset), so not part of `make test`.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import mimetypes
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
LIGHTHOUSE = ROOT / "_build" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
OUTPUT = ROOT / "benchmarks" / "lighthouse.json"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {  # Lighthouse audit id -> our key (milliseconds, except CLS)
    "first-contentful-paint": "fcp_ms",
    "largest-contentful-paint": "lcp_ms",
    "total-blocking-time": "tbt_ms",
    "speed-index": "speed_index_ms",
    "cumulative-layout-shift": "cls",
}
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/xml", "application/x-ipynb+json")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync " \
               "--disable-background-networking --disable-component-update"


def pages(html: Path = HTML) -> list[str]:
    chapters = sorted(str(p.relative_to(html)) for p in (html / "chapters").glob("[0-9][0-9]_*.html"))
    return ["intro.html", *chapters, "chapters/numerics_and_performance.html"]


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """A static host: files as they are, text types gzip-compressed (level 6, as nginx's
    and most hosts' default), with a Content-Length and a short cache lifetime."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".woff": "font/woff",
                      ".woff2": "font/woff2", ".ipynb": "application/x-ipynb+json"}
    _cache: dict[str, bytes] = {}

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not path.is_file() or not wants_gzip or not ctype.startswith(COMPRESSIBLE):
            return super().send_head()
        key = str(path)
        if key not in self._cache:
            self._cache[key] = gzip.compress(path.read_bytes(), 6)
        body = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/")
                                                  else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def serve(html: Path = HTML):
    mimetypes.add_type("application/javascript", ".js")
    handler = functools.partial(StaticHost, directory=str(html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def run_lighthouse(url: str, preset: str, chromium: str, keep: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
                   f"--chrome-path={chromium}", f"--chrome-flags={CHROME_FLAGS}",
                   f"--only-categories={','.join(CATEGORIES)}"]
        if preset == "desktop":
            command.append("--preset=desktop")
        subprocess.run(command, check=True, cwd=tmp)
        if keep is not None:
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(report, keep)
        return json.loads(report.read_text(encoding="utf-8"))


def summarize(lhr: dict) -> dict:
    audits = lhr["audits"]
    result = {c: round(100 * lhr["categories"][c]["score"]) for c in CATEGORIES}
    for audit, key in METRICS.items():
        value = audits[audit]["numericValue"]
        result[key] = round(value, 3) if key == "cls" else round(value)
    requests = audits["network-requests"]["details"]["items"]
    result["bytes"] = sum(r.get("transferSize", 0) for r in requests)
    result["requests"] = len(requests)
    biggest = sorted(requests, key=lambda r: -r.get("transferSize", 0))[:4]
    result["biggest"] = [[r["url"].split("/", 3)[-1], r.get("transferSize", 0)] for r in biggest]
    failed = [a for c in CATEGORIES[1:] for ref in lhr["categories"][c]["auditRefs"]
              if ref["weight"] > 0 and (a := audits[ref["id"]])["score"] is not None
              and a["score"] < 1]
    result["failing_audits"] = sorted({a["id"] for a in failed})
    # the machine's speed as Lighthouse measured it (a busy machine scores lower)
    result["benchmark_index"] = round(lhr.get("environment", {}).get("benchmarkIndex", 0))
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pages", nargs="*")
    parser.add_argument("--presets", nargs="*", default=["mobile", "desktop"])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--reports", type=Path, help="keep Lighthouse's full JSON reports here")
    parser.add_argument("--html", type=Path, default=HTML,
                        help="the built site to serve (default _build/html; another build, "
                             "e.g. a copy from before a change, for a paired comparison)")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `make lighthouse` (it runs npm ci)")
    if not (args.html / "index.html").is_file():
        sys.exit("no built book in _build/html: run `make book` first")
    version = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip()
    httpd, base = serve(args.html)
    results, lighthouse_version = {}, None
    try:
        for page in args.pages or pages(args.html):
            results[page] = {}
            for preset in args.presets:
                runs = []
                for run in range(args.runs):
                    keep = (args.reports / f"{page.replace('/', '_')}-{preset}-{run}.json"
                            if args.reports else None)
                    lhr = run_lighthouse(f"{base}/{page}", preset, chromium, keep)
                    lighthouse_version = lhr["lighthouseVersion"]
                    runs.append(summarize(lhr))
                median = statistics.median_low([r["performance"] for r in runs])
                chosen = next(r for r in runs if r["performance"] == median)
                if args.runs > 1:
                    chosen["performance_runs"] = [r["performance"] for r in runs]
                results[page][preset] = chosen
                print(f"{page:45} {preset:8} " + " ".join(f"{chosen[c]:3}" for c in CATEGORIES),
                      flush=True)
    finally:
        httpd.shutdown()
    record = {
        "lighthouse": lighthouse_version,
        "browser": version,
        "server": "tools/lighthouse.py: _build/html over HTTP, text types gzip-compressed (level 6)",
        "presets": {"mobile": "Lighthouse default (mobile, simulated slow 4G and 4x CPU slowdown)",
                    "desktop": "--preset=desktop"},
        "runs_per_page": args.runs,
        "pages": results,
    }
    if args.output.is_file():  # the baseline measured before the speed fixes is kept
        before = json.loads(args.output.read_text(encoding="utf-8")).get("before")
        if before:
            record["before"] = before
    partial = args.pages or set(args.presets) != {"mobile", "desktop"}
    if partial and args.output.is_file():  # a partial run updates what it measured
        old_pages = json.loads(args.output.read_text(encoding="utf-8")).get("pages", {})
        for page, by_preset in results.items():
            old_pages.setdefault(page, {}).update(by_preset)
        record["pages"] = old_pages
        record["runs_per_page"] = "see performance_runs"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    print_table(record)
    return 0


def print_table(record: dict) -> None:
    print(f"\nLighthouse {record['lighthouse']}, {record['browser']}; scores: performance, "
          "accessibility, best practices, SEO; LCP and TBT in ms; weight in kB (transferred)")
    head = f"{'page':42} | {'mobile':^15} {'LCP':>5} {'TBT':>4} | {'desktop':^15} {'LCP':>5} | {'kB':>5}"
    print(head)
    print("-" * len(head))
    for page, by in record["pages"].items():
        cells = []
        for preset in ("mobile", "desktop"):
            r = by.get(preset)
            if r is None:
                cells.append(" " * 15 + " " * 6 + (" " * 5 if preset == "mobile" else ""))
                continue
            cells.append(" ".join(f"{r[c]:3}" for c in CATEGORIES) + f" {r['lcp_ms']:5}"
                         + (f" {r['tbt_ms']:4}" if preset == "mobile" else ""))
        weight = (by.get("mobile") or by.get("desktop"))["bytes"] / 1000
        print(f"{page:42} | {cells[0]} | {cells[1]} | {weight:5.0f}")


if __name__ == "__main__":
    sys.exit(main())
