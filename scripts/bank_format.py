#!/usr/bin/env python3
"""Check the bank and rewrite its YAML in the exporter's layout, without a database.

  scripts/bank_format.py [--check] [DIR]

Runs the loader's own checks (read_bank) first and stops on any problem; then
rewrites every subsection file as `export_questionbank` would write it, so a
hand edit and an admin edit exported back produce the same bytes. With
--check it only lists the files that are not in that layout (exit 1 if any).
"""

import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

import django  # noqa: E402

django.setup()

from quizbank.bank import BankError, dump_yaml, question_layout, read_bank  # noqa: E402


def formatted(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = [question_layout(raw) for raw in data.get("questions") or []]
    return dump_yaml({"subsection": str(data["subsection"]), "questions": questions})


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    root = Path(args[0]) if args else ROOT / "fixtures" / "questionbank"
    try:
        bank = read_bank(root)
    except BankError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    changed = []
    for path in sorted(root.rglob("*.yaml")):
        if path.name == "taxonomy.yaml":
            continue
        text = formatted(path)
        if text != path.read_text(encoding="utf-8"):
            changed.append(path.relative_to(root))
            if not check:
                path.write_text(text, encoding="utf-8")
    verb = "not in the exporter's layout" if check else "rewritten"
    for rel in changed:
        print(f"{verb}: {rel}")
    print(f"{len(bank.questions)} questions checked; {len(changed)} files {verb}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
