"""The diagnosis vocabulary and the generic qualifier words ("chronic", "acute", "primary",
"secondary", "other than", "concomitant") across disease areas, and the breadth count of the
words the reader still leaves "not understood".

Sentences are invented, in the shapes other sponsors use.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.bench_breadth import unread_words
from matcher.model import Criterion
from tests.conftest import REPO

# ------------------------------------------------------------------ the breadth word count


def _manual(reason: str | None) -> Criterion:
    return Criterion("exc-1", "manual", "exclusion", "text", "manual", {}, reason)


def test_the_unread_word_count_counts_each_word_once_per_item_case_folded() -> None:
    criteria = [
        _manual('not understood: "Severe", "chronic", "severe"'),
        _manual('not understood: "severe" (+4 more)'),
        _manual('newly diagnosed: how recently; not understood: "newly"'),
        _manual("informed consent is confirmed at screening"),
        _manual(None),
    ]
    counts, items, hidden = unread_words(criteria)
    assert counts == {"severe": 2, "chronic": 1, "newly": 1}
    assert (items, hidden) == (3, 4)


def test_bench_breadth_words_prints_the_most_frequent_unread_words(tmp_path: Path) -> None:
    (tmp_path / "NCT00000001.txt").write_text(
        "Exclusion Criteria:\n  -  Frobnicated diabetes\n  -  Hepatitis B frobnicated\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "benchmarks/bench_breadth.py", str(tmp_path), "--words", "5"],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'items left manual for words "not understood": 2' in done.stdout
    assert any(line.split() == ["2", "frobnicated"] for line in done.stdout.splitlines())
