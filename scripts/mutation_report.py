"""Per-module mutation score from mutmut's results (`make mutation`, issue 23).

Reads mutants/<module>.meta, which `mutmut run` writes, and prints for each core
module: mutants killed / total and the percentage, then every surviving mutant.
A mutant counts as killed when a test failed or timed out against it; one that
no test reaches ("no tests") counts as surviving. Survivors that docs/mutation.md
lists as equivalent (they cannot change behaviour) are marked so.

Exit status 1 when a module that was run is under the goal (80 %), so CI could gate on it.
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 80.0
KILLED = {1, 3, 36, -24, 24, 152, 255, 37}  # failed, internal error, timeouts, type check
MODULES = [
    "quizbank/services.py",
    "quizbank/selectors.py",
    "quizbank/analytics.py",
    "srs/scheduling.py",
    "srs/services.py",
    "srs/days.py",
]
STATUS = {0: "survived", 33: "no tests", 5: "no tests", 34: "skipped", None: "not checked"}


def documented_equivalents() -> set[str]:
    """Mutant names listed in docs/mutation.md's equivalent-mutant tables."""
    doc = ROOT / "docs" / "mutation.md"
    if not doc.exists():
        return set()
    # Only a table row's first cell names an equivalent; the prose also names
    # survivors that are not (e.g. "not equivalent, not killed").
    rows = re.findall(r"^\| `([^`]+__mutmut_\d+)` \|", doc.read_text(), flags=re.MULTILINE)
    return set(rows)


def main() -> int:
    equivalent = documented_equivalents()
    rows, survivors, under = [], [], False
    for module in MODULES:
        meta = ROOT / "mutants" / f"{module}.meta"
        if not meta.exists():
            rows.append((module, "-", "-", "not run", ""))
            continue
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        checked = {k: v for k, v in codes.items() if v is not None}
        killed = sum(1 for v in checked.values() if v in KILLED)
        total = len(checked)
        if not total:
            rows.append((module, "-", "-", "not run", f"{len(codes)} mutants not checked yet"))
            continue
        missed = sorted((k for k, v in checked.items() if v not in KILLED), key=natural)
        pct = 100.0 * killed / total if total else 100.0
        eq = sum(1 for k in missed if k in equivalent)
        note = f"{eq} equivalent; {100.0 * killed / (total - eq):.1f}% of the rest" if eq else ""
        if len(checked) < len(codes):
            note = f"{note}; {len(codes) - len(checked)} not checked yet".lstrip("; ")
        rows.append(
            (module, f"{killed}/{total}", f"{pct:.1f}%", "ok" if pct >= GOAL else "LOW", note)
        )
        under |= pct < GOAL
        survivors += [
            (module, k, STATUS.get(codes[k], str(codes[k])), k in equivalent) for k in missed
        ]

    width = max(len(r[0]) for r in rows)
    print(f"{'module':<{width}}  {'killed':>9}  {'score':>6}  goal {GOAL:.0f}%")
    for module, ratio, pct, verdict, note in rows:
        print(f"{module:<{width}}  {ratio:>9}  {pct:>6}  {verdict}  {note}".rstrip())
    if survivors:
        print("\nSurviving mutants (`.venv/bin/mutmut show NAME` prints the change):")
        for _module, name, status, eq in survivors:
            print(f"  {name}  [{status}]{'  (equivalent: docs/mutation.md)' if eq else ''}")
    return 1 if under else 0


def natural(name: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


if __name__ == "__main__":
    sys.exit(main())
