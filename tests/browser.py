"""Open a file in headless Chromium over the DevTools protocol and report what a reader's browser saw.

The browser runs with every host name unresolvable and a dead proxy, so nothing
can leave the machine; besides, every request the page makes is recorded, and
anything that is not the file itself or a ``data:`` URI counts as leaving it.

One :class:`Browser` (one Chromium process) serves many :class:`Tab` s, each a target of its own
with its own DevTools session; :func:`open_page` is the one-shot form.  Besides errors and requests,
a tab can say which fonts drew the page's Chinese (:meth:`Tab.chinese_fonts`), screenshot single
glyphs (:meth:`Tab.glyph_shots`), measure the layout at a phone's width (:meth:`Tab.layout`) and
print the page to PDF (:meth:`Tab.pdf`).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import websocket

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
         "--hide-scrollbars", "--force-color-profile=srgb", "--font-render-hinting=none",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--remote-debugging-port=0"]

# Chinese: CJK punctuation, kana-free ideographs (Extension A, the URO, compatibility) and full-width forms.
CHINESE = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CHINESE_RE = re.compile(f"[{CHINESE}]")


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def cjk_fonts_installed() -> list[str]:
    """The fonts installed on this machine that fontconfig says cover Chinese (none on the test machine)."""
    if not shutil.which("fc-list"):
        return []
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return sorted({line.strip() for line in out.splitlines() if line.strip()})


@dataclass
class PageReport:
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    images: int = 0
    broken_images: int = 0
    scripts: int = 0
    text: str = ""


class _Connection:
    """The browser's DevTools websocket; events are kept per session until a tab reads them."""

    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, session: str | None, seconds: float, since: int = 0) -> None:
        """Wait for event ``method`` of ``session``, among the events from index ``since`` on."""
        deadline = time.monotonic() + seconds
        while True:
            if any(e.get("method") == method and e.get("sessionId") == session for e in self.events[since:]):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(method)
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                event = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue
            finally:
                self.ws.settimeout(60)
            if "method" in event:
                self.events.append(event)


