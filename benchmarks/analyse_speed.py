"""`spacewatch analyse --jsonl` speed on one core: articles of about 600 words a second.

    python benchmarks/analyse_speed.py [--articles 200] [--words 600]

The articles are generated here (an invented production, its people and dates, and filler
paragraphs of ordinary news prose), so every one mentions a watched subject and goes through
the language layer. The command runs pinned to one CPU (taskset); the time to load the spaCy
model is measured apart, in this process, along with the memory it adds.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIG = """
[topic]
include = ["film", "movie", "actor", "actress", "director"]
require = ["space", "orbit", "station", "astronaut"]

[[watch]]
name = "glasswing"
label = "Glasswing (orbital drama, Harrow Reach Pictures)"
aliases = ["Glasswing", "Harrow Reach Pictures", "Mirela Voss", "Tobiah Kane"]
"""
NEWS = [
    "Harrow Reach Pictures said on {weekday} that the Glasswing crew will launch on {date} from Kennedy aboard a Crew Dragon.",
    "Mirela Voss, who plays the station's engineer, has been training in a centrifuge for three months.",
    "Director Tobiah Kane will fly with the two leads and operate the main camera himself.",
    "The launch, first planned for {date}, has been pushed back by a week after a valve fault.",
    "Newcomer {first} {last} joins the cast as the flight surgeon, the studio confirmed.",
    "Glasswing will open in cinemas on {date}, three weeks after its festival premiere.",
    "If the capsule is not ready, the crew could fly a month later, an analyst said.",
]
FILLER = [
    "The city council approved a new budget for road repairs after a long debate on Tuesday evening.",
    "Analysts expect the central bank to keep interest rates unchanged at its next meeting in the spring.",
    "A local bakery has won a regional prize for its sourdough, the third award in as many years.",
    "Heavy rain is forecast for the weekend, and the river authority has warned of flooding in low areas.",
    "The museum will reopen its modern art wing after a renovation that took almost two years to finish.",
    "Commuters faced delays on Monday morning after a signal failure near the central station.",
]
FIRST = ["Anja", "Bruno", "Celia", "Dmitri", "Esme", "Farid", "Greta", "Hugo"]
LAST = ["Marlowe", "Okonkwo", "Petrescu", "Quintero", "Rasmussen", "Sato", "Tennant", "Ulloa"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["March", "April", "May", "June", "September", "October"]


def article(rng: random.Random, words: int) -> dict:
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        pool = NEWS if rng.random() < 0.4 else FILLER
        sentences.append(rng.choice(pool).format(
            weekday=rng.choice(WEEKDAYS), date=f"{rng.randint(1, 28)} {rng.choice(MONTHS)} 2031",
            first=rng.choice(FIRST), last=rng.choice(LAST)))
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return {"title": "Glasswing crew sets a date for the station shoot", "text": "\n\n".join(paragraphs),
            "published": "2030-11-02"}


def model_load() -> tuple[float, float]:
    """Seconds to load the spaCy pipeline and the MiB of memory it adds to a process."""
    from analysis.language import nlp

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    nlp()
    seconds = time.perf_counter() - start
    return seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024


def run(command: list[str], lines: str) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, input=lines, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, len(done.stdout.splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--words", type=int, default=600)
    args = parser.parse_args()
    rng = random.Random(7)
    batch = "".join(json.dumps(article(rng, args.words)) + "\n" for _ in range(args.articles))
    spacewatch = shutil.which("spacewatch", path=str(Path(sys.executable).parent)) or "spacewatch"
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "spacewatch.toml"
        config.write_text(CONFIG, encoding="utf-8")
        command = [*pin, spacewatch, "--config", str(config), "analyse", "--jsonl"]
        startup, _ = run(command, json.dumps(article(rng, args.words)) + "\n")  # one article: start-up and model load
        total, count = run(command, batch)
    assert count == args.articles, f"{count} verdicts for {args.articles} articles"
    per_second = args.articles / max(total - startup, 1e-9)
    load_s, load_mib = model_load()
    print(f"{args.articles} articles of ~{args.words} words through `analyse --jsonl` on one core "
          f"(os.cpu_count()={os.cpu_count()}):")
    print(f"  {per_second:.1f} articles/s after start-up ({total:.1f} s in all; start-up with one article {startup:.1f} s)")
    print(f"  spaCy model load {load_s:.2f} s, +{load_mib:.0f} MiB resident")
    print(f"analyse_speed: articles_per_s={per_second:.1f} target=20 margin={per_second / 20:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
