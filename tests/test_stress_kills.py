"""A reduced ``make stress-kills``: the kill script itself, over 20 SQuAD paragraphs with two kills, reports
every kill survived and no record lost (the full run uses the whole SQuAD dev set and 20 kills)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SQUAD_V1

pytestmark = pytest.mark.slow


def test_kill_script_survives_its_kills_and_loses_no_record(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted((SQUAD_V1 / "corpus").glob("*.txt"))[:20]:
        shutil.copy(path, corpus / path.name)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "stress" / "kills.py"), str(corpus), "--kills", "2",
                           "--out", str(tmp_path / "kills.json")], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    import json

    result = json.loads((tmp_path / "kills.json").read_text())
    assert result["kills"] == result["survived"] == 2
    assert result["records_lost_after_kill"] == result["records_lost"] == 0
    assert result["records_compared"] > 0 and not result["failures"]
    assert all(row["converged"] for row in result["rounds"])


def test_kill_script_names_the_corpus_it_wants_when_the_folder_is_missing(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "stress" / "kills.py"), str(tmp_path / "nowhere")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == (f"{tmp_path / 'nowhere'}: no such folder (give the corpus folder, "
                                   "e.g. bench/data/squad_v1.1_dev_full/corpus)")
