"""Which language a text is in: a script pass for Chinese, Japanese and Korean, then py3langid.

Han, kana and Hangul decide zh, ja and ko by themselves (a statistical model confuses zh with yue
and wuu, and a short Japanese sentence written mostly in kanji with zh; kana settle it). Texts in
other scripts go to py3langid (BSD-3-Clause, a maintained fork of langid.py: its naive-Bayes model
ships inside the wheel, numpy only, ~0.1 ms per short text), restricted to the languages a user
is likely to ask for, which makes short texts far more reliable than the full 97-language model.

:func:`detect` returns the language and a confidence; :func:`is_language` answers "is this text in
that language?" with None when the text is too short to tell (a one-word greeting).
"""

from __future__ import annotations

import re
import threading
from typing import Any

# Languages py3langid chooses among for Latin/Cyrillic/other-script text. Asked-for targets outside
# this set still work through the script pass (zh, ja, ko) or are compared as "unknown".
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "pl", "sv", "tr", "vi", "id", "ar", "hi", "th")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

_identifier: Any = None
_lock = threading.Lock()


def _model() -> Any:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                ident.set_languages(list(LANGUAGES))
                _identifier = ident
    return _identifier


def script_counts(text: str) -> dict[str, int]:
    """Letters per script: han, kana, hangul, and other (Latin, Cyrillic, ...)."""
    han, kana, hangul = len(_HAN.findall(text)), len(_KANA.findall(text)), len(_HANGUL.findall(text))
    letters = len(_LETTER.findall(text))
    return {"han": han, "kana": kana, "hangul": hangul, "other": max(0, letters - han - kana - hangul)}


def detect(text: str) -> tuple[str, float]:
    """``(language, confidence)``: an ISO 639-1 code, or ``"und"`` when the text has no letters."""
    c = script_counts(text)
    total = sum(c.values())
    if total == 0:
        return "und", 0.0
    cjk = c["han"] + c["kana"] + c["hangul"]
    if cjk / total >= 0.3:
        if c["hangul"] >= max(c["han"], c["kana"]) * 0.5 and c["hangul"]:
            return "ko", c["hangul"] / cjk
        if c["kana"] and c["kana"] >= 0.1 * (c["han"] + c["kana"]):
            return "ja", (c["kana"] + c["han"]) / total
        if c["han"]:
            return "zh", c["han"] / total
    lang, prob = _model().classify(text)
    return str(lang), float(prob)


def is_language(text: str, lang: str) -> bool | None:
    """Whether ``text`` is in ``lang`` (ISO 639-1). None when it can't be told: no letters, or too few
    Latin-script words for the model to be sure (``Bonjour``, ``Hola``)."""
    lang = lang.lower().split("-")[0]
    found, confidence = detect(text)
    if found == "und":
        return None
    if found == lang:
        return True
    if lang in ("zh", "ja", "ko") or found in ("zh", "ja", "ko"):
        return False  # scripts differ: no short-text doubt about that
    words = len(re.findall(r"[^\W\d_]+", text))
    if words < 4 and confidence < 0.9:
        return None
    return False


LANGUAGE_NAMES = {
    "zh": ("Chinese", "中文"), "en": ("English", "英文"), "ja": ("Japanese", "日文"), "ko": ("Korean", "韩文"),
    "fr": ("French", "法文"), "de": ("German", "德文"), "es": ("Spanish", "西班牙文"), "it": ("Italian", "意大利文"),
    "pt": ("Portuguese", "葡萄牙文"), "ru": ("Russian", "俄文"), "nl": ("Dutch", "荷兰文"), "ar": ("Arabic", "阿拉伯文"),
}


def language_name(lang: str, zh: bool = False) -> str:
    names = LANGUAGE_NAMES.get(lang)
    return (names[1] if zh else names[0]) if names else lang
