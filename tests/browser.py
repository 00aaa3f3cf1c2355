"""Open a report page in real headless Chromium: images decoded, tables, console, screenshot.

The pages forbid scripts (their Content-Security-Policy), so the checks run on a copy whose
policy also allows one inline script, added here, that waits for the load event and writes
what it found (each image's naturalWidth, the tables, any policy violation) into the DOM,
which ``--dump-dom`` prints. The unchanged page is opened too, with Chromium's console sent
to stderr: a page that runs no script logs nothing unless something failed (a blocked or
broken resource), so any console line counts as an error.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(b)), None)
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no headless Chromium here (Debian package 'chromium'; .ci/run "
    "installs it best-effort)")

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions")
_PROBE = """<script>
document.addEventListener('securitypolicyviolation', e => {
  (window.__violations = window.__violations || []).push(e.blockedURI + ' ' + e.violatedDirective);
});
window.addEventListener('load', () => {
  const found = {
    images: [...document.images].map(i => ({alt: i.alt, complete: i.complete,
                                            width: i.naturalWidth, height: i.naturalHeight})),
    tables: document.querySelectorAll('table').length,
    rows: document.querySelectorAll('tbody tr').length,
    headings: [...document.querySelectorAll('h2')].map(h => h.textContent),
    violations: window.__violations || []};
  const out = document.createElement('pre');
  out.id = 'augkit-probe';
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script>"""


def chromium(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="augkit-chromium-") as profile:
        return subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, check=False)


def probe(page: Path) -> dict:
    """What the page looks like once loaded (see the module text)."""
    text = page.read_text(encoding="utf-8")
    policy = "style-src 'unsafe-inline'"
    assert policy in text, "the page's Content-Security-Policy changed; update the probe"
    probed = text.replace(policy, policy + "; script-src 'unsafe-inline'", 1)
    probed = probed.replace("</head>", _PROBE + "</head>", 1)
    copy = page.with_name(page.stem + ".probe.html")
    copy.write_text(probed, encoding="utf-8")
    try:
        done = chromium("--virtual-time-budget=10000", "--dump-dom", copy.as_uri())
    finally:
        copy.unlink()
    assert done.returncode == 0, done.stderr[-2000:]
    match = re.search(r'<pre id="augkit-probe">(.*?)</pre>', done.stdout, re.S)
    assert match, "the probe found no load event:\n" + done.stdout[-2000:]
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&")
                      .replace("&lt;", "<").replace("&gt;", ">"))


def console_lines(page: Path) -> list[str]:
    """Console messages of the unchanged page (Chromium's log on stderr)."""
    done = chromium("--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
                    "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line]


def screenshot(page: Path, shot: Path, size: str = "1100,2400") -> Path:
    done = chromium(f"--screenshot={shot}", f"--window-size={size}", "--hide-scrollbars",
                    page.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    return shot
