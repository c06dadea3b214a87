"""The one search backend: PostgreSQL full-text search, or a case-insensitive fallback elsewhere.

PostgreSQL: each provider's fields, with punctuation turned into spaces (so "insurance" finds
"zephyr-insurance.pdf"), become one weighted `tsvector` (config `simple`: lower-cased
words, no stemming and no stop words, because what people look up here are proper names of
towns, vendors and contracts in English and French, and stemming "Avon" or "Bolton" helps no
one). The person's text is read as a `websearch_to_tsquery` ("quoted phrases", `or`,
`-excluded`) OR'd with a prefix query of its words (`snow:* & plow:*`), so a half-typed name
still matches. Rows are ranked by `ts_rank` over the weights.

Elsewhere (SQLite): every word must occur, case-insensitively, in one of the fields (`icontains`);
the rank adds the weights (A 8, B 4, C 2, D 1) of each field a word occurs in.

On both, a title equal to the text comes first, then titles that start with it, then the rank,
then the title. Every query is scoped by the model's `visible_to(user)` and LIMITed: one query
per provider and page. Highlighting is done here in Python on the values already loaded (escaped,
then the words wrapped in <mark>), the same on both databases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import add, and_, or_
from typing import Any

from django.db import connections
from django.db.models import Case, Count, F, Func, IntegerField, Q, QuerySet, TextField, Value, When, Window
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from interlocal.core.search.registry import SearchProvider, provider_for, providers

__all__ = [
    "MAX_QUERY_LENGTH",
    "MIN_QUERY_LETTERS",
    "PG_CONFIG",
    "Group",
    "Hit",
    "SearchText",
    "count",
    "highlight",
    "overview",
    "page",
    "parse",
    "search_page",
    "search_vector",
]

PG_CONFIG = "simple"
MAX_QUERY_LENGTH = 200
MIN_QUERY_LETTERS = 2
MAX_WORDS = 8
SNIPPET_LENGTH = 180
_SCORES = {"A": 8, "B": 4, "C": 2, "D": 1}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchText:
    """What the person typed, tidied: `text` for the database, `words` for matching and marking."""

    text: str
    words: tuple[str, ...]
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def parse(raw: str | None) -> SearchText:
    """Tidy the typed text; `problem` says why it cannot be searched (empty, too short, too long)."""
    text = " ".join((raw or "").replace("\x00", " ").split())
    if not text:
        return SearchText("", (), str(_("Type what you are looking for.")))
    if len(text) > MAX_QUERY_LENGTH:
        return SearchText(
            text[:MAX_QUERY_LENGTH],
            (),
            str(_("Search for at most %(n)d characters.") % {"n": MAX_QUERY_LENGTH}),
        )
    words: list[str] = []
    for word in _WORD.findall(text.casefold()):
        if word not in words:
            words.append(word)
    if sum(len(w) for w in words) < MIN_QUERY_LETTERS:
        return SearchText(
            text, (), str(_("Type at least %(n)d letters or digits.") % {"n": MIN_QUERY_LETTERS})
        )
    return SearchText(text, tuple(words[:MAX_WORDS]))


@dataclass(frozen=True)
class Hit:
    """One result, ready for the page and the API."""

    kind: str
    kind_label: str
    pk: int
    title: str
    title_html: SafeString
    snippet: str
    snippet_html: SafeString
    url: str
    detail: str


@dataclass
class Group:
    """A provider's results for the page: how many match in all, and the first few."""

    kind: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)


# --- Queries -------------------------------------------------------------------------------------


def _scoped(provider: SearchProvider, user: Any) -> QuerySet[Any]:
    """The provider's rows `user` may see: always through the model's own visible_to."""
    manager: Any = provider.model._default_manager
    qs = manager.visible_to(user)
    if provider.refine is not None:
        qs = provider.refine(qs, user)
    if qs.query.distinct:
        # A DISTINCT scope would count a row once per join in the window count; keep it as a subquery.
        qs = manager.filter(pk__in=qs.values("pk"))
    relations = {path.rsplit("__", 1)[0] for path, _w in provider.fields if "__" in path}
    relations.update(provider.select_related)
    if relations:
        qs = qs.select_related(*sorted(relations))
    return qs


