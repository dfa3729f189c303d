"""Data classes written out by hand, for the modules every `winkube lint` imports.

`@dataclass` generates each class's `__init__`, `__repr__` and `__eq__` as source text and
compiles it when the module is imported: ~0.5 ms per class, ~20 ms for the classes a lint needs,
about a fifth of a pre-commit run (bench/startup.py). A class written out here is compiled once
into its .pyc instead. Subclasses list their fields in `__slots__` (in constructor order) and
write their `__init__`; `Record` reads `__repr__`, `__eq__` and `replace` off the slots, with
the semantics `@dataclass(slots=True)` has (equal when of the same class with equal fields;
mutable records are unhashable). `FrozenRecord` is `frozen=True`: assignment raises, hashable.
Modules off the start-up path keep `@dataclass`.
"""
from __future__ import annotations

__all__ = ["FrozenRecord", "Record"]

_FIELDS: dict[type, tuple[str, ...]] = {}


def fields_of(cls: type) -> tuple[str, ...]:
    """The field names of a record class: the __slots__ of it and its bases, base first."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(n for c in reversed(cls.__mro__) for n in c.__dict__.get("__slots__", ()))
    return names


class Record:
    __slots__ = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, n) for n in fields_of(type(self)))

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in fields_of(type(self)))
        return f"{type(self).__qualname__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as @dataclass(eq=True) leaves it

    def replace(self, **changes):
        """A copy with some fields changed (dataclasses.replace)."""
        values = {n: getattr(self, n) for n in fields_of(type(self))}
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"{type(self).__qualname__} has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return type(self)(**values)


class FrozenRecord(Record):
    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__qualname__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__qualname__}")

    def __hash__(self) -> int:
        return hash(self._values())
