"""Open a file in headless Chromium over the DevTools protocol and report what a reader's browser saw.

The browser runs with every host name unresolvable and a dead proxy, so nothing
can leave the machine; besides, every request the page makes is recorded, and
anything that is not the file itself or a ``data:`` URI counts as leaving it.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import websocket

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--remote-debugging-port=0"]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


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


class _Session:
    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
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
            self.events.append(reply)

    def wait_for(self, method: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        if any(e.get("method") == method for e in self.events):
            return
        while time.monotonic() < deadline:
            event = json.loads(self.ws.recv())
            self.events.append(event)
            if event.get("method") == method:
                return
        raise TimeoutError(method)


def open_page(page: Path, screenshot: Path, width: int = 1100, height: int = 1400) -> PageReport:
    """Load ``page`` from disk, let it settle, screenshot it, and report errors, requests and images."""
    profile = tempfile.mkdtemp(prefix="simlib-chromium-")
    proc = subprocess.Popen([chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        ws_url = None
        deadline = time.monotonic() + 30
        while ws_url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if m := re.search(r"DevTools listening on (ws://\S+)", line):
                ws_url = m.group(1)
            elif not line and proc.poll() is not None:
                break
        if ws_url is None:
            raise RuntimeError("chromium did not start its DevTools endpoint")
        s = _Session(ws_url)
        target = s.call("Target.createTarget", url="about:blank")["targetId"]
        sid = s.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            s.call(f"{domain}.enable", session=sid)
        url = page.resolve().as_uri()
        s.call("Page.navigate", session=sid, url=url)
        s.wait_for("Page.loadEventFired", 30)
        time.sleep(0.5)  # let late requests and errors arrive
        check = s.call("Runtime.evaluate", session=sid, returnByValue=True, expression="""({
            images: document.images.length,
            broken: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length,
            scripts: document.scripts.length,
            text: document.body.innerText})""")["result"]["value"]
        shot = s.call("Page.captureScreenshot", session=sid, format="png", captureBeyondViewport=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        report = PageReport(images=check["images"], broken_images=check["broken"], scripts=check["scripts"],
                            text=check["text"])
        for e in s.events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                report.console_errors.append(json.dumps(p.get("args"))[:200])
            elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
                report.console_errors.append(p["entry"].get("text", "")[:200])
            elif method == "Runtime.exceptionThrown":
                report.exceptions.append(json.dumps(p.get("exceptionDetails"))[:200])
            elif method == "Network.requestWillBeSent":
                req = p["request"]["url"]
                if req != url and not req.startswith("data:"):
                    report.outside_requests.append(req)
            elif method == "Network.loadingFailed":
                report.failed_requests.append(p.get("errorText", ""))
        s.ws.close()
        return report
    finally:
        proc.kill()
        proc.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)