def _title_boost(provider: SearchProvider, text: str) -> Case:
    title = provider.title_field
    return Case(
        When(**{f"{title}__iexact": text}, then=Value(2)),
        When(**{f"{title}__istartswith": text}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _words_only(path: str) -> Func:
    # PostgreSQL's parser keeps "zephyr-insurance.pdf" or "sales@acme.example" as one token, so
    # "insurance" would not find it; turn every run of non-alphanumerics into a space first.
    return Func(
        F(path),
        Value("[^[:alnum:]]+"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def search_vector(fields: tuple[tuple[str, str], ...]) -> Any:
    """The weighted tsvector of `fields` (PostgreSQL). A GIN index on exactly this expression
    (core/migrations) lets PostgreSQL find the matches of a large table without reading every row."""
    from django.contrib.postgres.search import SearchVector

    return reduce(
        add, (SearchVector(_words_only(path), weight=weight, config=PG_CONFIG) for path, weight in fields)
    )


def _postgres(provider: SearchProvider, qs: QuerySet[Any], query: SearchText) -> QuerySet[Any]:
    from django.contrib.postgres.search import SearchQuery, SearchRank

    vector = search_vector(provider.fields)
    # Only word characters reach the raw tsquery, so the person cannot write tsquery syntax.
    prefix = " & ".join(f"{word}:*" for word in query.words)
    tsquery = SearchQuery(query.text, config=PG_CONFIG, search_type="websearch") | SearchQuery(
        prefix, config=PG_CONFIG, search_type="raw"
    )
    return (
        qs.annotate(_search_vector=vector)
        .filter(_search_vector=tsquery)
        .annotate(_search_rank=SearchRank(F("_search_vector"), tsquery))
    )


def _fallback(provider: SearchProvider, qs: QuerySet[Any], query: SearchText) -> QuerySet[Any]:
    every_word = reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{path}__icontains": word}) for path, _w in provider.fields))
            for word in query.words
        ),
    )
    rank = reduce(
        add,
        (
            Case(
                When(**{f"{path}__icontains": word}, then=Value(_SCORES[weight])),
                default=Value(0),
                output_field=IntegerField(),
            )
            for path, weight in provider.fields
            for word in query.words
        ),
    )
    return qs.filter(every_word).annotate(_search_rank=rank)


def _matching(provider: SearchProvider, user: Any, query: SearchText) -> QuerySet[Any]:
    qs = _scoped(provider, user)
    if connections[qs.db].vendor == "postgresql":
        qs = _postgres(provider, qs, query)
    else:
        qs = _fallback(provider, qs, query)
    return qs.annotate(_search_boost=_title_boost(provider, query.text)).order_by(
        "-_search_boost", "-_search_rank", provider.title_field, "pk"
    )


def count(provider: SearchProvider, user: Any, query: SearchText) -> int:
    """How many of the provider's rows `user` may see match."""
    if not query.ok:
        return 0
    return _matching(provider, user, query).count()


def _hits(
    provider: SearchProvider, user: Any, query: SearchText, offset: int, limit: int
) -> tuple[list[Hit], int]:
    """One query: a slice of the provider's matches and (by a window count) how many match in all."""
    if not query.ok or limit <= 0:
        return [], 0
    rows = list(
        _matching(provider, user, query).annotate(_search_total=Window(Count("pk")))[offset : offset + limit]
    )
    total = rows[0]._search_total if rows else 0
    return [_hit(provider, row, query) for row in rows], total


def overview(
    user: Any, query: SearchText, *, per_kind: int = 5, kinds: list[str] | None = None
) -> list[Group]:
    """Every kind with matches: its count and its first `per_kind` results (one query per kind)."""
    groups = []
    for provider in providers():
        if kinds is not None and provider.kind not in kinds:
            continue
        hits, total = _hits(provider, user, query, 0, per_kind)
        if total:
            groups.append(Group(provider.kind, str(provider.label), total, hits))
    return groups


def page(user: Any, query: SearchText, kind: str, *, offset: int, limit: int) -> tuple[list[Hit], int]:
    """One page of one kind's results and its count (one query; an offset past the end: a count query too)."""
    provider = provider_for(kind)
    if provider is None:
        return [], 0
    hits, total = _hits(provider, user, query, offset, limit)
    if not hits and offset:
        total = count(provider, user, query)
    return hits, total


def search_page(
    user: Any, query: SearchText, kinds: list[str] | None, *, offset: int, limit: int
) -> tuple[list[Hit], int]:
    """A slice of the results of several kinds, one kind after another in page order.

    Counts every kind (a query each), then loads only the kinds the slice reaches.
    """
    chosen = [p for p in providers() if kinds is None or p.kind in kinds]
    if not query.ok:
        return [], 0
    counts = [(p, count(p, user, query)) for p in chosen]
    total = sum(n for _p, n in counts)
    hits: list[Hit] = []
    start = 0
    for provider, n in counts:
        end = start + n
        if n and offset < end and offset + limit > start:
            local = max(offset - start, 0)
            want = min(limit - len(hits), n - local)
            found, _total = _hits(provider, user, query, local, want)
            hits.extend(found)
        start = end
        if len(hits) >= limit:
            break
    return hits, total


# --- Rendering -----------------------------------------------------------------------------------


def _value(obj: Any, path: str) -> str:
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return ""
    return str(obj)


def highlight(text: str, words: tuple[str, ...], *, length: int | None = None) -> SafeString:
    """`text` escaped, each occurrence of the words in <mark>; with `length`, a window around the first."""
    if length is not None and len(text) > length:
        folded = text.casefold()
        positions = [p for p in (folded.find(w) for w in words) if p >= 0]
        first = min(positions) if positions else 0
        start = max(0, min(first - length // 3, len(text) - length))
        excerpt = text[start : start + length]
        text = ("…" if start else "") + excerpt + ("…" if start + length < len(text) else "")
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def _hit(provider: SearchProvider, obj: Any, query: SearchText) -> Hit:
    title = provider.title(obj) if provider.title else _value(obj, provider.title_field)
    # The snippet is the first other field that matches: a field that does not would only repeat
    # what the detail line says.
    snippet = next(
        (
            text
            for text in (_value(obj, path) for path, _w in provider.fields[1:])
            if any(word in text.casefold() for word in query.words)
        ),
        "",
    )
    snippet = " ".join(snippet.split())
    return Hit(
        kind=provider.kind,
        kind_label=str(provider.label),
        pk=obj.pk,
        title=title,
        title_html=highlight(title, query.words),
        snippet=snippet[:SNIPPET_LENGTH],
        snippet_html=highlight(snippet, query.words, length=SNIPPET_LENGTH),
        url=provider.url(obj),
        detail=str(provider.detail(obj)) if provider.detail else "",
    )
