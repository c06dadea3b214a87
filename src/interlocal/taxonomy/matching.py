"""Matching free text to service areas: normalisation, exact and fuzzy lookup. No Django imports.

A member types "Laserfiche", "Permiting & Inspections" or "Tyler Munis"; this module says which
service area that is, how sure it is and how it decided — or that it cannot tell. The rules:

1. Normalise both sides the same way (:func:`normalize`): accents, case, punctuation, "&" and
   "and", plurals, a few British/American spellings and filler words ("system", "software").
2. **Exact**: the normalised text equals a synonym, an area name or an area code → score 100.
   If that text belongs to more than one area it is *ambiguous* and left unmatched.
3. **Fuzzy** (rapidfuzz): each candidate string is scored against the text with the best of
   - ``fuzz.ratio`` (whole-string edit similarity: typos such as "Laserfische"),
   - ``fuzz.token_sort_ratio`` (the same words in another order),
   - ``0.9 × fuzz.partial_ratio`` when a candidate of at least 5 characters sits inside a longer
     text and makes up at least half of it ("Munis ERP" contains "munis"; "Office 365 licences"
     is *not* Licensing although it contains "licence"). The 0.9 keeps a containment below a
     clean whole-string match.
   The best area needs at least :data:`FUZZY_THRESHOLD` (86) **and** a lead of more than
   :data:`AMBIGUITY_MARGIN` (4) points over the best *other* area **and** no run of whole words
   in the text may name another area exactly ("Munis payroll" names a finance product and a
   payroll word); otherwise the text stays unmatched. Texts shorter than :data:`MIN_FUZZY_LENGTH` characters after normalisation, and
   candidates that short, are only ever matched exactly ("HR", "BI", "DR" are too short to
   guess at).

The thresholds favour leaving a term for a person to map (once) over guessing wrongly: a wrong
mapping silently distorts every benchmark built on it, an unmatched term costs one click.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz, process

__all__ = [
    "AMBIGUITY_MARGIN",
    "FUZZY_THRESHOLD",
    "MIN_FUZZY_LENGTH",
    "Candidate",
    "Match",
    "Matcher",
    "Method",
    "normalize",
]

FUZZY_THRESHOLD = 86.0
AMBIGUITY_MARGIN = 4.0
MIN_FUZZY_LENGTH = 4
CONTAINMENT_WEIGHT = 0.9
MIN_CONTAINED_LENGTH = 5
# A contained candidate must make up at least half of the text: "Munis ERP" is Munis, but
# "Office 365 licences" is not Licensing just because it contains "licence".
CONTAINED_SHARE = 0.5
SUGGESTION_CUTOFF = 70.0  # below this a "best guess" is noise, not a hint
MAX_EVIDENCE_TOKENS = 12  # a longer text is checked on its first words only (bounded work)

# Words that carry no meaning for identifying an area ("Laserfiche software" is "Laserfiche").
STOPWORDS = frozenset(
    {"and", "or", "the", "of", "for", "a", "an", "our", "system", "software", "solution", "tool", "module"}
)
# One spelling per word, applied after plurals are folded.
SPELLINGS = {
    "centre": "center",
    "licence": "license",
    "catalogue": "catalog",
    "organisation": "organization",
    "programme": "program",
    "cheque": "check",
    "enquiry": "inquiry",
    "fibre": "fiber",
}
# Endings that look like a plural "s" but are not ("gis", "munis", "address", "status", "kronos" is
# folded consistently on both sides, so it does not matter).
_NOT_PLURAL = ("ss", "us", "is")
_E_PREFIX = re.compile(r"\b([a-z])-(?=[a-z])")  # e-mail, e-payments: a one-letter prefix joins its word
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _singular(token: str) -> str:
    if len(token) <= 3 or not token.endswith("s") or token.endswith(_NOT_PLURAL):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    return token[:-1]


def normalize(text: str) -> str:
    """The comparable form of `text`: ASCII, lower case, single spaces, singular, no filler words."""
    # Accents go (é → e); any other non-ASCII character (dashes, symbols) separates words.
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    ascii_text = "".join(
        c if c.isascii() else " " for c in decomposed if not unicodedata.combining(c)
    ).lower()
    ascii_text = ascii_text.replace("&", " and ").replace("+", " and ")
    ascii_text = _E_PREFIX.sub(r"\1", ascii_text)
    ascii_text = ascii_text.replace("'", "")  # "town's" → "towns" (→ "town"), not "town s"
    tokens = []
    for raw in _NON_WORD.split(ascii_text):
        if not raw or raw in STOPWORDS:
            continue
        token = _singular(raw)
        tokens.append(SPELLINGS.get(token, token))
    return " ".join(tokens)


class Method(StrEnum):
    """How a text was matched (or why not)."""

    EXACT = "exact"
    FUZZY = "fuzzy"
    AMBIGUOUS = "ambiguous"
    UNMATCHED = "unmatched"
    EMPTY = "empty"


@dataclass(frozen=True)
class Candidate:
    """One string that identifies an area: a synonym, the area's name or its code."""

    text: str  # as written (shown to people)
    area: Hashable  # the caller's key for the area (a primary key, a code)
    source: str = "synonym"  # "synonym", "name", "code"
    normalized: str = field(default="", compare=False)

    def norm(self) -> str:
        return self.normalized or normalize(self.text)