class Browser:
    """One headless Chromium with its DevTools endpoint; a context manager."""

    def __init__(self, width: int = 1100, height: int = 1400):
        self.profile = tempfile.mkdtemp(prefix="simlib-chromium-")
        self.proc = subprocess.Popen([chromium(), *FLAGS, f"--user-data-dir={self.profile}",
                                      f"--window-size={width},{height}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            ws_url = None
            deadline = time.monotonic() + 30
            while ws_url is None and time.monotonic() < deadline:
                line = self.proc.stderr.readline()
                if m := re.search(r"DevTools listening on (ws://\S+)", line):
                    ws_url = m.group(1)
                elif not line and self.proc.poll() is not None:
                    break
            if ws_url is None:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            self.conn = _Connection(ws_url)
        except BaseException:
            self.close()
            raise

    def tab(self, width: int = 1100, height: int = 1400, mobile: bool = False) -> Tab:
        return Tab(self, width, height, mobile)

    def close(self) -> None:
        if getattr(self, "conn", None) is not None:
            try:
                self.conn.ws.close()
            except Exception:  # noqa: BLE001 -- the browser may be gone already
                pass
        self.proc.kill()
        self.proc.wait(timeout=10)
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Tab:
    """A page of its own in a :class:`Browser`, at a given viewport (a phone's with ``mobile=True``)."""

    def __init__(self, browser: Browser, width: int, height: int, mobile: bool):
        self.conn = browser.conn
        self.width, self.height, self.mobile = width, height, mobile
        self.target = self.conn.call("Target.createTarget", url="about:blank")["targetId"]
        self.sid = self.conn.call("Target.attachToTarget", targetId=self.target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=mobile, screenWidth=width, screenHeight=height)
        self.url = ""
        self.first_event = len(self.conn.events)

    def call(self, method: str, **params) -> dict:
        return self.conn.call(method, session=self.sid, **params)

    def close(self) -> None:
        self.conn.call("Target.closeTarget", targetId=self.target)

    def __enter__(self) -> Tab:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def events(self) -> list[dict]:
        return [e for e in self.conn.events[self.first_event:] if e.get("sessionId") == self.sid]

    def open(self, page: Path) -> Tab:
        """Load ``page`` from disk and wait until it and its fonts are ready."""
        self.url = page.resolve().as_uri()
        since = len(self.conn.events)
        self.first_event = since
        reply = self.call("Page.navigate", url=self.url)
        if reply.get("errorText"):
            raise RuntimeError(f"could not open {page}: {reply['errorText']}")
        self.conn.wait_for("Page.loadEventFired", self.sid, 30, since)
        self.settle()
        return self

    def settle(self) -> None:
        """Lay the page out, wait for the web fonts it uses, and for two frames."""
        self.evaluate("""(async () => { document.body.offsetHeight; await document.fonts.ready;
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))); return true; })()""")

    def evaluate(self, expression: str):
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"page script failed: {json.dumps(reply['exceptionDetails'])[:500]}")
        return reply["result"].get("value")

    def screenshot(self, path: Path | None = None, clip: dict | None = None) -> bytes:
        """A PNG of the whole page (or of ``clip``, in CSS pixels of the page), written to ``path`` if given."""
        params: dict = {"format": "png", "captureBeyondViewport": True}
        if clip is not None:
            params["clip"] = {**clip, "scale": 1}
        png = base64.b64decode(self.call("Page.captureScreenshot", **params)["data"])
        if path is not None:
            path.write_bytes(png)
        return png

    def report(self) -> PageReport:
        """Errors, requests and images since the page was opened, and its text."""
        time.sleep(0.3)  # let late requests and errors arrive
        self.call("Runtime.evaluate", expression="1")  # and read them off the socket
        check = self.evaluate("""({
            images: document.images.length,
            broken: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length,
            scripts: document.scripts.length,
            text: document.body.innerText})""")
        report = PageReport(images=check["images"], broken_images=check["broken"], scripts=check["scripts"],
                            text=check["text"])
        for e in self.events():
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                report.console_errors.append(json.dumps(p.get("args"))[:200])
            elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
                report.console_errors.append(p["entry"].get("text", "")[:200])
            elif method == "Runtime.exceptionThrown":
                report.exceptions.append(json.dumps(p.get("exceptionDetails"))[:200])
            elif method == "Network.requestWillBeSent":
                req = p["request"]["url"]
                if req != self.url and not req.startswith("data:"):
                    report.outside_requests.append(req)
            elif method == "Network.loadingFailed":
                report.failed_requests.append(p.get("errorText", ""))
        return report

    def open_details(self) -> int:
        """Open every ``<details>`` (what a reader can open is checked as well); how many there are."""
        n = self.evaluate("(() => { const all = document.querySelectorAll('details'); "
                          "all.forEach(d => { d.open = true; }); return all.length; })()")
        self.settle()
        return n

    # -- which font drew the Chinese ---------------------------------------------------------------

    def chinese_fonts(self) -> list[tuple[str, list[dict]]]:
        """Every run of Chinese characters the page shows, with the platform fonts Chromium drew it in.

        Every ``<details>`` is opened first.  Each run of Chinese in a rendered text node is then
        wrapped in a ``<span>`` of its own (which inherits everything, so nothing changes how it is
        drawn); ``CSS.getPlatformFontsForNode`` reports the fonts of exactly those glyphs.  Runs in
        elements with no layout box (``display: none``, ``<title>``) are left out.  This changes the
        page: call it last.
        """
        self.open_details()
        count = self.evaluate(f"""(() => {{
            const run = /[{CHINESE}]+/g;
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const nodes = [];
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {{
                const p = n.parentElement;
                if (!p || p.closest('script, style, noscript, template') || !p.getClientRects().length) continue;
                run.lastIndex = 0;
                if (run.test(n.nodeValue)) nodes.push(n);
            }}
            let count = 0;
            for (const n of nodes) {{
                const frag = document.createDocumentFragment();
                let last = 0;
                for (const m of n.nodeValue.matchAll(run)) {{
                    if (m.index > last) frag.append(n.nodeValue.slice(last, m.index));
                    const span = document.createElement('span');
                    span.dataset.simlibCjk = String(count++);
                    span.textContent = m[0];
                    frag.append(span);
                    last = m.index + m[0].length;
                }}
                if (last < n.nodeValue.length) frag.append(n.nodeValue.slice(last));
                n.replaceWith(frag);
            }}
            document.body.offsetHeight;
            return count;
        }})()""")
        self.settle()
        self.call("DOM.enable")
        self.call("CSS.enable")
        try:
            root = self.call("DOM.getDocument", depth=0)["root"]["nodeId"]
            ids = self.call("DOM.querySelectorAll", nodeId=root, selector="span[data-simlib-cjk]")["nodeIds"]
            texts = self.evaluate("Array.from(document.querySelectorAll('span[data-simlib-cjk]'), s => s.textContent)")
            assert len(ids) == len(texts) == count, (len(ids), len(texts), count)
            return [(text, self.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"])
                    for text, node in zip(texts, ids)]
        finally:
            self.call("CSS.disable")
            self.call("DOM.disable")

    # -- glyphs as pixels --------------------------------------------------------------------------

    def glyph_shots(self, characters: str, like: str = "h1", size: int = 40) -> list[bytes]:
        """PNGs of ``characters``, one each, drawn in the font of the first ``like`` element (at ``size`` px).

        Each character sits in a box of its own in a white panel laid over the top of the page;
        tofu (the missing-glyph box) looks the same for every character, real glyphs do not.
        """
        rects = self.evaluate(f"""(() => {{
            const model = getComputedStyle(document.querySelector({json.dumps(like)}));
            const panel = document.createElement('div');
            panel.style.cssText = 'position:fixed;left:0;top:0;z-index:2147483647;background:#fff;color:#000;' +
                                  'padding:8px;margin:0;display:flex;gap:8px';
            const rects = [];
            for (const ch of {json.dumps(list(characters))}) {{
                const span = document.createElement('span');
                span.textContent = ch;
                span.style.cssText = 'display:inline-block;text-align:center;overflow:hidden;' +
                    'width:{size * 3 // 2}px;height:{size * 3 // 2}px;line-height:{size * 3 // 2}px;font-size:{size}px';
                span.style.fontFamily = model.fontFamily;
                span.style.fontWeight = model.fontWeight;
                span.style.fontStyle = model.fontStyle;
                panel.append(span);
            }}
            document.body.append(panel);
            for (const span of panel.children) {{
                const r = span.getBoundingClientRect();
                rects.push({{x: r.x, y: r.y, width: r.width, height: r.height}});
            }}
            return rects;
        }})()""")
        self.settle()
        return [self.screenshot(clip=r) for r in rects]

    # -- layout at this tab's width ----------------------------------------------------------------

    def layout(self) -> dict:
        """What overflows the page's width, where images are drawn and how wide they and tables are held
        (with every ``<details>`` open).  An image's ``scroller`` is the box that scrolls it sideways, if
        any.  ``wide`` lists elements past the right edge of the window even where a box scrolls them
        (JupyterLab's outputs do), unless that box is a table or a figure."""
        self.open_details()
        return self.evaluate("""(() => {
            const vw = document.documentElement.clientWidth;
            const box = e => { const r = e.getBoundingClientRect();
                return {left: r.left + scrollX, right: r.right + scrollX, top: r.top + scrollY,
                        bottom: r.bottom + scrollY, width: r.width, height: r.height}; };
            const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
            const scroller = e => { for (let a = e; a && a !== document.body; a = a.parentElement) {
                const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll') return a; } return null; };
            const images = Array.from(document.querySelectorAll('img, svg, canvas, figure')).filter(shown).map(e => {
                const s = e.tagName === 'FIGURE' ? null : scroller(e);
                return {tag: e.tagName.toLowerCase(), ...box(e), inFigure: e.tagName !== 'FIGURE' && !!e.closest('figure'),
                        scroller: s ? {tag: s.tagName.toLowerCase(), ...box(s), scrollWidth: s.scrollWidth,
                                       clientWidth: s.clientWidth} : null};
            });
            const tables = Array.from(document.querySelectorAll('table')).filter(shown).map(t => {
                const s = scroller(t);
                return {...box(t), scrollWidth: t.scrollWidth, clientWidth: t.clientWidth,
                        display: getComputedStyle(t).display,
                        scroller: s ? {tag: s.tagName.toLowerCase(), cls: s.className, ...box(s),
                                       scrollWidth: s.scrollWidth, clientWidth: s.clientWidth,
                                       onlyTable: s === t || (s.children.length === 1 && s.firstElementChild === t)}
                                    : null,
                        text: t.innerText.slice(0, 60)};
            });
            // past the right edge, other than inside a table or figure that scrolls (or preformatted text)
            const held = e => { const s = scroller(e); return !!s && !!s.closest('table, figure, pre'); };
            const wide = Array.from(document.body.querySelectorAll('*')).filter(shown).filter(e => {
                const r = e.getBoundingClientRect(); return r.right > vw + 1 && !held(e.parentElement);
            }).map(e => e.tagName.toLowerCase() + '.' + e.className).slice(0, 10);
            return {viewport: vw, scrollWidth: document.documentElement.scrollWidth,
                    bodyScrollWidth: document.body.scrollWidth, images, tables, wide};
        })()""")

    # -- print -------------------------------------------------------------------------------------

    def pdf(self, path: Path | None = None) -> bytes:
        """The page printed by Chromium as the stylesheet's ``@page`` asks (size and margins)."""
        data = self.call("Page.printToPDF", preferCSSPageSize=True, printBackground=True,
                         displayHeaderFooter=False, transferMode="ReturnAsBase64")["data"]
        pdf = base64.b64decode(data)
        if path is not None:
            path.write_bytes(pdf)
        return pdf

    def print_breaks(self) -> dict:
        """In print media: the forced page breaks before the first figure, the height of the content, and
        how wide the page is laid out (``scrollWidth``, with ``wide`` the elements past the window's right
        edge: anything wider than the paper makes Chromium shrink the whole document to fit it), and the
        narrowest column of every table (``columns``: its class, header and text width in ems)."""
        self.call("Emulation.setEmulatedMedia", media="print")
        try:
            self.settle()
            return self.evaluate("""(() => {
                const forced = v => ['page', 'left', 'right', 'recto', 'verso', 'always'].includes(v);
                const first = document.querySelector('figure, img');
                const out = [];
                for (const e of document.body.querySelectorAll('*')) {
                    if (first && (e === first || first.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING))
                        break;
                    const s = getComputedStyle(e);
                    if (forced(s.breakBefore) || forced(s.breakAfter) || forced(s.pageBreakBefore)
                        || forced(s.pageBreakAfter)) out.push(e.tagName.toLowerCase() + '.' + e.className);
                }
                const main = document.querySelector('main') || document.body;
                const vw = document.documentElement.clientWidth;
                const wide = Array.from(document.body.querySelectorAll('*'))
                    .filter(e => e.getBoundingClientRect().right > vw + 1)
                    .map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40));
                return {forced: out, contentHeight: main.getBoundingClientRect().height,
                        contentWidth: main.getBoundingClientRect().width, viewport: vw,
                        scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 10),
                        columns: Array.from(document.querySelectorAll('table')).map(t => {
                            const ems = Array.from(t.querySelectorAll('thead tr:last-child th')).map(th => {
                                const s = getComputedStyle(th);
                                const inner = th.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
                                return [inner / parseFloat(s.fontSize), th.textContent];
                            }).sort((a, b) => a[0] - b[0]);
                            return {cls: t.className, ems: ems.length ? ems[0][0] : null,
                                    header: ems.length ? ems[0][1] : null};
                        })};
            })()""")
        finally:
            self.call("Emulation.setEmulatedMedia", media="")


def open_page(page: Path, screenshot: Path, width: int = 1100, height: int = 1400,
              browser: Browser | None = None) -> PageReport:
    """Load ``page`` from disk, let it settle, screenshot it, and report errors, requests and images."""
    if browser is None:
        with Browser(width, height) as own:
            return open_page(page, screenshot, width, height, own)
    with browser.tab(width, height) as tab:
        tab.open(page)
        report = tab.report()
        tab.screenshot(screenshot)
        return report


# -- a PDF, read just enough to check its pages ----------------------------------------------------------

@dataclass
class PdfPage:
    width: float   # points
    height: float
    text_y: list[float]  # the baselines of the text drawn on the page, in points from its top
    images: list[tuple[float, float]]  # the (top, bottom) of each image drawn on it, in points from its top

    def lowest(self) -> float:
        """How far down the page its last line of text or image reaches (points from the top; 0 if blank)."""
        return max([*self.text_y, *(bottom for _, bottom in self.images)], default=0.0)


def pdf_pages(pdf: bytes) -> list[PdfPage]:
    """The pages of a PDF Chromium (Skia) wrote: their /MediaBox, and where text and images are drawn.

    Reads uncompressed objects and Flate content streams only (all Skia writes); follows
    ``q``/``Q``/``cm`` and the text matrix (``Tm``, ``Td``) to place each text-showing operator
    and each image (``Do``).
    """
    objects = {int(m.group(1)): m.group(2)
               for m in re.finditer(rb"(?s)(\d+) 0 obj\s*(.*?)\s*endobj", pdf)}

    def stream(num: int) -> bytes:
        body = objects[num]
        m = re.search(rb"(?s)stream\r?\n(.*)\r?\nendstream", body)
        if m is None:
            return b""
        return zlib.decompress(m.group(1)) if b"/FlateDecode" in body[:m.start()] else m.group(1)

    def inherited(num: int | None, key: bytes) -> bytes | None:
        while num is not None:
            body = objects[num]
            if m := re.search(key + rb"\s*\[([^\]]*)\]", body):
                return m.group(1)
            parent = re.search(rb"/Parent\s+(\d+) 0 R", body)
            num = int(parent.group(1)) if parent else None
        return None

    order: list[int] = []  # pages in order: walk /Kids from the catalog's /Pages

    def walk(num: int) -> None:
        body = objects[num]
        if re.search(rb"/Type\s*/Pages\b", body):
            for kid in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids\s*\[([^\]]*)\]", body).group(1)):
                walk(int(kid))
        else:
            order.append(num)

    root = int(re.search(rb"/Root\s+(\d+) 0 R", pdf).group(1))
    walk(int(re.search(rb"/Pages\s+(\d+) 0 R", objects[root]).group(1)))
    pages = []
    for num in order:
        x0, y0, x1, y1 = (float(v) for v in inherited(num, rb"/MediaBox").split())
        contents = re.search(rb"/Contents\s+(\[[^\]]*\]|\d+ 0 R)", objects[num])
        content = b"\n".join(stream(int(n)) for n in re.findall(rb"(\d+) 0 R", contents.group(1))) if contents else b""
        texts, images = _placements(content)
        pages.append(PdfPage(x1 - x0, y1 - y0, [y1 - y for y in texts],
                             [(y1 - top, y1 - bottom) for bottom, top in images]))
    return pages


_TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/\[\]()<>]+|[-+]?\d*\.?\d+|[A-Za-z'\"*]+")


def _placements(content: bytes) -> tuple[list[float], list[tuple[float, float]]]:
    """The page y (points, from the bottom) of every text-showing operator in a content stream, and the
    (bottom, top) of every XObject (image) it draws."""
    def mul(a, b):
        return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
                a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
                a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]

    ctm, stack, tm, tlm, operands = [1, 0, 0, 1, 0, 0], [], None, None, []
    texts: list[float] = []
    images: list[tuple[float, float]] = []
    for tok in _TOKEN.findall(content):
        if tok[:1].isdigit() or tok[:1] in b"-+.":
            operands.append(float(tok))
            continue
        if tok[:1] in b"(<[]/":
            operands.append(tok)
            continue
        op, nums = tok, [v for v in operands if isinstance(v, float)]
        operands = []
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q" and stack:
            ctm = stack.pop()
        elif op == b"cm" and len(nums) >= 6:
            ctm = mul(nums[-6:], ctm)
        elif op == b"BT":
            tm = tlm = [1, 0, 0, 1, 0, 0]
        elif op == b"Tm" and len(nums) >= 6:
            tm = tlm = nums[-6:]
        elif op in (b"Td", b"TD") and len(nums) >= 2 and tlm is not None:
            tm = tlm = mul([1, 0, 0, 1, nums[-2], nums[-1]], tlm)
        elif op in (b"Tj", b"TJ", b"'", b'"') and tm is not None:
            texts.append(mul(tm, ctm)[5])
        elif op == b"Do":  # the unit square, through the CTM
            ys = [ctm[5], ctm[5] + ctm[1], ctm[5] + ctm[3], ctm[5] + ctm[1] + ctm[3]]
            images.append((min(ys), max(ys)))
    return texts, images
