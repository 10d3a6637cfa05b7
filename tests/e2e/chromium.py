"""Debian's Chromium for the browser tests, driven by Selenium through ChromeDriver.

``scripts/setup-browser`` installs both and axe-core (scripts/test runs it).
Where they are missing the browser tests skip, except under ``CI=true``, where
a missing browser is a failure (CI must test the pages).

    driver = start(javascript=False)           # a phone (360x740) without JavaScript
    driver.get(url); check_accessibility(driver, "resident-home")   # axe + screenshot
"""
import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
AXE = os.path.join(ROOT, "var", "browser", "node_modules", "axe-core", "axe.min.js")
SCREENSHOTS = os.path.join(ROOT, "var", "screenshots")
PHONE, LAPTOP = (360, 740), (1280, 800)
#: at 200% zoom a 1280-pixel laptop window is 640 CSS pixels wide (WCAG 1.4.4, 1.4.10)
ZOOMED = (640, 400)
#: WCAG 1.4.10 reflow: content readable at 320 CSS pixels wide without sideways scrolling
REFLOW = (320, 640)
SERIOUS = ("serious", "critical")
#: every axe result, by page, for the closing note (written by the tests' finaliser)
RESULTS = {}


def available():
    """None when the browser tests can run, else why not."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER, AXE) if not os.path.exists(p)]
    if missing:
        return "missing %s (run scripts/setup-browser)" % ", ".join(missing)
    return None


def require():
    reason = available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail("browser tests cannot run in CI: %s" % reason)
        pytest.skip(reason)


def start(javascript=True, size=PHONE):
    """A headless Chromium with its own empty profile; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--lang=id-ID"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.javascript = javascript
    if not javascript:
        # DevTools' "Disable JavaScript": no page script runs, on every page of the
        # tab; axe() lifts it only while axe itself runs
        scripts(driver, False)
    resize(driver, size)
    return driver


def scripts(driver, enabled):
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not enabled})


def resize(driver, size):
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    driver.size = size


def as_client(driver, address):
    """Send ``X-Forwarded-For: address`` (the e2e platform trusts it) so that rate
    limits one test uses up never reach another."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                           {"headers": {"X-Forwarded-For": address}})


def screenshot(driver, name):
    """The whole page as ``var/screenshots/<name>.png``; returns the path."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    width, height = driver.size
    full = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": max(height, min(full, 6000)), "deviceScaleFactor": 1,
        "mobile": width < 500})
    path = os.path.join(SCREENSHOTS, "%s.png" % name)
    driver.save_screenshot(path)
    resize(driver, driver.size)
    return path


def axe(driver):
    """axe-core's violations on the current page: ``[{id, impact, help, nodes}]``.

    axe is injected through the driver (not a page script), so it runs with
    JavaScript disabled for the page as well, and the page's own
    Content-Security-Policy does not apply to it.
    """
    with open(AXE, encoding="utf-8") as handle:
        source = handle.read()
    if not driver.javascript:
        scripts(driver, True)
    try:
        return _run_axe(driver, source)
    finally:
        if not driver.javascript:
            scripts(driver, False)


def _run_axe(driver, source):
    return driver.execute_async_script(source + """
        var done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
          done(r.violations.map(function (v) { return {id: v.id, impact: v.impact,
            help: v.help, nodes: v.nodes.map(function (n) { return n.target.join(" "); })}; }));
        }, function (e) {
          done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]);
        });
    """)


def check_page(driver, name):
    """Screenshot the page and assert 0 serious or critical axe violations on it."""
    path = screenshot(driver, name)
    found = axe(driver)
    serious = [v for v in found if v["impact"] in SERIOUS]
    RESULTS[name] = {"url": driver.current_url, "screenshot": os.path.relpath(path, ROOT),
                     "violations": [(v["id"], v["impact"]) for v in found]}
    assert serious == [], json.dumps(serious, indent=1, ensure_ascii=False)
    return found


def no_sideways_scroll(driver):
    """True when the page reflows into the window (nothing to scroll sideways)."""
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1")


def transferred_bytes(driver):
    """Bytes on the wire for the page and everything it loaded (compressed)."""
    return driver.execute_script("""
        var all = performance.getEntriesByType("navigation").concat(
          performance.getEntriesByType("resource"));
        return all.reduce(function (s, e) { return s + (e.transferSize || 0); }, 0);""")


class Relay:
    """A TCP relay in front of the gateway, so a test can cut the network for real.

    The browser opens the platform through ``relay.url``; ``cut()`` closes the
    relay and every connection through it (the page and its service worker
    both lose the network, as on a phone without signal, while the browser
    still believes it is online), ``restore()`` opens it again on the same
    port, so the origin, its service worker and its storage stay the same.
    """

    def __init__(self, target_url):
        import eventlet
        host, _, port = target_url.split("//", 1)[1].rstrip("/").rpartition(":")
        self.target = (host, int(port))
        probe = eventlet.listen(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = "http://127.0.0.1:%d" % self.port
        self.sockets, self.pipes, self.server, self.thread = set(), set(), None, None
        self.restore()

    def restore(self):
        import eventlet
        self.server = eventlet.listen(("127.0.0.1", self.port))
        self.thread = eventlet.spawn(self._accept, self.server)

    def _accept(self, server):
        import eventlet
        while True:
            try:
                client, _ = server.accept()
                upstream = eventlet.connect(self.target)
            except Exception:  # noqa: BLE001 - the relay was cut
                return
            self.sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                pipe = eventlet.spawn(self._pipe, source, sink)
                self.pipes.add(pipe)
                pipe.link(self.pipes.discard)

    def _pipe(self, source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except Exception:  # noqa: BLE001 - a cut connection ends its pipe, whatever the error
            pass
        finally:
            for sock in (source, sink):
                self.sockets.discard(sock)
                try:
                    sock.close()
                except Exception:  # noqa: BLE001
                    pass

    def cut(self):
        # The pipes are killed before their sockets close: eventlet forgets a
        # reader blocked on a socket another greenthread closes, and the next
        # descriptor the OS hands out under that number without telling eventlet
        # (a subprocess's pipe) then fails as a "second simultaneous read".
        self.thread.kill()
        for pipe in list(self.pipes):
            pipe.kill()
        self.server.close()
        for sock in list(self.sockets):
            try:
                sock.close()
            except OSError:
                pass
        self.sockets.clear()


def write_results():
    """``var/screenshots/axe-results.json``: every page checked, its screenshot, its findings."""
    if RESULTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with open(os.path.join(SCREENSHOTS, "axe-results.json"), "w", encoding="utf-8") as handle:
            json.dump(RESULTS, handle, indent=1, ensure_ascii=False)


def page_text(driver):
    """The page's visible text, read in one script call (no element to go stale)."""
    from selenium.common.exceptions import WebDriverException
    try:
        return driver.execute_script("return document.body ? document.body.innerText : ''")
    except WebDriverException:  # the page is being replaced: nothing to read yet
        return ""


def wait_text(driver, text, timeout=20):
    """Wait until the page shows ``text`` (a condition with a deadline, across navigations)."""
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.common.exceptions import TimeoutException
    try:
        WebDriverWait(driver, timeout).until(lambda d: text in page_text(d))
    except TimeoutException:
        slug = "".join(c if c.isalnum() else "-" for c in text)[:40]
        path = screenshot(driver, "FAILED-%s" % slug)
        raise AssertionError("%s never showed %r (see %s)" % (
            driver.current_url, text, path)) from None
