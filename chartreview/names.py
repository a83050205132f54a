"""Names: text folded for matching, artist credits split into acts, and the track key.

Pure Python at the bottom of the layers: the import uses it to recognise a song, and
the schema migration that re-keys an older project (``m0004``) uses the very same rules.

A *credit* is the artist text of a chart row ("Drake Featuring Rihanna", "Post Malone,
Swae Lee"); its *acts* are the artists it credits. Where a credit is cut into acts
depends on the source: Spotify joins its artists with ", " and nothing else, so "Simon &
Garfunkel" there is one act; Billboard writes "A Featuring B", "A & B", "A x B", "A, B &
C", "A With B". Some names hold those separators themselves ("Tyler, The Creator",
"Earth, Wind & Fire", "Lil Nas X"): :data:`WHOLE_NAMES` keeps them whole in every source.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Style = Literal["list", "credit"]

# Act names that contain a separator of some source, kept whole wherever they appear
# (matched without regard to case, "&" also as "and"/"+", a comma optional).
WHOLE_NAMES = (
    # commas
    "Tyler, The Creator", "Earth, Wind & Fire", "Crosby, Stills, Nash & Young",
    "Crosby, Stills & Nash", "Peter, Paul & Mary", "Blood, Sweat & Tears",
    "Emerson, Lake & Palmer", "Hamilton, Joe Frank & Reynolds", "Ashton, Gardner & Dyke",
    "Dino, Desi & Billy", "Dave Dee, Dozy, Beaky, Mick & Tich", "Faith, Hope & Charity",
    "Dancer, Prancer & Nervous", "Joiner, Arkansas Junior High School Band",
    "Bell, Book & Candle", "Up, Bustle & Out", "Lisa Lisa & Cult Jam",
    # an "x" that is part of the name, or a name made of it
    "Lil Nas X", "Mia X", "X Ambassadors", "SOB X RBE", "Chloe x Halle", "Malcolm X",
    # duos and bands named with "&" or "+", one act wherever they chart
    "Simon & Garfunkel", "Brooks & Dunn", "Sam & Dave", "Sonny & Cher", "Hall & Oates",
    "Big & Rich", "Dan + Shay", "Florence + The Machine", "Mike + The Mechanics",
    "Kool & The Gang", "Wisin & Yandel", "Zion & Lennox", "Mumford & Sons",
    "Marina & The Diamonds", "Captain & Tennille", "Peaches & Herb", "Ashford & Simpson",
    "Jan & Dean", "Seals & Crofts", "Loggins & Messina", "Ike & Tina Turner", "Maddie & Tae",
    "Sly & The Family Stone", "Huey Lewis & The News", "Tom Petty & The Heartbreakers",
    "Bob Marley & The Wailers", "Gladys Knight & The Pips", "Hootie & The Blowfish",
    "Prince & The Revolution", "Katrina & The Waves", "Echo & The Bunnymen",
    "Martha & The Vandellas", "Smokey Robinson & The Miracles", "Diana Ross & The Supremes",
    "Bob Seger & The Silver Bullet Band", "Joan Jett & The Blackhearts", "Eric B. & Rakim",
    "DJ Jazzy Jeff & The Fresh Prince", "Macklemore & Ryan Lewis", "Zager & Evans",
    "Ferrante & Teicher", "Santo & Johnny", "Peter & Gordon", "Chad & Jeremy",
    "Paul & Paula", "Dale & Grace", "Mickey & Sylvia", "Sam The Sham & The Pharaohs",
    "Gerry & The Pacemakers", "Freddie & The Dreamers", "Booker T. & The MG's",
    "Jr. Walker & The All Stars", "Little Anthony & The Imperials",
    "? & The Mysterians", "Derek & The Dominos", "Salt & Pepa", "Kris & Kross",
    "Alison Krauss + Union Station", "Robert Plant & Alison Krauss", "Tears For Fears",
    "Rob Base & DJ E-Z Rock", "Nico & Vinz", "Sam & Mark", "Christine & The Queens",
    "Love & Theft", "Thompson & Thompson",
)

# "X & The Y" is a band ("Gladys Knight & The Pips", "Paul Revere & The Raiders": some
# 300 of them on the Hot 100), unless "The Y" is an act of its own (Ariana Grande & The
# Weeknd): these are the ones that are
THE_ACTS = frozenset((
    "the weeknd", "the pussycat dolls", "the chainsmokers", "the kid laroi", "the game",
    "the neptunes", "the black eyed peas", "the roots", "the lonely island", "the band perry",
    "the notorious b i g", "the beatles", "the rolling stones", "the supremes",
    "the temptations", "the beach boys", "the jacksons", "the killers", "the script",
    "the fray", "the wanted", "the vamps", "the lumineers", "the 1975", "the cranberries",
))
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# A comma before a suffix belongs to the name: "Sammy Davis, Jr.", "The Checkmates, Ltd.",
# "Hugo Montenegro, His Orchestra And Chorus"
_SUFFIX_COMMA = re.compile(r",\s*(?=(?:jr|sr|ltd|inc|ii|iii|iv)\b\.?|(?:his|her|their)\s)",
                           re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"')
# Between a credit's acts, by source. "Or" lists alternatives of a featured act.
_FEATURE = r"(?:featuring|feat\.?|ft\.?|a duet with|duet with|with|or)"
_SEPARATORS: dict[Style, re.Pattern[str]] = {
    "list": re.compile(r"\s*,\s*"),
    "credit": re.compile(
        r"\s*(?:,|&|\+|;|\s/\s|\s+(?:x|vs\.?)\s+|\s+" + _FEATURE + r"\s+)\s*", re.IGNORECASE),
}
_FEATURE_SEP = re.compile(r"^\s*" + _FEATURE + r"\s*$", re.IGNORECASE)
# The track key's split: every separator of every source (the same for all of them, so a
# song meets itself across sources), "and" too
_KEY_SPLIT = re.compile(
    r"\s*(?:,|&|\+|;|/|\s+x\s+|\s+and\s+|\bfeat\.?(?=\s)|\bft\.?(?=\s)|\bfeaturing\b|"
    r"\bwith\b|\bvs\.?(?=\s))\s*",
    re.IGNORECASE,
)
_FEAT_PAREN = re.compile(
    r"\s*[\(\[]\s*(?:feat\.?|ft\.?|featuring|with)\s[^\)\]]*[\)\]]", re.IGNORECASE
)
_FEAT_TAIL = re.compile(r"\s+-\s+(?:feat\.?|ft\.?|featuring|with)\s.*$", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: ``Beyoncé!`` -> ``beyonce``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.replace("’", "'").replace("'", "").replace("$", "s")
    return _NON_ALNUM.sub(" ", plain).strip()


def _whole_pattern(name: str) -> str:
    parts = []
    for token in re.findall(r"&|\+|,|[^\s,&+]+", name):
        if token in ("&", "+"):
            parts.append(r"\s*(?:&|\+|\band\b)\s*")
        elif token == ",":
            parts.append(r",?")
        else:
            parts.append(r"\s*" + re.escape(token))
    return "".join(parts).removeprefix(r"\s*")


_WHOLE_SORTED = sorted(WHOLE_NAMES, key=len, reverse=True)
_WHOLE = re.compile(
    r"(?<![\w])(?:" + "|".join(f"(?P<w{i}>{_whole_pattern(n)})" for i, n in
                               enumerate(_WHOLE_SORTED)) + r")(?![\w])",
    re.IGNORECASE)
_WHOLE_FIRST = frozenset(re.findall(r"[^\s,&+]+", n.lower())[0] for n in WHOLE_NAMES)
_WORDS = re.compile(r"[^\s,&+]+")
_MARK = "\x00"


def _protect(credit: str) -> tuple[str, list[tuple[str, str]]]:
    """Hide the parts of a credit no separator may cut: quotes, whole names, suffixes.

    Returns the text with markers and, per marker, (text as written, canonical text):
    a whole name is canonical as :data:`WHOLE_NAMES` spells it ("Kool And The Gang" is
    "Kool & The Gang"), so it folds to one key however a source wrote it.
    """
    kept: list[tuple[str, str]] = []

    def hide(m: re.Match[str]) -> str:
        canonical = _WHOLE_SORTED[int(m.lastgroup[1:])] if m.lastgroup else m.group(0)
        kept.append((m.group(0), canonical))
        return f"{_MARK}{len(kept) - 1}{_MARK}"

    text = _QUOTED.sub(hide, credit) if '"' in credit else credit
    if not _WHOLE_FIRST.isdisjoint(_WORDS.findall(credit.lower())):  # cheap test first
        text = _WHOLE.sub(hide, text)
    if "," in text:
        text = _SUFFIX_COMMA.sub(hide, text)
    return text, kept


def _restore(part: str, kept: list[tuple[str, str]], canonical: bool = False) -> str:
    if _MARK not in part:
        return part
    return re.sub(f"{_MARK}(\\d+){_MARK}",
                  lambda m: kept[int(m.group(1))][1 if canonical else 0], part)


@lru_cache(maxsize=200_000)
def credited_acts(credit: str, style: Style = "credit") -> tuple[tuple[str, str, str], ...]:
    """The acts a credit names, in order, each as (name as written, folded name, role).

    The folded name is the act's identity. role is ``main`` or ``featured`` (after
    "Featuring", "With", "Duet With"...; on a Spotify list every act after the first).
    ``style``: ``list`` for Spotify's comma lists, ``credit`` for Billboard and other
    written credits.
    """
    text, kept = _protect(credit)
    sep = _SEPARATORS[style]
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    role = "main"
    pos = 0
    cuts = [m for m in sep.finditer(text) if not (style == "credit" and _binds(text, m))]
    for m in [*cuts, None]:
        end = m.start() if m is not None else len(text)
        part = text[pos:end]
        name = _restore(part, kept).strip().strip(",").strip()
        norm = fold(_restore(part, kept, canonical=True))
        if name and norm and norm not in seen:
            seen.add(norm)
            out.append((name, norm, "featured" if style == "list" and out else role))
        if m is None:
            break
        if _FEATURE_SEP.match(m.group(0)):
            role = "featured"
        pos = m.end()
    if not out:
        out.append((credit.strip(), fold(credit) or credit.strip().lower(), "main"))
    return tuple(out)


def _binds(text: str, m: re.Match[str]) -> bool:
    """An "&" or "+" before "The ...": part of a band's name, unless an act follows."""
    if m.group(0).strip() not in ("&", "+"):
        return False
    rest = text[m.end():]
    if not rest.lower().startswith("the "):
        return False
    following = _SEPARATORS["credit"].split(rest, maxsplit=1)[0]
    return fold(following) not in THE_ACTS


