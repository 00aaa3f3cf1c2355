"""Report pages open in a real headless Chromium and show their tables and figures."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from augkit.evaluate import Report

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(b)), None)
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no headless Chromium here (Debian package 'chromium'; .ci/run "
    "installs it best-effort)")


def _page(tmp_path):
    import cv2

    figure = tmp_path / "figure.png"
    gradient = np.tile(np.linspace(0, 255, 120, dtype=np.uint8), (60, 1))
    cv2.imwrite(str(figure), cv2.applyColorMap(gradient, cv2.COLORMAP_VIRIDIS))
    report = Report("Check <&> report", meta="seed 0")
    report.heading("Ops")
    report.table([{"op": "HorizontalFlip", "rate": 0.021, "flagged": False},
                  {"op": "<script>alert(1)</script>", "rate": 0.338, "flagged": True}],
                 flag="flagged")
    report.figure(figure, "a gradient")
    return report.write(tmp_path / "out")


def _chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu",
                           "--no-first-run", "--disable-extensions", *args],
                          capture_output=True, text=True, timeout=60, check=False)


def test_markdown_and_html_escape_and_link(tmp_path):
    paths = _page(tmp_path)
    page = paths["html"].read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Check &lt;&amp;&gt; report" in page and 'class="flag"' in page
    assert "http://" not in page and "https://" not in page  # nothing loads from elsewhere
    md = paths["markdown"].read_text()
    assert "| HorizontalFlip | 0.021 | no |" in md and "](../figure.png)" in md


@needs_browser
def test_page_renders_in_headless_chromium(tmp_path):
    paths = _page(tmp_path)
    dom = _chromium("--dump-dom", paths["html"].as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<tr") == 3 and "HorizontalFlip" in dom.stdout
    assert "alert(1)" in dom.stdout and "<script>alert" not in dom.stdout  # shown, not run
    shot = tmp_path / "shot.png"
    run = _chromium(f"--screenshot={shot}", "--window-size=900,700", paths["html"].as_uri())
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    import cv2

    pixels = cv2.imread(str(shot))
    # the embedded figure is drawn: viridis greens/purples appear on the white page
    purple = (pixels[..., 0] > 60) & (pixels[..., 2] > 40) & (pixels[..., 1] < 40)
    assert purple.sum() > 200
