"""How long `csi report` takes for a large register, and per PDF page.

Generates a register of N improvements (default 300) in a temporary folder with the
sample's mkdocs.yml, then prints, all measured in the same run:
  - the floor: the site content alone (validation, charts, pages: what the pack is
    made of, generate_site, charts cached by a first run);
  - the whole-register pack as HTML (csi report --whole --format html);
  - the same pack as PDF, its page count and the time per page beyond the HTML.
Every figure is printed beside its floor as a ratio.

Usage: python benchmarks/report.py [--entries 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from csitools.publish.content import generate_site
from csitools.publish.pagecache import CACHE_DIR

sys.path.insert(0, str(Path(__file__).parent))
from registergen import generate

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=300)
    args = parser.parse_args()
    csi = [sys.executable, "-m", "csitools.cli", "report", "--as-of", AS_OF, "--whole"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "register-repo"
        generate(root, args.entries, kpis=40)
        shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
        os.environ.setdefault("XDG_CACHE_HOME", str(Path(tmp) / "xdg"))
        day = dt.date.fromisoformat(AS_OF)
        generate_site(root, day, CACHE_DIR)  # charts into the cache, as after a build
        start = time.perf_counter()
        generate_site(root, day, CACHE_DIR)
        floor = time.perf_counter() - start
        t_html = timed([*csi, "--format", "html", "--out", "pack.html"], root)
        t_pdf = timed([*csi, "--format", "pdf", "--out", "pack.pdf"], root)
        from pypdf import PdfReader

        pages = len(PdfReader(root / "pack.pdf").pages)
        size = (root / "pack.html").stat().st_size
        print(
            f"register: {args.entries:,} improvements; pack: {size / 1e6:.1f} MB HTML, "
            f"{pages:,} PDF pages"
        )
        print(f"  floor: site content in-process (charts, validation cached){floor:7.2f} s")
        print(
            f"  csi report --format html (fresh process)        {t_html:7.2f} s  "
            f"{t_html / floor:5.2f}x floor"
        )
        print(
            f"  csi report --format pdf  (fresh process)        {t_pdf:7.2f} s  "
            f"{t_pdf / floor:5.2f}x floor"
        )
        print(
            f"  PDF beyond the HTML: {(t_pdf - t_html) / pages * 1000:.0f} ms per page, "
            f"{(t_pdf - t_html) / floor:.2f}x floor"
        )


if __name__ == "__main__":
    main()
