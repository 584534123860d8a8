"""Lexical evidence: how much of a question's wording a text contains.

Used where exact words matter beside meaning: knowledge-base search re-scores its nearest passages with
it (a specific term, number or code decides between passages the encoder finds alike), extractive
answers weigh sentences with it, and summaries are checked against their source with :func:`terms`.
Chinese is cut into character bigrams (no word segmenter needed). Terms are weighted by their rarity
among the candidates, so words every candidate shares ("公司", "router") count for little and the
specific ones ("陪产假", "WireGuard") decide.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9._+-]*[a-z0-9]|[a-z0-9]")
# Question words and glue that carry no topic; a short list is enough, rarity weighting does the rest.
_STOP = frozenset(
    "a an and are as at be by can could do does did for from how i if in is it me my of on or our should "
    "the there this to was what when where which who why will with would you your we us am get got".split()
)
_ZH_STOP = frozenset(
    "什么 怎么 怎样 如何 多少 多久 多长 哪些 哪个 可以 是否 需要 吗 呢 的 了 我们 我的 请问 一下 应该 能不 不能".split()
)


def mostly_cjk(text: str) -> bool:
    """Whether most of a text's letters are Chinese characters (a Chinese text with English terms is)."""
    cjk = sum(len(run) for run in _CJK_RUN.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return cjk > 0 and cjk * 2 >= latin


def terms(text: str) -> set[str]:
    """The terms of a text: lower-cased words and numbers, and the character bigrams of Chinese runs
    (a lone Chinese character counts as a term of its own)."""
    low = text.lower()
    out = {w.strip("._+-") for w in _WORD.findall(_CJK_RUN.sub(" ", low))} - _STOP
    for run in _CJK_RUN.findall(low):
        if len(run) == 1:
            out.add(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return {t for t in out if t and t not in _ZH_STOP}


def coverage(
    query: str, passages: Sequence[str], *, df: Mapping[str, int] | None = None, n: int | None = None
) -> list[float]:
    """For each passage, the rarity-weighted share of the query's terms it contains (0..1).

    Rarity is ``log(1 + n / df)`` over ``passages`` (the candidates of one search): a term found in
    every candidate weighs ``log 2``, one found in a single candidate of forty weighs ``log 41``. With
    ``df`` and ``n`` (document frequencies over a whole collection, :func:`document_frequencies`) rarity is
    read from the collection instead: a product name that every document of a tenant repeats counts for
    little even when only a few candidates hold it."""
    if not passages:
        return []
    sets = [terms(p) for p in passages]
    weight = term_weights(query, sets, df=df, n=n)
    total = sum(weight.values())
    if not total:
        return [0.0] * len(passages)
    return [sum(w for t, w in weight.items() if t in s) / total for s in sets]


def term_weights(
    query: str, sets: Sequence[set[str]], *, df: Mapping[str, int] | None = None, n: int | None = None
) -> dict[str, float]:
    """The rarity weight of each of the query's terms (see :func:`coverage`), over the term sets of the
    candidates, or over a collection's ``df``/``n`` when given."""
    q = terms(query)
    if df is not None and n:
        return {t: math.log(1 + n / max(1, df.get(t, 0))) for t in q}
    count = len(sets)
    return {t: math.log(1 + count / max(1, sum(t in s for s in sets))) for t in q}


def document_frequencies(texts: Iterable[str]) -> tuple[dict[str, int], int]:
    """How many of ``texts`` hold each term, and how many texts there are."""
    df: dict[str, int] = {}
    n = 0
    for text in texts:
        n += 1
        for t in terms(text):
            df[t] = df.get(t, 0) + 1
    return df, n
