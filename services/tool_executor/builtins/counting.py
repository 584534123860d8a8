"""text_stats: counts in a text, exactly (characters, Chinese characters, words, lines, sentences, and the
occurrences of a word or phrase), so "这段话有多少个字" is counted, not guessed by a model.

Bounded: the text is at most :data:`MAX_TEXT` characters and the phrase at most :data:`MAX_PHRASE`; the
phrase is matched literally (never as a regular expression), case-insensitively.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, Field

from ..plugin import ToolDefinition, definition_from_function

MAX_TEXT = 20_000
MAX_PHRASE = 100
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")
_SENTENCE_END = re.compile(r"[.!?。！？]+(?=\s|$|[\"'”’」』)）])|[。！？]+")


class TextStats(BaseModel):
    characters: int = Field(description="Characters other than whitespace.")
    characters_with_spaces: int = Field(description="All characters.")
    han: int = Field(description="Chinese characters (汉字).")
    words: int = Field(description="Latin-script words and numbers, plus each Chinese character (the usual 字数).")
    latin_words: int = Field(description="Latin-script words and numbers only.")
    lines: int = Field(description="Non-empty lines.")
    sentences: int = Field(description="Sentences (ended by . ! ? 。 ！ ？, or the text's end).")
    phrase: str | None = Field(None, description="The phrase counted, if one was given.")
    occurrences: int | None = Field(None, description="Non-overlapping occurrences of `phrase` (case-insensitive).")

    def tool_text(self) -> str:
        if self.phrase is not None:
            return f"“{self.phrase}” occurs {self.occurrences} time(s)"
        return (f"{self.characters} characters ({self.han} Chinese), {self.latin_words} words, "
                f"{self.sentences} sentence(s), {self.lines} line(s)")


def count(text: str, phrase: str | None = None) -> TextStats:
    stripped = text.strip()
    han = len(_HAN.findall(text))
    latin = len(_WORD.findall(text))
    ends = len(_SENTENCE_END.findall(stripped))
    tail = bool(stripped) and not re.search(r"[.!?。！？][\"'”’」』)）]*$", stripped)
    found = None
    if phrase:
        found = text.casefold().count(phrase.casefold())
    return TextStats(
        characters=sum(not ch.isspace() for ch in text),
        characters_with_spaces=len(text),
        han=han,
        words=han + latin,
        latin_words=latin,
        lines=sum(1 for line in text.splitlines() if line.strip()),
        sentences=ends + tail,
        phrase=phrase or None,
        occurrences=found,
    )


def make_text_stats() -> ToolDefinition:
    def text_stats(
        text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT, description="The text to count in.")],
        phrase: Annotated[
            str | None, Field(max_length=MAX_PHRASE, description="A word or phrase to count (literal, any case).")
        ] = None,
    ) -> TextStats:
        """Count the characters, Chinese characters, words, lines and sentences of a text, or how often a
        word or phrase occurs in it."""
        return count(text, phrase)

    return definition_from_function(
        text_stats, title="Text statistics", read_only=True, idempotent=True, open_world=False, timeout_s=5.0,
        inline=True,
    )
