"""How long `csi report` takes for a large register, each figure beside a floor measured
in the same run.

Generates a register of N improvements (default 300, the issue's case; use
--improvements 60 while developing: the full PDF takes minutes) in a temporary folder
with the sample's mkdocs.yml, draws its charts once (as a build before would), then
times, each in a fresh process:
  - the HTML pack (csi report --whole --format html), against the floor of loading the
    register and computing its status without rendering anything (validate_repository);
  - the PDF pack (csi report --whole --format pdf), against the floor of bare WeasyPrint
    rendering the very same HTML (HTML(string=...).write_pdf()), with its page count
    and the seconds per page of both.
Every figure is printed beside its floor as a ratio.

Usage: python benchmarks/report.py [--improvements 300] [--kpis 40]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from figures import Figure, report
from registergen import generate

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"

FLOOR_STATUS = f"""
import datetime
from pathlib import Path
from csitools.validation import validate_repository
validation = validate_repository(Path.cwd(), datetime.date.fromisoformat("{AS_OF}"))
assert not validation.errors and validation.status.improvements
"""
"""Load the register and compute every improvement's status; render nothing."""

FLOOR_PDF = """
from pathlib import Path
from weasyprint import HTML
Path("bare.pdf").write_bytes(HTML(string=Path("pack.html").read_text("utf-8")).write_pdf())
"""
"""The pack's own HTML through WeasyPrint and nothing else."""


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``cmd`` (CPU: fairer on a shared machine)."""
    start, cpu = time.perf_counter(), _cpu()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return time.perf_counter() - start, _cpu() - cpu


def row(label: str, t: tuple[float, float], floor: tuple[float, float] | None = None) -> str:
    text = f"  {label:<40}{t[0]:8.2f} s wall {t[1]:8.2f} s CPU"
    if floor is not None:
        text += f"  {t[0] / floor[0]:5.2f}x / {t[1] / floor[1]:5.2f}x its floor"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--improvements", "--entries", type=int, default=300, dest="entries")
    parser.add_argument("--kpis", type=int, default=40)
    args = parser.parse_args()
    python = sys.executable
    csi = [python, "-m", "csitools.cli", "report", "--as-of", AS_OF, "--whole"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "register-repo"
        generate(root, args.entries, kpis=args.kpis)
        shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
        os.environ.setdefault("XDG_CACHE_HOME", str(Path(tmp) / "xdg"))
        os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
        timed([*csi, "--format", "html", "--out", "warm.html"], root)  # charts into the cache
        t_status = timed([python, "-c", FLOOR_STATUS], root)
        t_html = timed([*csi, "--format", "html", "--out", "pack.html"], root)
        t_bare = timed([python, "-c", FLOOR_PDF], root)
        t_pdf = timed([*csi, "--format", "pdf", "--out", "pack.pdf"], root)
        from pypdf import PdfReader

        pages = len(PdfReader(root / "pack.pdf").pages)
        bare_pages = len(PdfReader(root / "bare.pdf").pages)
        size = (root / "pack.html").stat().st_size
    pdf_only = (t_pdf[0] - t_html[0], t_pdf[1] - t_html[1])
    print(
        f"register: {args.entries:,} improvements, {args.kpis} KPIs; pack: "
        f"{size / 1e6:.1f} MB HTML, {pages:,} PDF pages (bare WeasyPrint: {bare_pages:,})"
    )
    print("  each in a fresh process; charts drawn by an earlier run; ratios wall / CPU")
    print(row("floor: load + status, no rendering", t_status))
    print(row("csi report --format html", t_html, t_status))
    print(row("floor: bare WeasyPrint, the same HTML", t_bare))
    print(row("csi report --format pdf", t_pdf, t_bare))
    print(row("  of which the PDF (pdf - html)", pdf_only, t_bare))
    print(
        f"  per PDF page: csi {pdf_only[0] / pages:.3f} s wall, {pdf_only[1] / pages:.3f} s "
        f"CPU (pdf - html); bare WeasyPrint {t_bare[0] / bare_pages:.3f} s wall, "
        f"{t_bare[1] / bare_pages:.3f} s CPU"
    )
    report(
        [
            Figure("report", "csi report --format html", t_html[1], "load + status", t_status[1]),
            Figure("report", f"csi report --format pdf ({pages:,} pages)", t_pdf[1],
                   "bare WeasyPrint, the same HTML", t_bare[1]),
        ]
    )  # fmt: skip


if __name__ == "__main__":
    main()
