"""``make stress``: many concurrent conversations against one ``bot web`` (gradio_client, loopback only).

Each client talks about its own article: the corpus holds one made-up article per client, all built
from the same template (a mayor elected in a town: birthplace, former job, promises, who funded the
campaign), differing only in names and figures. A client asks who was elected in its town, then
follow-ups that name no one ("Where was she born?"); only the client's own conversation can tell
which mayor "she" is, and every article answers the same follow-up, so a conversation leaking
between sessions shows up as a follow-up citing another client's article or searching for another
client's mayor (cross-talk). Every question has a time limit and the run stops by itself.

Printed: requests, errors, cross-talk, follow-ups answered from the client's own article, p50/p95
latency and throughput.

    python bench/stress/web_load.py [--clients 20] [--questions 25] [--out bench/results/stress_web.json]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BOT, ROOT, clean_env, percentile, start_web, stop  # noqa: E402

TIMEOUT_S = 300  # a question taking longer counts as an error
FIRST = ["Maria", "Ingrid", "Fatima", "Chen", "Olga", "Amara", "Lucia", "Hanna", "Priya", "Sofia",
         "Ayesha", "Elena", "Greta", "Nadia", "Rosa", "Yuki", "Leila", "Marta", "Zofia", "Irene",
         "Carmen", "Agnes", "Beatriz", "Dagny"]
LAST = ["Lindqvist", "Okafor", "Haddad", "Wei", "Petrova", "Mensah", "Ferreira", "Novak", "Raman", "Costa",
        "Siddiqui", "Marin", "Holm", "Karimi", "Delgado", "Tanaka", "Farouk", "Kowalska", "Zielinska", "Brandt",
        "Vidal", "Larsen", "Moreau", "Aalto"]
TOWNS = ["Ashcombe", "Brackenridge", "Coldwater", "Dunmore", "Elderfield", "Foxhollow", "Glenbrook", "Hartwell",
         "Ironbridge", "Juniper Bay", "Kingsmere", "Larkspur", "Millbrook", "Northgate", "Oakhaven", "Pinecrest",
         "Queensford", "Ravenscar", "Stonehill", "Thornbury", "Upton Vale", "Westerby", "Yarrow", "Zennor"]
BIRTHPLACES = ["Lisbon", "Tallinn", "Accra", "Kraków", "Valparaíso", "Osaka", "Tunis", "Bergen", "Cork", "Lyon",
               "Porto", "Riga", "Nairobi", "Seville", "Gdańsk", "Kyoto", "Alexandria", "Turku", "Galway", "Bremen",
               "Genoa", "Vilnius", "Dakar", "Malmö"]
JOBS = ["nurse", "ferry captain", "schoolteacher", "civil engineer", "veterinarian", "librarian", "firefighter",
        "architect", "pharmacist", "journalist", "carpenter", "midwife", "geologist", "baker", "pilot",
        "translator", "electrician", "chemist", "lawyer", "forester", "surveyor", "dentist", "potter", "chef"]
DONORS = ["a cooperative of fishermen", "the local dock workers' union", "a group of organic farmers",
          "the regional teachers' association", "a retired shipbuilder", "a coalition of small shops",
          "the town's cycling club", "a foundation for clean rivers", "a network of family bakeries",
          "the harbour pilots' guild", "a choir of former miners", "a society of beekeepers"]
FOLLOW_UPS = [  # (question, what the answer or its citation must contain, a key of Person)
    ("Where was she born?", "birthplace"),
    ("What did she work as before entering politics?", "job"),
    ("How many new schools did she promise to build?", "schools"),
    ("Who funded her campaign?", "donor"),
]


@dataclass(frozen=True)
class Person:
    number: int
    name: str
    town: str
    birthplace: str
    job: str
    schools: str
    donor: str

    @property
    def file(self) -> str:
        return f"mayor-{self.number:02d}.md"

    def article(self) -> str:
        surname = self.name.split()[-1]
        return (
            f"---\ntitle: {self.name} elected mayor of {self.town}\ndate: 2024-05-{1 + self.number % 28:02d}\n"
            f"source: Stress Wire\n---\n"
            f"{self.name} was elected mayor of {self.town} on Sunday with {51 + self.number} percent of the vote.\n\n"
            f"{self.name} was born in {self.birthplace} in {1960 + self.number}. Before entering politics, "
            f"{surname} worked as a {self.job} for {5 + self.number} years.\n\n"
            f"During the campaign, {surname} promised to build {self.schools} new schools and to reopen the "
            f"{self.town} railway station. Her campaign was funded by {self.donor}.\n"
        )


def people(n: int) -> list[Person]:
    if n > len(FIRST):
        raise SystemExit(f"at most {len(FIRST)} clients (one made-up article each)")
    words = ["three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    return [Person(i, f"{FIRST[i]} {LAST[i]}", TOWNS[i], BIRTHPLACES[i], JOBS[i], words[i % len(words)],
                   DONORS[i % len(DONORS)]) for i in range(n)]


def questions_of(person: Person, count: int) -> list[tuple[str, str | None]]:
    """(question, expected fact or None for the opening question): an opening question, then follow-ups;
    every fifth question opens the conversation again."""
    script: list[tuple[str, str | None]] = []
    while len(script) < count:
        script.append((f"Who was elected mayor of {person.town}?", None))
        script.extend((q, getattr(person, key)) for q, key in FOLLOW_UPS)
    return script[:count]


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cross_talk: list[str] = field(default_factory=list)
    follow_ups: int = 0
    own_cited: int = 0  # follow-ups citing the client's own article
    correct: int = 0  # follow-ups whose answer holds the expected fact
    lock: threading.Lock = field(default_factory=threading.Lock)


def bot_text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content or [] if isinstance(part, dict))


def cited_paths(sources_html: str) -> list[str]:
    return [unescape(p) for p in re.findall(r'data-kind="citation"[^>]*data-path="([^"]*)"', sources_html or "")]


def searched_for(reply: str) -> str:
    found = re.search(r"\*Searched for:\*\s*(.+)", reply)
    return found.group(1) if found else ""


def converse(url: str, person: Person, everyone: list[Person], count: int, tally: Tally) -> None:
    """One client: its own gradio_client session, its questions one after another."""
    from gradio_client import Client

    api = Client(url, verbose=False)
    others = [p for p in everyone if p is not person]
    for question, expected in questions_of(person, count):
        if expected is None:
            api.predict(api_name="/clear")  # a new conversation, same session
        started = time.perf_counter()
        try:
            job = api.submit(question, [], "", "", "", "", api_name="/chat")  # source, since, until, as of
            history, sources = job.result(timeout=TIMEOUT_S)[:2]
        except Exception as exc:  # a failed or timed-out request is what is counted
            with tally.lock:
                tally.errors.append(f"{person.file}: {type(exc).__name__}: {str(exc)[:160]}")
            continue
        elapsed = (time.perf_counter() - started) * 1000
        reply = bot_text(history[-1]) if history else ""
        paths = cited_paths(sources)
        with tally.lock:
            if reply.startswith("**Error:**") or not history:
                tally.errors.append(f"{person.file}: {question!r}: {reply[:160]}")
                continue
            tally.latencies_ms.append(elapsed)
            if expected is None:
                continue
            tally.follow_ups += 1
            search = searched_for(reply)
            foreign = [p.file for p in others if p.file in paths or p.name in search or p.name in reply]
            if foreign:
                tally.cross_talk.append(f"{person.file} asked {question!r}, got {foreign} (searched: {search!r})")
            if paths and set(paths) == {person.file}:
                tally.own_cited += 1
            if expected.lower() in (unescape(reply) + unescape(sources or "")).lower() and person.file in paths:
                tally.correct += 1


def run_load(url: str, everyone: list[Person], per_client: int) -> dict:
    """All clients at once; what they saw."""
    tally = Tally()
    threads = [threading.Thread(target=converse, args=(url, p, everyone, per_client, tally), daemon=True)
               for p in everyone]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT_S * per_client + 60)
    wall = time.perf_counter() - started
    return {
        "clients": len(everyone), "questions_per_client": per_client, "requests": len(everyone) * per_client,
        "answered": len(tally.latencies_ms), "errors": len(tally.errors), "cross_talk": len(tally.cross_talk),
        "follow_ups": tally.follow_ups, "follow_ups_citing_own_article": tally.own_cited,
        "follow_ups_with_expected_fact": tally.correct,
        "latency_ms": {q: round(percentile(tally.latencies_ms, n), 1) for q, n in (("p50", 50), ("p95", 95))},
        "wall_s": round(wall, 1), "throughput_qps": round(len(tally.latencies_ms) / wall, 3),
        "error_samples": tally.errors[:5], "cross_talk_samples": tally.cross_talk[:5],
        "unfinished_clients": sum(t.is_alive() for t in threads),
    }


def write_corpus(folder: Path, everyone: list[Person]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "corpus", folder, dirs_exist_ok=True)  # the seed article as well: not only mayors
    for person in everyone:
        (folder / person.file).write_text(person.article(), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=25, help="per client")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    import subprocess

    everyone = people(args.clients)
    with tempfile.TemporaryDirectory(prefix="stress-web-") as tmp:
        project = Path(tmp)
        write_corpus(project / "corpus", everyone)
        env = clean_env()
        subprocess.run([*BOT, "index", "-q"], cwd=project, env=env, check=True)
        server, url = start_web(project, env)
        try:
            result = run_load(url, everyone, args.questions)
        finally:
            stop(server)
    print(f"{result['requests']} requests from {result['clients']} clients: {result['answered']} answered, "
          f"{result['errors']} errors, {result['cross_talk']} cross-talk")
    print(f"follow-ups: {result['follow_ups']}, citing only the client's own article: "
          f"{result['follow_ups_citing_own_article']}, with the expected fact: {result['follow_ups_with_expected_fact']}")
    print(f"latency p50 {result['latency_ms']['p50']} ms, p95 {result['latency_ms']['p95']} ms; "
          f"throughput {result['throughput_qps']} questions/s over {result['wall_s']} s")
    for line in result["error_samples"] + result["cross_talk_samples"]:
        print("  ", line)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 1 if result["errors"] or result["cross_talk"] or result["unfinished_clients"] else 0


if __name__ == "__main__":
    sys.exit(main())
