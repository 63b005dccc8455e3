"""Querysets compiled to SQL once per process, not on every request (issue 15).

Building and compiling a queryset costs 0.3 to 1 ms of Python a query, more than
Postgres takes to answer most of the hot ones; the question page, the answer and
the dashboard run the same few queries with new values on every request. A
`Prepared` builds its queryset once with stand-in values, compiles it, finds
where each stand-in landed in the parameters, and from then on runs that SQL
with the request's values through the queryset's own iterable, so rows come
back as the ORM would return them (instances with `select_related`, dicts for
`values()`, the backend's converters applied). The ORM stays the one spelling
of each query.

Values that change the SQL's text rather than its parameters (a time zone
name, a slice) are the `shape`: one compiled form per distinct shape."""

import copy
import threading
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError


class _Slot(NamedTuple):
    """Where a value goes in the parameters, and the type the backend wraps it in."""

    name: str
    wrapper: type


class Prepared:
    """`build(**values, **shape)` returns the queryset; `rows(using=..., ...)` runs it."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._compiled: dict[tuple, tuple] = {}
        self._lock = threading.Lock()

    def rows(self, *, using: str, shape: dict[str, Hashable] | None = None, **values: Any) -> list:
        shape = shape or {}
        if any(v is None for v in values.values()):  # the ORM writes IS NULL
            return list(self._build(**values, **shape).using(using))
        # By name (a time zone's key), not identity: equal shapes share a form.
        key = (
            using,
            connections[using].vendor,
            *((name, str(v)) for name, v in sorted(shape.items())),
            *sorted(values),
        )
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(using, shape, values)
                self._compiled[key] = compiled
        template, compiler, sql, slots = compiled
        connection = connections[using]  # this thread's
        if (
            template.query.select_for_update
            and connection.features.has_select_for_update
            and connection.get_autocommit()
        ):  # as the ORM checks when it compiles
            raise TransactionManagementError("select_for_update outside of a transaction")
        try:
            params = [_fill(connection.ops, values, slot) for slot in slots]
        except _OutOfRange:
            # The ORM compiles a lookup out of the column's range to no rows;
            # the compiled form would send the value wrapped around.
            return list(self._build(**values, **shape).using(using))
        ready = copy.copy(compiler)
        ready.connection = connection
        ready.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        query = copy.copy(template.query)
        query.get_compiler = lambda *args, **kwargs: ready
        queryset = QuerySet.__new__(type(template))
        queryset.__dict__ = template.__dict__ | {"_query": query}
        return list(queryset)

    def _compile(self, using: str, shape: dict, values: dict) -> tuple:
        """Compile with two sets of stand-ins: a parameter is the value's slot
        only where both sets put their stand-in, so a constant that happens to
        equal one cannot be taken for it."""
        forms = [self._compile_with(using, shape, values, offset) for offset in (0, 50)]
        if forms[0][2:] != forms[1][2:]:
            raise ValueError("the stand-ins changed the SQL: pass such values as shape")
        # Each call sets its own thread's connection: keeping the compiling
        # thread's would keep it open after that thread is retired.
        forms[0][1].connection = None
        return forms[0]

    def _compile_with(self, using: str, shape: dict, values: dict, offset: int) -> tuple:
        stand_ins = {
            name: _stand_in(offset + i, value) for i, (name, value) in enumerate(values.items())
        }
        template = self._build(**stand_ins, **shape).using(using)
        compiler = template.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        ops = connections[using].ops
        adapted = {name: _adapt(ops, v) for name, v in stand_ins.items()}
        slots: list = []
        for param in params:
            # The backend may wrap a value in a subtype (psycopg's Int2 for a
            # small integer column): the slot keeps the wrapper to apply.
            name = next(
                (
                    n
                    for n, a in adapted.items()
                    if a == param and (isinstance(param, type(a)) or isinstance(a, type(param)))
                ),
                None,
            )
            slots.append(_Slot(name, type(param)) if name is not None else param)
        for name in adapted:
            if not any(isinstance(slot, _Slot) and slot.name == name for slot in slots):
                raise ValueError(f"{name!r} is not a parameter of the compiled query")
        return template, compiler, sql, slots


def _stand_in(i: int, value: Any) -> Any:
    """A value of the same type, in range for any integer column (a lookup out
    of range compiles to nothing)."""
    if isinstance(value, bool):
        raise TypeError("booleans have two values: pass them as shape")
    if isinstance(value, int):
        return 32_767 - i
    if isinstance(value, datetime):
        return datetime(1901 + i, 2, 3, 4, 5, 6, 789, tzinfo=UTC)
    if isinstance(value, date):
        return date(1901 + i, 2, 3)
    if isinstance(value, str):
        return f"stand-in-{i}"
    raise TypeError(f"no stand-in for {type(value).__name__}")


class _OutOfRange(Exception):
    pass


# psycopg's fixed-size integer wrappers, by the bits they send.
_BITS = {"Int2": 16, "Int4": 32, "Int8": 64}


def _fill(ops, values: dict, slot: Any) -> Any:
    if not isinstance(slot, _Slot):
        return slot  # a constant of the query
    value = _adapt(ops, values[slot.name])
    if type(value) is slot.wrapper:
        return value
    bits = _BITS.get(slot.wrapper.__name__)
    if bits and not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
        raise _OutOfRange
    return slot.wrapper(value)


def _adapt(ops, value: Any) -> Any:
    """The value as the ORM hands it to the driver."""
    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return ops.adapt_datefield_value(value)
    return value
