"""The question bank on disk: read → plan → apply, and export.

The files under fixtures/questionbank/ are the source of truth (format in
shared/questionbank-format.md). `read` checks them into records, `plan`
compares the records with the database (the one place that decides what
changes), `apply` writes a plan in one transaction, `export` writes the
database back in the same layout. The loader command, the admin import and
the tests all go through these names.
"""

from .apply import apply_plan, load_bank
from .export import (
    BankFile,
    dump_yaml,
    export_bank,
    export_files,
    question_as_yaml,
    question_layout,
    subsection_path,
)
from .plan import BankPlan, Change, Kind, LoadReport, plan_bank
from .read import (
    FIGURE_ALT_MIN,
    FIGURES_DIR,
    Bank,
    BankError,
    ChoiceData,
    QuestionData,
    read_bank,
    read_file,
)

__all__ = [
    "FIGURES_DIR",
    "FIGURE_ALT_MIN",
    "Bank",
    "BankError",
    "BankFile",
    "BankPlan",
    "Change",
    "ChoiceData",
    "Kind",
    "LoadReport",
    "QuestionData",
    "apply_plan",
    "dump_yaml",
    "export_bank",
    "export_files",
    "load_bank",
    "plan_bank",
    "question_as_yaml",
    "question_layout",
    "read_bank",
    "read_file",
    "subsection_path",
]
