"""The demo city's innovation (../shared/domain/DEMO.md): 78 studios, 20 core alliance
members, 6 advisors, 10 squads, 13 pairings, 158 five-small results, an exhibition of 100."""

from __future__ import annotations


def load(*, size: int = 0) -> None:
    from gonghui.innovation.demo import results, studios

    studios.load(size=size)
    results.load(size=size)
