"""Agreement between analysts: Cohen's kappa for every pair who judged the same entries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from chartreview.store.team.replay import Judgement


@dataclass(frozen=True)
class PairAgreement:
    """How two analysts agreed on the entries both judged."""

    a: str
    b: str
    entries: int
    agreed: int
    kappa: float | None  # None: undefined (both gave one and the same verdict throughout)

    def line(self) -> str:
        k = "n/a" if self.kappa is None else f"{self.kappa:.2f}"
        return (f"{self.a} / {self.b}: kappa {k} over {self.entries:,} entries both judged "
                f"({self.agreed:,} agreed)")


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels on the same items.

    ``(p_o - p_e) / (1 - p_e)``: observed agreement against the agreement expected from
    each rater's own label frequencies. None when it is undefined (no items, or both
    raters gave the same single label to everything, p_e = 1).
    """
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for x, y in pairs if x == y) / n
    left = Counter(x for x, _ in pairs)
    right = Counter(y for _, y in pairs)
    expected = sum(left[c] * right[c] for c in left) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def pairwise(judged: Iterable[Sequence[Judgement]]) -> list[PairAgreement]:
    """Kappa for every pair of analysts, over the entries both judged.

    Parameters
    ----------
    judged
        Per entry, each analyst's verdict in effect on it.
    """
    by_pair: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for entry in judged:
        verdicts = {j.analyst: j.verdict for j in entry}
        for a, b in combinations(sorted(verdicts), 2):
            by_pair.setdefault((a, b), []).append((verdicts[a], verdicts[b]))
    return [PairAgreement(a, b, len(p), sum(1 for x, y in p if x == y), cohen_kappa(p))
            for (a, b), p in sorted(by_pair.items())]