@dataclass(frozen=True)
class Match:
    """The answer for one text: the area (None when unmatched), a 0–100 score and how."""

    area: Hashable | None
    score: float
    method: Method
    normalized: str
    matched_text: str = ""  # the candidate that decided it
    runner_up: Hashable | None = None  # the other area when ambiguous, or the second best
    runner_up_score: float = 0.0

    @property
    def matched(self) -> bool:
        return self.area is not None


class Matcher:
    """Matches texts against a fixed set of candidates; build once, match many texts."""

    def __init__(
        self,
        candidates: Iterable[Candidate],
        *,
        threshold: float = FUZZY_THRESHOLD,
        margin: float = AMBIGUITY_MARGIN,
    ) -> None:
        self.threshold = threshold
        self.margin = margin
        self._exact: dict[str, dict[Hashable, Candidate]] = {}
        fuzzy: dict[str, dict[Hashable, Candidate]] = {}
        for candidate in candidates:
            key = candidate.norm()
            if not key:
                continue
            self._exact.setdefault(key, {}).setdefault(candidate.area, candidate)
            if len(key) >= MIN_FUZZY_LENGTH:
                fuzzy.setdefault(key, {}).setdefault(candidate.area, candidate)
        # Parallel lists for rapidfuzz.process: one entry per distinct normalised string.
        self._choices = list(fuzzy)
        self._owners = [fuzzy[key] for key in self._choices]
        self._sorted = [_sorted_words(c) for c in self._choices]
        # Candidates by their first three letters, to find those that may sit inside a text.
        self._by_start: dict[str, list[int]] = {}
        for index, choice in enumerate(self._choices):
            self._by_start.setdefault(choice[:3], []).append(index)
        self._lengths = np.array([len(c) for c in self._choices], dtype=np.int64)

    def match(self, text: str) -> Match:
        """The area `text` names, or an unmatched answer saying why."""
        norm = normalize(text)
        if not norm:
            return Match(None, 0.0, Method.EMPTY, norm)
        exact = self._exact.get(norm)
        if exact:
            areas = list(exact)
            if len(areas) == 1:
                return Match(areas[0], 100.0, Method.EXACT, norm, exact[areas[0]].text)
            return Match(None, 100.0, Method.AMBIGUOUS, norm, "", areas[1], 100.0)
        if len(norm) < MIN_FUZZY_LENGTH or not self._choices:
            return Match(None, 0.0, Method.UNMATCHED, norm)
        best: dict[Hashable, tuple[float, Candidate]] = {}
        floor = max(self.threshold - self.margin - 1, 0)
        scores = self._scores(norm, hint=False)
        for index in np.flatnonzero(scores >= floor):
            score = float(scores[index])
            for area, candidate in self._owners[index].items():
                if area not in best or score > best[area][0]:
                    best[area] = (score, candidate)
        if not best:
            return Match(None, 0.0, Method.UNMATCHED, norm)
        ranked = sorted(best.items(), key=lambda item: item[1][0], reverse=True)
        top_area, (top_score, top_candidate) = ranked[0]
        second_area, second_score = (ranked[1][0], ranked[1][1][0]) if len(ranked) > 1 else (None, 0.0)
        score = round(top_score, 1)
        if top_score < self.threshold:
            return Match(None, score, Method.UNMATCHED, norm, "", second_area, round(second_score, 1))
        if second_area is not None and top_score - second_score <= self.margin:
            return Match(None, score, Method.AMBIGUOUS, norm, "", second_area, round(second_score, 1))
        rival = next((area for area in self._evidence(norm) if area != top_area), None)
        if rival is not None:
            # The text also names another area outright ("Munis payroll": a finance product and
            # a payroll word): which one the member meant is for a person to say.
            return Match(None, score, Method.AMBIGUOUS, norm, "", rival, 100.0)
        return Match(
            top_area, score, Method.FUZZY, norm, top_candidate.text, second_area, round(second_score, 1)
        )

    def _evidence(self, norm: str) -> list[Hashable]:
        """Areas that a run of whole words of the text names exactly (any length, any share)."""
        tokens = norm.split()[:MAX_EVIDENCE_TOKENS]
        found: list[Hashable] = []
        for start in range(len(tokens)):
            for end in range(start + 1, len(tokens) + 1):
                for area in self._exact.get(" ".join(tokens[start:end]), {}):
                    if area not in found:
                        found.append(area)
        return found

    def suggestions(self, text: str, limit: int = 3) -> list[tuple[Hashable, float, str]]:
        """The best few areas for `text` with their scores, best first, whatever the threshold.

        For people mapping a term by hand: a hint, never a decision.
        """
        norm = normalize(text)
        if not norm or not self._choices:
            return []
        best: dict[Hashable, tuple[float, str]] = {}
        scores = self._scores(norm, hint=True)
        for index in np.argsort(-scores, kind="stable")[: limit * 4]:
            score = float(scores[index])
            if score < SUGGESTION_CUTOFF:
                break
            for area, candidate in self._owners[index].items():
                if area not in best or score > best[area][0]:
                    best[area] = (score, candidate.text)
        ranked = sorted(best.items(), key=lambda item: item[1][0], reverse=True)[:limit]
        return [(area, round(score, 1), text) for area, (score, text) in ranked]

    def _scores(self, query: str, *, hint: bool) -> np.ndarray:
        """Every candidate's similarity to the normalised `query`, 0–100 (see the module docstring).

        rapidfuzz's cdist scores all candidates in native code; per-candidate Python calls were
        far slower (benchmarks/taxonomy_matching.py). workers=1: one term is too little work to
        share among threads, and starting them cost more than the scoring itself.
        """
        choices = self._choices
        # token_sort_ratio is ratio() of the sorted words; the candidates' side is sorted once.
        scores = np.maximum(
            process.cdist([query], choices, scorer=fuzz.ratio, dtype=np.float64, workers=1)[0],
            process.cdist(
                [_sorted_words(query)], self._sorted, scorer=fuzz.ratio, dtype=np.float64, workers=1
            )[0],
        )
        # Containment: a candidate inside a longer text. For matching it must make up at least
        # half of the text; for hints to people any contained candidate counts. partial_ratio is
        # costly, so it only runs on candidates whose first three letters occur in the text.
        contained = (self._lengths >= MIN_CONTAINED_LENGTH) & (self._lengths < len(query))
        if not hint:
            contained &= self._lengths >= CONTAINED_SHARE * len(query)
        starts = {query[i : i + 3] for i in range(len(query) - 2)}
        nearby = [index for gram in starts for index in self._by_start.get(gram, ())]
        for index in nearby:
            if contained[index]:
                partial = CONTAINMENT_WEIGHT * fuzz.partial_ratio(choices[index], query)
                scores[index] = max(scores[index], partial)
        return scores


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))
