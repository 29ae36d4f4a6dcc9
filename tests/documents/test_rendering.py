"""The documents as a reader sees them: the deck and the annual analysis through LibreOffice,
the PDF as it is, every page rasterised by pdftoppm. Each page must render with something on
it, and nothing may run into the outer edge of the page (a table or chart running off shows up
as ink there). Skipped where LibreOffice or poppler is not installed (.ci/run installs both)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
PDFTOPPM = shutil.which("pdftoppm")
pytestmark = pytest.mark.skipif(not (LIBREOFFICE and PDFTOPPM), reason="needs LibreOffice and pdftoppm")


def to_pdf(document: Path, folder: Path) -> Path:
    """`document` converted by LibreOffice headless, with a profile of the test run's own so that
    parallel runs (and a LibreOffice a person has open) do not share one."""
    profile = folder.parent / "profile"
    subprocess.run(
        [str(LIBREOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(folder), str(document)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder / f"{document.stem}.pdf"


def pages(pdf: Path, folder: Path) -> list[Image.Image]:
    subprocess.run([str(PDFTOPPM), "-r", "30", "-png", str(pdf), str(folder / "page")], check=True, timeout=300)
    return [Image.open(path).convert("L") for path in sorted(folder.glob("page-*.png"))]


def ink(image: Image.Image) -> bool:
    """Anything darker than near-white in `image`."""
    return image.point(lambda value: 255 if value < 235 else 0).getbbox() is not None


def check(images: list[Image.Image], *, right: float, bottom: float) -> None:
    """Every page has content, and the outer `right`/`bottom` fraction of it is blank."""
    for number, image in enumerate(images, start=1):
        width, height = image.size
        assert ink(image), f"page {number} is empty"
        assert not ink(image.crop((int(width * (1 - right)), 0, width, height))), (
            f"page {number}: ink at the right edge"
        )
        assert not ink(image.crop((0, int(height * (1 - bottom)), width, height))), f"page {number}: ink at the bottom"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rendered")


def test_deck_renders_one_page_per_slide_inside_the_slide(published: dict[str, Path], folder: Path) -> None:
    from pptx import Presentation

    pdf = to_pdf(published["pptx"], folder / "deck")
    images = pages(pdf, folder / "deck")
    assert len(images) == len(Presentation(str(published["pptx"])).slides)
    check(images, right=0.02, bottom=0.03)  # the deck's margin is 0.45 in of 11.7 × 8.3


def test_annual_analysis_renders_on_a4(published: dict[str, Path], folder: Path) -> None:
    from pypdf import PdfReader

    pdf = to_pdf(published["docx"], folder / "docx")
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(pdf).pages}
    assert sizes == {(595, 842)}
    check(pages(pdf, folder / "docx"), right=0.08, bottom=0.05)  # python-docx's margins: 1 inch


def test_pdf_pages_render_inside_their_margins(published: dict[str, Path], folder: Path) -> None:
    (folder / "pdf").mkdir()
    images = pages(published["pdf"], folder / "pdf")
    assert 6 <= len(images) <= 15  # a bridge and a waterfall per supplier, lists, frames, the bill
    check(images, right=0.03, bottom=0.02)


def test_the_check_sees_a_page_that_runs_off() -> None:
    page = Image.new("L", (300, 200), 255)
    page.paste(0, (20, 20, 120, 60))
    check([page], right=0.03, bottom=0.03)
    page.paste(0, (250, 100, 300, 120))  # a chart running off the right edge
    with pytest.raises(AssertionError, match="right edge"):
        check([page], right=0.03, bottom=0.03)
    with pytest.raises(AssertionError, match="empty"):
        check([Image.new("L", (300, 200), 255)], right=0.03, bottom=0.03)
