"""The reading site (``make site``) in Chromium, offline.

The site is built from the committed notebooks into a temporary folder and read
through ``file://`` URLs, as a reader who downloaded it would; any request for
something outside the site (a CDN, the Colab badge) is refused and fails the
test. Each page: every audio player loads, every image loads, the maths is
typeset by the site's own MathJax with no TeX error and no raw ``$...$`` left,
no stderr box, no widget placeholder, the Colab setup cell folded to its one-line
title (a closed ``<details>``), and previous/next links that lead to the
neighbouring pages. The index lists, under each part, the bullets of the
notebook's first cell.
"""

from __future__ import annotations

import re

import pytest
from build_site import build
from labdriver import JS_AUDIO, JS_IMAGES, ROOT

from notebook_index import parts

pytestmark = pytest.mark.browser
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
_JS_MATHS = """async () => {
  if (!window.MathJax || !MathJax.Hub) return {loaded: false};
  for (let t = 0; t < 600; t++) {  // MathJax typesets in its queue: wait for it
    if (MathJax.isReady && !MathJax.Hub.queue.pending && !MathJax.Hub.queue.running)
      break;
    await new Promise((tick) => setTimeout(tick, 100));
  }
  const jax = MathJax.Hub.getAllJax();
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('script, style, code, pre, .MathJax')) continue;
    if (!node.parentElement.closest('.jp-RenderedMarkdown')) continue;
    const found = node.textContent.match(/\\$[^$\\s][^$]*\\$|\\\\\\(|\\\\\\[/);
    if (found) raw.push(found[0]);
  }
  return {loaded: true, typeset: jax.length,
          rendered: document.querySelectorAll('.MathJax, .MathJax_Display').length,
          errors: jax.filter((j) => j.texError).map((j) => j.originalText), raw};
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    warnings = build(out, NOTEBOOKS)
    return out, warnings


@pytest.fixture
def offline_page(page):
    refused = []

    def route(request):
        if request.request.url.startswith(("file://", "data:")):
            request.continue_()
        else:
            refused.append(request.request.url)
            request.abort()

    page.context.route("**/*", route)
    page.refused = refused
    return page


def test_index_lists_the_four_parts(site, offline_page, screenshots):
    out, _ = site
    page = offline_page
    page.goto((out / "index.html").as_uri())
    links = page.locator("ol.parts a").evaluate_all("a => a.map(x => x.href)")
    assert [link.rsplit("/", 1)[1] for link in links] == [
        f"{p.stem}.html" for p in NOTEBOOKS]
    what = page.locator("ol.parts .what").all_inner_texts()
    assert len(what) == len(NOTEBOOKS) and all(len(w) > 20 for w in what)
    bullets = [page.locator("ol.parts > li").nth(i).locator(".what li").count()
               for i in range(len(NOTEBOOKS))]
    assert bullets == [len(part.teaches) for part in parts(NOTEBOOKS)]
    page.screenshot(path=str(screenshots / "site-index.png"), full_page=True)
    assert not page.refused


@pytest.mark.parametrize("i", range(len(NOTEBOOKS)), ids=[p.stem for p in NOTEBOOKS])
def test_site_page(i, site, offline_page, screenshots, record_property):
    out, warnings = site
    page = offline_page
    stem = NOTEBOOKS[i].stem
    page.goto((out / f"{stem}.html").as_uri())
    maths = page.evaluate(_JS_MATHS)
    audio = page.evaluate(JS_AUDIO.replace(".jp-Notebook audio", "audio"))
    images = page.evaluate(JS_IMAGES.replace(".jp-Notebook img", "img"))
    page.screenshot(path=str(screenshots / f"site-{stem}.png"))
    first_maths = page.locator("div.MathJax_Display, span.MathJax").first
    if first_maths.count():
        first_maths.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"site-{stem}-maths.png"))
    record_property(
        "summary",
        f"{stem} on the site: {len(audio)} players, {len(images)} images, "
        f"{maths.get('typeset')} formulas typeset",
    )
    problems = [w for w in warnings if w.startswith(NOTEBOOKS[i].name)]
    problems += [f"refused to fetch {url}" for url in page.refused]
    problems += [f"audio player {a['index']} does not load: {a}" for a in audio
                 if not a["duration"] > 0]
    problems += [f"image {m['index']} does not load" for m in images if not m["ok"]]
    if not maths["loaded"]:
        problems.append("MathJax did not load")
    else:
        problems += [f"TeX error in {e!r}" for e in maths["errors"]]
        problems += [f"raw maths left: {r!r}" for r in maths["raw"]]
        if maths["typeset"] and not maths["rendered"]:
            problems.append("formulas typeset but nothing rendered")
    for text in ("Error displaying widget", "Failed to display Jupyter Widget"):
        if page.get_by_text(text).count():
            problems.append(f"a widget placeholder: {text!r}")
    folded = page.locator("details.site-folded")
    summaries = folded.locator("summary").all_inner_texts()
    if len(summaries) != 1 or not summaries[0].startswith("Colab setup"):
        problems.append(f"the setup cell is not folded to one line: {summaries}")
    elif folded.get_attribute("open") is not None or folded.locator(
            ".jp-InputArea").is_visible():
        problems.append("the folded setup cell shows its code")
    stderr = page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count()
    if stderr:
        problems.append(f"{stderr} stderr boxes")
    hrefs = {rel: page.locator(f'nav.site-nav a[rel="{rel}"]').first
             for rel in ("prev", "next")}
    for rel, j in (("prev", i - 1), ("next", i + 1)):
        want = f"{NOTEBOOKS[j].stem}.html" if 0 <= j < len(NOTEBOOKS) else None
        got = hrefs[rel].get_attribute("href") if hrefs[rel].count() else None
        if got != want:
            problems.append(f"{rel} link is {got}, expected {want}")
    assert not problems, "\n".join(problems)
    assert re.search(r"\w", page.title())
