#!/usr/bin/env python3
"""Blind review of bank files, as the content guide asks.

  blind_review.py extract FILE... > sheet.md    stems and options, shuffled, no key
  blind_review.py check ANSWERS.yaml FILE...    compare a reviewer's answers with the keys

The reviewer answers from the sheet alone, in YAML:
  - id: cnn-conv-output-size
    answer: B              # the letter on the sheet
    defensible: []         # other letters an expert could argue for
    note: optional remark
"""

import random
import sys
from pathlib import Path

import yaml


def questions(files):
    for f in files:
        data = yaml.safe_load(Path(f).read_text())
        for q in data["questions"]:
            yield f, q


def order(qid, n=4):
    rng = random.Random(qid)  # stable per question, unrelated to the file's order
    idx = list(range(n))
    rng.shuffle(idx)
    return idx


def extract(files):
    for _, q in questions(files):
        print(f"### {q['id']}\n\n{q['stem'].strip()}\n")
        for letter, i in zip("ABCD", order(q["id"]), strict=True):
            print(f"{letter}. {str(q['choices'][i]['text']).strip()}")
        print()


def check(answers_file, files):
    answers = {a["id"]: a for a in yaml.safe_load(Path(answers_file).read_text())}
    agreed, flagged = 0, []
    for f, q in questions(files):
        idx = order(q["id"])
        key = "ABCD"[[q["choices"][i].get("correct") is True for i in idx].index(True)]
        a = answers.get(q["id"])
        if a is None:
            flagged.append((f, q["id"], key, "not answered", None))
            continue
        defensible = [d for d in (a.get("defensible") or []) if d != key]
        if a["answer"] == key and not defensible:
            agreed += 1
        else:
            flagged.append((f, q["id"], key, a["answer"], defensible, a.get("note", "")))
    print(f"reviewed {agreed + len(flagged)}, agreed {agreed}, flagged {len(flagged)}")
    for row in flagged:
        print("FLAG", *row)


if __name__ == "__main__":
    cmd, *rest = sys.argv[1:]
    extract(rest) if cmd == "extract" else check(rest[0], rest[1:])
