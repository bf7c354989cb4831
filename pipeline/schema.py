"""Labels, relations and their allowed argument types, as fixed by shared/spec/annotation.md.

Every other module imports these constants instead of repeating the spec's tables.
"""

from __future__ import annotations

ENTITY_LABELS: tuple[str, ...] = ("DISTRICT", "TIER", "MONEY", "PERCENT", "COUNT", "STAGE", "INDUSTRY")
#: optional, kept in files but never scored (spec section 2)
EXTRA_LABELS: tuple[str, ...] = ("PERIOD",)
#: labels that may carry attrs.target (spec section 3)
TARGET_LABELS: frozenset[str] = frozenset({"COUNT", "MONEY", "PERCENT"})

#: relation label -> (allowed head labels, allowed tail labels) (spec section 4)
RELATION_TYPES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "stage": (frozenset({"COUNT", "MONEY"}), frozenset({"STAGE"})),
    "tier": (frozenset({"COUNT", "MONEY"}), frozenset({"TIER"})),
    "industry": (frozenset({"COUNT", "MONEY"}), frozenset({"INDUSTRY"})),
    "district": (frozenset({"COUNT", "MONEY"}), frozenset({"DISTRICT"})),
    "amount": (frozenset({"COUNT"}), frozenset({"MONEY"})),
    "rate": (frozenset({"PERCENT"}), frozenset({"COUNT", "MONEY"})),
    "part_of": (frozenset({"COUNT"}), frozenset({"COUNT"})),
}
RELATION_LABELS: tuple[str, ...] = tuple(RELATION_TYPES)


def relation_allowed(label: str, head_label: str, tail_label: str) -> bool:
    """True when the spec's relation table admits `label` between these entity types."""
    heads, tails = RELATION_TYPES.get(label, (frozenset(), frozenset()))
    return head_label in heads and tail_label in tails


def relations_for_pair(head_label: str, tail_label: str) -> tuple[str, ...]:
    """All relation labels the spec admits from `head_label` to `tail_label`."""
    return tuple(r for r in RELATION_LABELS if relation_allowed(r, head_label, tail_label))
