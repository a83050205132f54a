"""The review keys: action name -> default key and what it does (overridable in settings)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyAction:
    name: str
    keys: tuple[str, ...]
    description: str


DEFAULT_KEYMAP: tuple[KeyAction, ...] = (
    KeyAction("next", ("J", "Down"), "Next case in the queue"),
    KeyAction("previous", ("K", "Up"), "Previous case in the queue"),
    KeyAction("suspicious", ("S",),
              "Verdict: suspicious (manipulated) on every run of the case, then advance"),
    KeyAction("ai", ("A",), "Verdict: AI act on every run of the case, then advance"),
    KeyAction("human", ("H",), "Verdict: human (organic) on every run of the case, then advance"),
    KeyAction("undo", ("Backspace", "Ctrl+Z"), "Undo your last change (a whole case's verdict)"),
    KeyAction("defer", ("Space",), "Defer this case to the end of the queue"),
    KeyAction("note", ("N",), "Write a note on this case"),
    KeyAction("search", ("/",), "Search titles and artists"),
    KeyAction("artist", ("Shift+A",), "This act's songs as one case (again: back)"),
    KeyAction("more_like_this", ("M",),
              "More like this: the nearest cases by signals and rank path, as a temporary "
              "queue"),
    KeyAction("back", ("Esc",),
              "Leave a text field, then a temporary queue (more like this, an act)"),
    KeyAction("week_earlier", ("Left",), "Move the week cursor on the plot one week back"),
    KeyAction("week_later", ("Right",), "Move the week cursor on the plot one week on"),
    KeyAction("campaign_start", ("[",), "The campaign began in the cursor's week"),
    KeyAction("campaign_end", ("]",), "The campaign ended in the cursor's week"),
    KeyAction("campaign_clear", ("Del",), "Clear the campaign range"),
    KeyAction("watch", ("W",),
              "Watch this case: bring it back when new weeks or a score change arrive"),
    KeyAction("chart_week", ("O",),
              "Open the cursor's chart week: the ten entries around it that week"),
    KeyAction("toggle_runs", ("R",), "Show runs instead of cases in the table (and back)"),
    KeyAction("save_queue", ("Ctrl+Shift+S",), "Save the current filter as a named queue"),
    KeyAction("choose_queue", ("Ctrl+Shift+O",), "Open a saved queue"),
    KeyAction("summary", ("Ctrl+Shift+R",), "The queue's summary so far, with Export report"),
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
