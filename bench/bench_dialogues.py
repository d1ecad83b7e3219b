"""Play tests/data/dialogues.jsonl through the bot and count the final turns it gets right.

    .venv/bin/python bench/bench_dialogues.py [--work DIR] [--verbose]

Each wrong final turn is put down to one cause, the first that applies: an earlier turn's answer was
wrong (the follow-up was resolved against it), the final turn's standalone question failed its check
(the rewrite), or the answer itself (the standalone question passed its check or has none: the
answerer). The standalone column counts follow-up turns (not first questions) whose standalone check
passed; an ask-back turn passes when the bot asked back.

Builds (or, with --work, reuses) one index of corpus/ (the seed article) and one of the SQuAD v1.1
subset's corpus, then plays each dialogue through a fresh ``Conversation``. A final turn is right
when: ``answers`` -> the answer is answered and contains a gold answer (``bot eval``'s matching);
``unanswerable`` -> it is refused; ``clarify`` -> the bot asks back (an answer of kind "clarify").
Prints the shares by corpus, then the wrong final turns by cause.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPORA = {"seed": ROOT / "corpus", "squad_v1.1": ROOT / "tests/data/squad_v1.1_dev_subset/corpus"}


def engines(work: Path, models):
    from bot.engine import Engine
    from bot.index import build
    from bot.settings import Settings

    out = {}
    for name, corpus in CORPORA.items():
        settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": work / f"index-{name}"})
        build(settings, models=models)
        out[name] = Engine(settings, models)
    return out


def answer_right(turn: dict, answer) -> bool | None:
    """Whether an earlier turn was answered as its data says (None when the data says nothing)."""
    from bot.evaluate import contains

    if turn.get("unanswerable"):
        return not answer.answerable
    if turn.get("answers"):
        return answer.answerable and contains(answer.answer, tuple(turn["answers"]))
    return None


def final_turn_right(turn: dict, answer) -> bool:
    from bot.evaluate import contains

    if turn.get("clarify"):
        return answer.kind == "clarify"
    if turn.get("unanswerable"):
        return not answer.answerable
    return answer.answerable and contains(answer.answer, tuple(turn["answers"]))


def standalone_right(turn: dict, standalone: str) -> bool | None:
    if turn.get("standalone_unchanged"):
        return standalone == turn["question"]
    if turn.get("standalone_contains"):
        return all(k.lower() in standalone.lower() for k in turn["standalone_contains"])
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the indexes here and reuse them next time")
    parser.add_argument("--verbose", action="store_true", help="print every wrong final turn")
    parser.add_argument("--dialogues", type=Path, default=ROOT / "tests/data/dialogues.jsonl",
                        help="another set of dialogues in the same format")
    args = parser.parse_args()

    from bot.chat.conversation import Conversation
    from bot.models import Models
    from bot.settings import Settings

    dialogues = [json.loads(line) for line in args.dialogues.read_text(encoding="utf-8").splitlines() if line.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-dialogues-"))
    by_corpus = engines(work, Models(Settings()))
    finals, standalones, causes = defaultdict(list), defaultdict(list), defaultdict(list)
    for dialogue in dialogues:
        conversation = Conversation(by_corpus[dialogue["corpus"]])
        earlier_wrong = False
        for number, turn in enumerate(dialogue["turns"], 1):
            answer = conversation.ask(turn["question"])
            checked = standalone_right(turn, answer.standalone_question)
            if turn.get("clarify"):
                checked = answer.kind == "clarify"
            if checked is not None and number > 1:
                standalones[dialogue["corpus"]].append(checked)
            if number < len(dialogue["turns"]):
                earlier_wrong = earlier_wrong or answer_right(turn, answer) is False
                continue
            right = final_turn_right(turn, answer)
            finals[dialogue["corpus"]].append(right)
            if not right:
                cause = "earlier answer" if earlier_wrong else "rewrite" if checked is False else "answerer"
                causes[cause].append(dialogue["id"])
                if args.verbose:
                    print(f"  [{cause}] {dialogue['id']}: {turn['question']!r} searched "
                          f"{answer.standalone_question!r} -> {answer.answer[:100]!r}")
    print(f"{'corpus':12} {'final turns right':>18} {'follow-up standalone checks':>28}")
    for name in [*CORPORA, "all"]:
        f = finals[name] if name != "all" else [x for v in finals.values() for x in v]
        s = standalones[name] if name != "all" else [x for v in standalones.values() for x in v]
        print(f"{name:12} {sum(f):>8}/{len(f):<3} {sum(f) / max(1, len(f)):5.2f} {sum(s):>18}/{len(s):<3} {sum(s) / max(1, len(s)):5.2f}")
    print("wrong final turns by cause: " + ", ".join(f"{cause} {len(ids)}" for cause, ids in sorted(causes.items())))
    for cause, ids in sorted(causes.items()):
        print(f"  {cause}: {' '.join(ids)}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
