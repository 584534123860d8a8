"""Build the example bank's seed: services/parser/data/bank_seed.jsonl.

Usage: python scripts/build_parser_bank.py [--check]

The seed is derived from the labelled sets the parser may learn from (tests/data/parser_labeled, _heldout,
_unseen, _unseen2, _unseen3) and the hand-written examples of services/parser/data/examples.jsonl, each request
cut into clauses by the rules and paired with its labels (services/parser/labelled.py). Blind sets
(parser_blind*.jsonl) are never read. ``--check`` exits 1 when the committed seed is not what the sources give
(the unit tests run it), so a changed rule or label can't leave a stale seed behind. Vectors are not stored:
the bank embeds the seed once when it loads.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autoglm.services.parser.bank import SEED_PATH, load_seed, write_seed
from autoglm.services.parser.labelled import examples_from_lines

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / f"tests/data/parser_{name}.jsonl" for name in ("labeled", "heldout", "unseen", "unseen2", "unseen3")]
HAND_WRITTEN = SEED_PATH.parent / "examples.jsonl"


def build() -> list:
    examples = []
    for path in [*SOURCES, HAND_WRITTEN]:
        if not path.exists():
            continue
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        examples.extend(examples_from_lines(lines, origin=path.stem))
    return examples


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed seed is stale")
    args = ap.parse_args(argv)
    examples = build()
    if args.check:
        if load_seed() != examples:
            print(f"{SEED_PATH} is stale: run python scripts/build_parser_bank.py", file=sys.stderr)
            return 1
        print(f"{SEED_PATH.name}: {len(examples)} examples, current")
        return 0
    write_seed(examples)
    by_origin: dict[str, int] = {}
    for e in examples:
        by_origin[e.origin] = by_origin.get(e.origin, 0) + 1
    print(f"wrote {len(examples)} examples to {SEED_PATH}: {by_origin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
