"""Is chunking linear in the article's length? Seconds per megabyte of one unbroken line.

For three kinds of pathological text (words without punctuation, lower-case sentences the
segmenter cannot split, letters without spaces) at 0.5, 1, 2 and 4 MB, prints the seconds
``chunk_spans`` takes, seconds per MB, and two ratios measured in this same run:

  * ``vs 0.5 MB``: seconds per MB against the 0.5 MB line of the same kind (linear: about 1;
    before the fix a 4 MB line of words took 17.7 s against 0.78 s for 512 KB, 2.8x per MB);
  * ``vs tokenizer``: seconds against one pass of the word-piece tokenizer over the same text
    in 8 KB segments (what chunking cannot do without).

    .venv/bin/python bench/bench_chunking.py [--sizes 0.5,1,2,4] [--repeat 1]
"""

from __future__ import annotations

import argparse
import random
import time

KINDS = ("words without punctuation", "lower-case sentences", "letters without spaces")


def make_text(kind: str, size: int, rng: random.Random) -> str:
    if kind == "words without punctuation":
        words = ["kim", "armored", "train", "vladivostok", "12345", "reconstruction", "of", "the"]
        return " ".join(rng.choice(words) for _ in range(size // 6))[:size]
    if kind == "lower-case sentences":
        return ("the train left at dawn. " * (size // 24 + 1))[:size]
    return "".join(rng.choice("abcdefghij") for _ in range(size))


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.5,1,2,4", help="line sizes in MB, smallest first (the baseline)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the fastest counts")
    args = parser.parse_args()

    from bot.chunking import chunk_budget, chunk_spans, piece_offsets
    from bot.embeddings import token_counter
    from bot.settings import Settings

    settings = Settings()
    counter = token_counter(settings)
    budget = chunk_budget(counter, settings.chunking.max_tokens)
    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"{'text':<27} {'MB':>5} {'seconds':>8} {'s/MB':>6} {'vs 0.5 MB':>9} {'vs tokenizer':>12} {'chunks':>7}")
    for kind in KINDS:
        baseline = None
        for mb in sizes:
            text = make_text(kind, int(mb * 1024 * 1024), random.Random(1))
            chunk_s = best_of(args.repeat, lambda: chunk_spans(text, counter, budget, settings.chunking.overlap_sentences))
            tokenize_s = best_of(args.repeat, lambda: piece_offsets(counter, text))
            chunks = len(chunk_spans(text, counter, budget, settings.chunking.overlap_sentences))
            per_mb = chunk_s / mb
            baseline = baseline or per_mb
            print(f"{kind:<27} {mb:>5g} {chunk_s:>8.2f} {per_mb:>6.2f} {per_mb / baseline:>9.2f} "
                  f"{chunk_s / tokenize_s:>12.2f} {chunks:>7}", flush=True)


if __name__ == "__main__":
    main()
