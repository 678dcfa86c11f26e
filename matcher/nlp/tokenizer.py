"""Tokenizer rules for clinical text.

spaCy's English tokenizer splits "x10^9/L" into five tokens and "s/p" into three;
downstream rules then cannot see a unit or an abbreviation as one thing. These
rules keep them whole: units (mg/dL, 10^9/L, mL/min/1.73m2), slash abbreviations
(s/p, h/o, r/o), titres (1:640), LN class labels (IV-G, III-A) and score names
(SLEDAI-2K).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_suffix_regex

_UNIT = (
    r"(?:[x×*]\s?)?10\s?(?:\^|\*\*?)?\s?[0-9⁹³]{1,2}/[lLµuμ]?[lL]"  # x10^9/L, 10*9/L, 10³/µL
    # mg/dL, umol/L, g/24h, cells/uL: only real unit parts, so "AST/ALT" stays two analytes
    r"|(?:[munpµμ]?(?:g|mol|L|l|IU|U|Eq)|mcg|mcmol|cells|K|G|mL|ml|kU|mU|%)"
    r"/(?:[dmµμu]?[lL]|mm3|mm³|mcL|cmm|[mµμ]?mol|[mk]?g|24\s?h|24hr?|day|d|h|min|hpf)"
    r"(?:/[0-9.]+\s?m[2²])?"
    r"|m[lL]/\(?min[.·/]?1\.73\s?m[2²]\)?"  # ml/(min.1.73m2)
    r"|[xX×]10\^?[0-9⁹³]{1,2}"  # x10^9 with the /L apart
)
_ABBREVIATION = r"(?i:s/p|h/o|r/o|c/o|w/o|y/o|a/p|f/u|n/v|b/l|d/c)"
_CLASS_LABEL = r"(?:I|II|III|IV|V|VI)-?[SGAC](?:/[AC])?"
_SCORE_NAME = r"(?i:SLEDAI-?2K|SLEDAI-2000|SELENA-SLEDAI|BILAG-2004|PT-INR|FK-?506|G-CSF|GM-CSF)"
_TITRE = r"1\s?:\s?\d{2,5}"
TOKEN_MATCH = re.compile(rf"^(?:{_UNIT}|{_ABBREVIATION}|{_CLASS_LABEL}|{_SCORE_NAME}|{_TITRE})$")


# "class IV+V." and "ANA 1:640." end a sentence: the full stop is its own token.
# "SLEDAI2K- 10, ECOG- 1": a dash after a name, before its value, is its own token.
_EXTRA_SUFFIXES = (r"(?<=[A-Z+\]\)])\.$", r"(?<=\d:\d\d)\.$", r"(?<=[A-Za-z0-9][A-Za-z])-$")


# "ECOG=2", "ALC:1800", "Hb=98": a name glued to its value by = or :.
_EXTRA_INFIXES = (
    r"(?<=[A-Za-z#])[=:](?=[<>]?\d)",
    # HL7 v2 result segments: "OBX|4|NM|HGB^Haemoglobin||10.9|g/dL|11.5-15.5|L": the field
    # bar and the component caret between a code and its text are separators, so the
    # analyte's name, its value and its unit are tokens of their own.
    # A trailing coding-system component ("718-7^Hemoglobin^LN|": LN is LOINC) stays one
    # token with its caret, so it is never read as a word of the note (LN: lupus nephritis).
    r"\^[A-Z0-9]{1,8}(?=\|)",
    r"\|",
    r"(?<=[A-Za-z0-9#])\^(?=[A-Za-z])",
    r"(?<=[A-Za-z0-9])[)\]](?=\|)",  # "ALT^ALT (SGPT)||24": the bracket closes the name
    # "eGFR(SCHWARTZ)", "Hb(venous)": a lab system glues a method or specimen to the
    # analyte's name; the bracket is its own token so the name is a word of its own. Two
    # letters at least after it, so a class label's "III(A/C)" or "IV(S)" stays whole.
    r"(?<=[A-Za-z0-9])[(\[](?=[A-Za-z]{2})",
    # "WBC(/uL)", "Plt(x10^4/uL)", "Cre(mg/dL)", "AST(IU/L)": a cumulative table's name cell
    # carries the row's unit in a bracket glued to the name. A class label's "IV(A/C)"
    # stays whole (an upper-case letter before its slash is no unit).
    r"(?<=[A-Za-z])\((?=[/%]|[x×*]?10\^?\d|[a-zµμ][A-Za-zµμ]{0,3}/|I?U/[lL])",
)


def clinical_tokenizer(nlp: Language) -> Tokenizer:
    """spaCy's default English tokenizer with clinical whole-token matches."""
    default = nlp.tokenizer
    suffixes = list(nlp.Defaults.suffixes or []) + list(_EXTRA_SUFFIXES)
    infixes = list(nlp.Defaults.infixes or []) + list(_EXTRA_INFIXES)
    tokenizer = Tokenizer(
        nlp.vocab,
        rules=default.rules,
        prefix_search=default.prefix_search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=TOKEN_MATCH.match,
        url_match=default.url_match,
    )
    return remember_affixes(tokenizer)


# Enough for the distinct words of a large batch of notes; a full memo is simply emptied.
_MEMO_SIZE = 200_000


class _Memo:
    """A regex method (pattern.search, .match or .finditer) whose result per string is
    remembered.

    spaCy calls the affix regexes on every word-like chunk it has not cached, and it
    leaves about a third of a note's chunks uncached; the suffix regex alone, a long
    alternation tried at every position, cost an eighth of the whole pipeline. Words
    repeat from note to note, so the answers are looked up instead. A regex answer
    depends on the string only, so tokens are unchanged. `__self__` is the compiled
    pattern, which is what spaCy reads when it saves the tokenizer.
    """

    def __init__(self, method: Callable[[str], Any]) -> None:
        self.__self__ = method.__self__  # type: ignore[attr-defined]
        self._method = method
        self._many = method.__name__ == "finditer"  # an iterator is kept as a tuple
        self._memo: dict[str, Any] = {}

    def __call__(self, string: str) -> Any:
        try:
            return self._memo[string]
        except KeyError:
            pass
        result = self._method(string)
        if self._many:
            result = tuple(result)
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[string] = result
        return result

    def __reduce__(self) -> tuple:
        return (_Memo, (self._method,))


def remember_affixes(tokenizer: Tokenizer) -> Tokenizer:
    """Memoise the tokenizer's regexes (see _Memo); a loaded pipeline gets plain ones back
    from spaCy, so load_pipeline calls this again."""
    for name in ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match"):
        method = getattr(tokenizer, name)
        if method is not None and not isinstance(method, _Memo) and hasattr(method, "__self__"):
            setattr(tokenizer, name, _Memo(method))
    # spaCy stops caching chunk tokenizations at 10,000 chunks; a day of notes has far
    # more distinct ones (numbers, dates). The cache holds the same answers, only more.
    tokenizer.max_cache_size = max(tokenizer.max_cache_size, _MEMO_SIZE)
    return tokenizer
