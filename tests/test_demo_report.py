"""`augkit demo` writes one self-contained report page, and it renders in real Chromium."""

from __future__ import annotations

import re

import numpy as np
import pytest

from augkit.cli import demo_report
from augkit.cli.main import main
from augkit.evaluate.report import word_diff
from tests.browser import console_lines, needs_browser, probe, screenshot

pytest.importorskip("torch", reason="the demo's small study trains the proxy model (torch)")
pytest.importorskip("matplotlib", reason="the demo's figures need the 'plot' extra")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo with a shorter study (2 seeds, 3 epochs): the page is the same shape."""
    out = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_report, "STUDY_SEEDS", (0, 1))
        patch.setattr(demo_report, "STUDY_OPTIONS", {"max_epochs": 3, "patience": 2})
        assert main(["demo", "--out", str(out), "--seed", "1"]) == 0
    return out


def test_demo_prints_the_report_path(demo, capsys):
    # the fixture's own output was captured by the first test that used it; run once more
    # on the same folder (the page is rewritten, nothing else is needed)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_report, "STUDY_SEEDS", (0, 1))
        patch.setattr(demo_report, "STUDY_OPTIONS", {"max_epochs": 1, "patience": 1})
        assert main(["demo", "--out", str(demo)]) == 0
    assert f"open the report: {demo / 'report.html'}" in capsys.readouterr().out


def test_page_is_self_contained_and_has_every_part(demo):
    page = (demo / "report.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page and "<script" not in page
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert [h.split(":")[0] for h in headings] == [
        "Images", "Time series", "Text", "With and without augmentation",
        "Strength sweep", "Reproduce"]
    assert page.count('src="data:image/png;base64,') == 3  # grid, series overlay, sweep
    assert page.count("<table") == 3 and "<ins>" in page and "<del>" in page
    assert "[95 % interval]" in page and " points</td>" in page
    md = (demo / "report.md").read_text(encoding="utf-8")
    for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert (demo / link).is_file(), link


def test_text_examples_show_a_change_each_and_are_seeded():
    rows = demo_report.text_examples(0)
    assert rows == demo_report.text_examples(0)
    assert all(before != after for _, before, after in rows)


def test_word_diff_puts_the_text_back_together():
    before, after = "The movie was great .", "The film was great indeed ."
    segments = word_diff(before, after)
    assert "".join(t for k, t in segments if k != "ins") == before
    assert "".join(t for k, t in segments if k != "del") == after


def test_series_task_is_seeded_and_balanced():
    (x, y), (xt, yt) = demo_report.series_task(0)
    (x2, _), _ = demo_report.series_task(0)
    np.testing.assert_array_equal(x, x2)
    assert x.shape == (24, 64, 1) and np.bincount(y).tolist() == [8, 8, 8]
    assert xt.shape == (300, 64, 1)


@needs_browser
def test_report_renders_in_headless_chromium(demo):
    page = demo / "report.html"
    found = probe(page)
    assert len(found["images"]) == 3
    for image in found["images"]:
        assert image["complete"] and image["width"] > 0 and image["height"] > 0, image
    assert found["tables"] == 3 and found["rows"] >= 5 + 2 + 4
    assert found["violations"] == []
    assert "Strength sweep: Jitter scale" in found["headings"]
    assert console_lines(page) == []
    import cv2

    shot = cv2.imread(str(screenshot(page, demo / "report.png")))
    assert shot is not None and shot.shape[0] > 1000
    assert (shot < 250).any(axis=2).mean() > 0.05  # drawn: not a blank white page


@needs_browser
def test_a_broken_image_is_caught(tmp_path):
    from augkit.evaluate import Report

    figure = tmp_path / "empty.png"
    figure.write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    report = Report("broken")
    report.figure(figure, "broken")
    found = probe(report.write(tmp_path)["html"])
    assert found["images"][0]["width"] == 0
