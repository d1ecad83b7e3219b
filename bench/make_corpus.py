"""A corpus of about N chunks, made by recombining SQuAD v1.1 dev paragraphs into articles.

    .venv/bin/python bench/make_corpus.py N [--out DIR] [--seed 0]

Each article is a front-matter title and date and a random run of paragraphs
from ``bench/data/squad_v1.1_dev_full`` (CC BY-SA 4.0). Only paragraphs of
101 to 200 word pieces are used: the chunker (200 pieces, paragraph-aware)
then cuts every article exactly at its paragraphs, so each chunk is one
paragraph and the same text recurs across articles. A build therefore embeds
each distinct paragraph and sentence once (the index reuses vectors by text),
and a 100,000-chunk index builds in minutes; search still runs over every
chunk. Seeded: the same N and seed give the same files.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SOURCE = ROOT / "bench" / "data" / "squad_v1.1_dev_full" / "corpus"
PARAGRAPHS_PER_ARTICLE = 20


def paragraphs() -> list[tuple[str, str]]:
    """(title, paragraph) of each source file whose paragraph is one whole chunk."""
    from bot.embeddings import token_counter
    from bot.settings import Settings

    settings = Settings()
    budget = settings.chunking.max_tokens
    pool = []
    for path in sorted(SOURCE.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        body = body.strip()
        if body and "\n" not in body:
            pool.append((title.strip(), body))
    counts = token_counter(settings).count([p for _, p in pool])
    return [entry for entry, pieces in zip(pool, counts) if budget // 2 < pieces <= budget]


def make_corpus(chunks: int, out: Path, seed: int = 0) -> Path:
    """Write about ``chunks`` chunks' worth of articles into ``out``; return it."""
    rng = random.Random(seed)
    pool = paragraphs()
    out.mkdir(parents=True, exist_ok=True)
    written, number = 0, 0
    while written < chunks:
        take = min(PARAGRAPHS_PER_ARTICLE, chunks - written)
        picked = rng.sample(pool, take)
        day = 1 + number % 28
        month = 1 + (number // 28) % 12
        head = f"---\ntitle: {picked[0][0]} digest {number}\ndate: 2024-{month:02d}-{day:02d}\nsource: bench\n---\n"
        (out / f"article_{number:06d}.md").write_text(head + "\n\n".join(p for _, p in picked) + "\n", encoding="utf-8")
        written += take
        number += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chunks", type=int)
    parser.add_argument("--out", type=Path, help="default: a new temp folder")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix=f"bench-corpus-{args.chunks}-"))
    print(make_corpus(args.chunks, out, args.seed))


if __name__ == "__main__":
    main()
