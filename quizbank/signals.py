"""Hooks the core sends, so features built on it (srs, readiness) can react
without `quizbank` importing them. Receivers connect in their AppConfig.ready().
"""

from django.dispatch import Signal

#: Sent by `services._attempt_store` once per stored attempt, inside the
#: transaction that stores it, with `attempt` (an Attempt) and `in_review`
#: (True when it was answered in a spaced-review session). Receivers run in
#: that transaction, so an exception in one rolls the answer back with it.
attempt_recorded = Signal()
