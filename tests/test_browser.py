"""`kg serve` tested as a person would use it: headless Chromium (Debian's chromium + chromium-driver, driven
by Selenium; no browser download). Opens an organisation's page, follows a link to a law, searches, runs
a canned query from the query page, and saves screenshots in tests/artifacts/. Then the static site
(`kg export --site`) under its own rules: its search page, run by a script file of the site.

Skipped where Chromium is missing, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from test_serve import running_server

pytestmark = pytest.mark.browser

ORG = "/doc/organisation/ministerie-van-justitie-en-veiligheid"


def _binaries() -> tuple[str | None, str | None]:
    chromium = os.environ.get("KG_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver = os.environ.get("KG_TEST_CHROMEDRIVER") or shutil.which("chromedriver")
    return chromium, driver


@pytest.fixture(scope="module")
def browser():
    chromium, driver = _binaries()
    missing = not (chromium and driver and Path(chromium).exists() and Path(driver).exists())
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("chromium / chromedriver / selenium missing in CI (see .ci/services.d/30-chromium.sh)")
        pytest.skip("chromium, chromedriver or selenium not installed")
    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1400", f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(driver), options=opts)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(built_store):
    with running_server(built_store, "--workers", "2") as url:
        yield url


def _no_csp_errors(drv) -> None:
    try:
        logs = drv.get_log("browser")
    except Exception:  # not every driver keeps logs
        return
    bad = [e["message"] for e in logs if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]
    assert not bad, bad


def _arrive(drv, fragment: str, timeout: float = 60) -> None:
    """Wait until a click or submit has navigated: `click()` returns before the next page has loaded."""
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(drv, timeout).until(EC.url_contains(fragment))
    WebDriverWait(drv, timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_person_browses_searches_and_queries(browser, site, artifacts):
    from selenium.webdriver.common.by import By

    drv = browser
    # an organisation's page
    drv.get(site + ORG)
    assert drv.find_element(By.TAG_NAME, "h1").text == "Ministerie van Justitie en Veiligheid"
    assert drv.find_elements(By.CSS_SELECTOR, ".figure svg a"), "the neighbourhood picture has links"
    drv.save_screenshot(str(artifacts / "browser-1-organisation.png"))
    _no_csp_errors(drv)

    # follow a link to a law
    law = drv.find_element(By.CSS_SELECTOR, "main a[href^='/doc/legal/']")
    name = law.text or law.get_attribute("title")
    law.click()
    _arrive(drv, "/doc/legal/")
    h1 = drv.find_element(By.TAG_NAME, "h1").text
    assert h1 and (not name or name.strip("“”").split()[0] in h1 or h1)
    drv.save_screenshot(str(artifacts / "browser-2-law.png"))

    # search from the header
    box = drv.find_element(By.ID, "q-top")
    box.send_keys("DJI")
    box.submit()
    _arrive(drv, "/search")
    hit = drv.find_element(By.LINK_TEXT, "Dienst Justitiële Inrichtingen")
    drv.save_screenshot(str(artifacts / "browser-3-search.png"))
    hit.click()
    _arrive(drv, "/doc/organisation/dienst-justitiele-inrichtingen")
    assert drv.current_url.endswith("/doc/organisation/dienst-justitiele-inrichtingen")
    assert drv.find_elements(By.CSS_SELECTOR, "blockquote mark"), "the sentences that mention it, highlighted"

    # a canned query from the query page
    drv.get(site + "/queries")
    form = drv.find_element(By.ID, "form-laws-for-organisation")
    field = form.find_element(By.NAME, "organisation")
    field.send_keys("DJI")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _arrive(drv, "/queries/laws-for-organisation")
    cells = [td.text for td in drv.find_elements(By.CSS_SELECTOR, "table.results td")]
    assert "Penitentiaire beginselenwet" in cells
    link = drv.find_element(By.CSS_SELECTOR, "table.results td a[href^='/doc/legal/']")
    assert link.text  # a label, not an IRI
    drv.save_screenshot(str(artifacts / "browser-4-query.png"))

    # the report with its entities highlighted
    drv.get(site + "/doc/report/jenv-jaarverslag-2024-beleidsverslag")
    assert len(drv.find_elements(By.CSS_SELECTOR, "article.report a.m")) > 50
    drv.save_screenshot(str(artifacts / "browser-5-report.png"))
    _no_csp_errors(drv)


# --- the static site (kg export --site), served as its .htaccess says ------------------------------------

@pytest.fixture(scope="module")
def static_site_url(static_site):
    """The exported site on a small static HTTP server that follows the site's .htaccess: /x answers x.html,
    and HTML files carry the Content-Security-Policy written there (search.html its own)."""
    import functools
    import http.server
    import re
    import threading

    rules = (static_site / ".htaccess").read_text()
    policies = dict(re.findall(r'<Files(?:Match)? "([^"]+)">\s*Header set Content-Security-Policy "([^"]+)"', rules))

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            p = super().translate_path(path)
            if not os.path.isfile(p) and os.path.isfile(p + ".html"):
                p += ".html"
            self.served = p
            return p

        def end_headers(self):
            served = getattr(self, "served", "")
            if served.endswith(".html"):
                key = "search.html" if os.path.basename(served) == "search.html" else "\\.html$"
                self.send_header("Content-Security-Policy", policies[key])
                self.send_header("X-Content-Type-Options", "nosniff")
            super().end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(static_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_person_searches_the_static_site(browser, static_site_url, artifacts):
    """The static site's search runs /static/search.js under a policy without inline scripts: type a name,
    see the ranked hits, follow one; search from the header of another page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    drv = browser
    try:
        drv.get_log("browser")  # drop what earlier pages logged
    except Exception:  # not every driver keeps logs
        pass
    drv.get(static_site_url + "/search")
    assert drv.find_element(By.ID, "all").is_displayed()  # without a query: every name
    drv.find_element(By.ID, "q").send_keys("DJI")
    WebDriverWait(drv, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#hits li a"))
    first = drv.find_element(By.CSS_SELECTOR, "#hits li a")
    assert first.text == "Dienst Justitiële Inrichtingen"
    assert not drv.find_element(By.ID, "all").is_displayed()
    assert "resultaten" in drv.find_element(By.ID, "search-status").text
    drv.save_screenshot(str(artifacts / "browser-6-static-search.png"))
    _no_csp_errors(drv)
    first.click()
    _arrive(drv, "/doc/organisation/dienst-justitiele-inrichtingen")
    assert drv.find_element(By.TAG_NAME, "h1").text == "Dienst Justitiële Inrichtingen"

    box = drv.find_element(By.ID, "q-top")
    box.send_keys("penitentiaire")
    box.submit()
    _arrive(drv, "/search?q=penitentiaire")
    WebDriverWait(drv, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#hits li a"))
    hits = [a.text for a in drv.find_elements(By.CSS_SELECTOR, "#hits li a")]
    assert "Penitentiaire beginselenwet" in hits[:3]
    drv.save_screenshot(str(artifacts / "browser-7-static-search-header.png"))
    _no_csp_errors(drv)
