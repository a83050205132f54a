"""The review keys: action name -> default key and what it does (overridable in settings)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyAction:
    name: str
    keys: tuple[str, ...]
    description: str


DEFAULT_KEYMAP: tuple[KeyAction, ...] = (
    KeyAction("next", ("J", "Down"), "Next entry in the queue"),
    KeyAction("previous", ("K", "Up"), "Previous entry in the queue"),
    KeyAction("suspicious", ("S",), "Verdict: suspicious (manipulated), then advance"),
    KeyAction("ai", ("A",), "Verdict: AI act, then advance"),
    KeyAction("human", ("H",), "Verdict: human (organic), then advance"),
    KeyAction("undo", ("Backspace", "Ctrl+Z"), "Undo your last change"),
    KeyAction("note", ("N",), "Write a note on this entry"),
    KeyAction("search", ("/",), "Search titles and artists"),
    KeyAction("artist", ("Shift+A",), "All entries of this artist"),
)


def keymap(overrides: dict[str, str] | None = None) -> dict[str, KeyAction]:
    """The keymap with the user's overrides (``{"suspicious": "X"}``) applied."""
    out = {a.name: a for a in DEFAULT_KEYMAP}
    for name, key in (overrides or {}).items():
        if name in out and key:
            a = out[name]
            out[name] = KeyAction(a.name, tuple(k.strip() for k in key.split(",")),
                                  a.description)
    return out
