"""``python -m bot.index.probe '<json>'``: check a generation's BM25 files, its sentence vectors and (a copy of) its Chroma
folder in a process of its own, so that Chroma crashing on damaged files cannot take the caller
with it. Prints one JSON line: ``stored_ids``, ``bm25_ids``, ``problems`` (and ``open_error``
when the Chroma database cannot be opened at all). See ``bot.index.integrity``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(request: dict) -> dict:
    from bot.index.integrity import check_bm25, check_collection
    from bot.index.sentences import check_sentence_vectors

    bm25_ids, problems = check_bm25(Path(request["bm25"]))
    problems += check_sentence_vectors(Path(request["bm25"]), int(request["dimension"]))
    result: dict = {"bm25_ids": bm25_ids, "problems": problems}
    if request.get("chroma"):
        from bot.embeddings import quiet_libraries

        quiet_libraries()
        import chromadb

        from bot.index.chroma import COLLECTION

        try:
            client = chromadb.PersistentClient(path=request["chroma"], settings=chromadb.Settings(anonymized_telemetry=False))
            collection = client.get_collection(COLLECTION, embedding_function=None)
        except Exception as exc:
            result["open_error"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
            return result
        found = check_collection(collection, int(request["dimension"]))
        result["stored_ids"] = found["stored_ids"]
        result["problems"] = problems + found["problems"]
    return result


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
