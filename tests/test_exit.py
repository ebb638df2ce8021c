"""csi exits with its own status, every time: nothing it leaves behind in Arrow's
thread pools may bring the interpreter down while it shuts down."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.csv as pacsv
import pytest

from csitools.measure import csvdata
from tests.conftest import REPO


def test_no_python_object_is_handed_to_the_csv_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Arrow's worker threads sometimes release the reader, and with it its options;
    # releasing a Python object there takes the GIL, which at interpreter exit ends
    # the thread with pthread_exit and the process with std::terminate (status 134).
    seen: list[pacsv.ParseOptions] = []
    real_read = pacsv.read_csv

    def spy(*args, **kwargs):
        seen.append(kwargs["parse_options"])
        return real_read(*args, **kwargs)

    monkeypatch.setattr(pacsv, "read_csv", spy)
    ragged = tmp_path / "data.csv"
    ragged.write_text('period,value\n2026-01,"1\n"\n2026-02\n', encoding="utf-8")
    data, problems = csvdata.read_csv(ragged, "data.csv", ["period", "value"], ["kpi"])
    assert data is None
    assert [str(p) for p in problems] == [
        "data.csv:4: $: this row has 1 field but the header has 2; give every row one value "
        "per column, and quote values that contain commas"
    ]
    assert [(o.newlines_in_values, o.invalid_row_handler) for o in seen] == [
        (False, None),
        (True, None),
    ]


@pytest.mark.slow
def test_csi_validate_on_the_sample_exits_0_two_hundred_times_in_a_row() -> None:
    # Four batches side by side, each forking its runs from one interpreter that has
    # done the imports (tests/forked_runs.py): with the Python row handler back, about
    # one run in thirty of these ended in std::terminate.
    def batch(_: int) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "tests.forked_runs", "50", "validate"]
        return subprocess.run(command, cwd=REPO, capture_output=True, text=True)

    with ThreadPoolExecutor(max_workers=4) as pool:
        batches = list(pool.map(batch, range(4)))
    assert [(b.returncode, b.stderr) for b in batches] == [(0, "")] * 4
    statuses = [b.stdout.splitlines()[-1].removeprefix("exit statuses: ") for b in batches]
    assert Counter(" ".join(statuses).split()) == {"0": 200}
    reports = Counter(line for b in batches for line in b.stdout.splitlines()[:-1])
    assert list(reports.values()) == [200]
    assert next(iter(reports)).endswith(" files checked, 0 problems")