def lead_act(credit: str, style: Style = "credit") -> str:
    """The first credited act: ``The Weeknd Featuring Daft Punk`` -> ``The Weeknd``."""
    return credited_acts(credit, style)[0][0]


# The track key cuts at every separator of every source, whole names or not: a song then
# meets itself across sources however each writes the credit ("Simon & Garfunkel" is
# simon + garfunkel in both). Only a name ending in "X" must stay whole there: cut at
# " X " it lost its last word in one source and not in the other ("Lil Nas X Featuring
# Billy Ray Cyrus" against "Lil Nas X, Billy Ray Cyrus").
_KEY_WHOLE = re.compile(r"\b(lil nas|mia|malcolm) x(?=\s|,|$)", re.IGNORECASE)


@lru_cache(maxsize=200_000)
def artist_names(credit: str) -> tuple[str, ...]:
    """The credit's names as the track key sees them, folded (every source's separators)."""
    text = _KEY_WHOLE.sub(lambda m: m.group(1) + "\x01", credit)
    parts = (fold(p.replace("\x01", " x")) for p in _KEY_SPLIT.split(text))
    return tuple(p for p in parts if p)


def title_key(title: str) -> str:
    """The title as matched: folded (``fold``), "feat." credits dropped.

    A title with no letters ("+" and "÷", two Ed Sheeran albums; "7/11"; "=1+1") is
    its symbols: folding would leave nothing, or only digits, and make different
    titles one. Those keep every character but case and spacing (NFC, not NFKC, so a
    full-width "＝" stays apart from "=").
    """
    key = fold(_FEAT_TAIL.sub("", _FEAT_PAREN.sub("", title)))
    if not any(c.isalpha() for c in key):
        return " ".join(unicodedata.normalize("NFC", title).casefold().split())
    return key


@lru_cache(maxsize=200_000)
def track_key(title: str, credit: str) -> str:
    """The key that makes one track the same across charts, sources and Spotify URIs.

    ``<title without feat. credits, folded>|<credited names, folded, sorted, joined by +>``.
    """
    names = sorted(set(artist_names(credit))) or [fold(credit)]
    return f"{title_key(title) or fold(title)}|{'+'.join(names)}"


def credit_style(platform: str) -> Style:
    """How a source writes credits: Spotify lists artists with commas; others write them."""
    return "list" if platform == "spotify" else "credit"
