"""The command line: thin commands over the core (the window is ``chartreview`` alone).

Expected failures print one sentence to stderr and exit 1; no traceback.
"""

from __future__ import annotations

import functools
import importlib
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from chartreview import __version__, config, paths
from chartreview.domain import METRICS, ChartreviewError, Progress, plural, visible

if TYPE_CHECKING:
    from chartreview.store.db import Project

F = TypeVar("F", bound=Callable[..., Any])


def default_db() -> Path:
    settings = config.load()
    if settings.last_project and Path(settings.last_project).exists():
        return Path(settings.last_project)
    return paths.demo_project_path()


def db_option(f: F) -> F:
    return click.option(
        "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
        help="Project file (default: the last project used, else the demo project).",
    )(f)


def friendly(f: F) -> F:
    """Turn every failure into one line on stderr and a non-zero exit; no traceback.

    Expected errors are a sentence the user can act on. Anything else is a fault of
    ours: its traceback goes to the log file and the line says where (exit 1 for both);
    ``chartreview --debug COMMAND`` shows the traceback instead.
    """

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except ChartreviewError as e:
            click.echo(f"Error: {visible(str(e))}", err=True)
            sys.exit(1)
        except sqlite3.DatabaseError as e:  # damage found while reading a large project
            click.echo(f"Error: the project is damaged ({visible(str(e))}); nothing was "
                       "changed. Restore it from a backup with 'chartreview restore'.", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was changed by the unfinished step.", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as e:
            ctx = click.get_current_context(silent=True)
            if ctx is not None and ctx.find_root().params.get("debug"):
                raise
            from chartreview.logfile import log_exception, one_line

            where = log_exception(e, context=" ".join(sys.argv[1:2]))
            click.echo(f"Error: chartreview failed unexpectedly ({one_line(e)}). Nothing was "
                       "changed by the unfinished step."
                       + (f" The details are in {where}; please send them to us."
                          if where else ""), err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def open_db(db_path: Path | None, *, create: bool = False):  # type: ignore[no-untyped-def]
    from chartreview.store import open_project

    path = db_path or default_db()
    if not db_path and not path.exists() and path == paths.demo_project_path():
        raise ChartreviewError(
            "No project yet. Build the demo with 'chartreview demo' or import a file with "
            "'chartreview import FILE --db PROJECT.sqlite'."
        )
    project = open_project(path, create=create)
    settings = config.load()
    settings.remember_project(project.path)
    config.save(settings)
    return project


class _Bar:
    """A click progress bar fed by the core's Progress callbacks."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __call__(self, p: Progress) -> None:
        if self.bar is None and p.total:
            self.bar = click.progressbar(length=p.total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(max(0, p.done - self.done))
            self.done = p.done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
            self.done = 0


class Commands(click.Group):
    """The commands; ``team`` is loaded only when it runs (its module is lazy)."""

    LAZY = {"team": "chartreview.team_cli"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            module = importlib.import_module(self.LAZY[cmd_name])
            self.add_command(getattr(module, cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=Commands, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chartreview")
@db_option
@click.option("--self-test", is_flag=True, help="Check the installation offscreen and exit.")
@click.option("--debug", is_flag=True,
              help="Show the full traceback of an unexpected error (it also goes to the log).")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, self_test: bool, debug: bool) -> None:
    """Review music charts for bought, botted and machine-made entries.

    Without a command, opens the review window on the last project (or the demo).
    """
    if ctx.invoked_subcommand is None:
        from chartreview.qt.app import main as gui_main

        args = []
        if db_path:
            args += ["--db", str(db_path)]
        if self_test:
            args.append("--self-test")
        sys.exit(gui_main(args))


def parse_mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    """``--map rank=Pos`` (field=column) or ``--map Pos=rank`` (column=field)."""
    from chartreview.ingest.normalize import MAPPABLE

    mapping: dict[str, str] = {}
    for pair in pairs:
        left, sep, right = pair.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise ChartreviewError(f"--map takes FIELD=COLUMN, not {pair!r}.")
        left, right = left.strip(), right.strip()
        if left in MAPPABLE:
            mapping[left] = right
        elif right in MAPPABLE:
            mapping[right] = left
        else:
            raise ChartreviewError(
                f"--map {pair!r} names no field; fields are {', '.join(MAPPABLE)}."
            )
    return mapping


@cli.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@db_option
@click.option("--format", "fmt", help="Force a format (default: detected from the content).")
@click.option("--chart", help="Chart name, e.g. 'Hot 100' (default: from the file).")
@click.option("--region", help="Region, e.g. us, de, global (default: from the file).")
@click.option("--date", help="Chart date YYYY-MM-DD for files that do not carry one.")
@click.option("--metric", type=click.Choice(METRICS), help="Override the metric from the name.")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]))
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help="Column mapping for other layouts (rank, title, artist, date, ...).")
@click.option("--encoding", help="Text encoding when detection is wrong, e.g. cp1252.")
@click.option("--strict", is_flag=True,
              help="Refuse a whole file when any of its rows is rejected.")
@click.option("--merge", is_flag=True,
              help="Add to the project's chart of the same name even when the file looks "
                   "unrelated to it (no track in common); without it such a file is refused.")
@friendly
def import_cmd(files: tuple[Path, ...], db_path: Path | None, fmt: str | None,
               chart: str | None, region: str | None, date: str | None, metric: str | None,
               frequency: str | None, maps: tuple[str, ...], encoding: str | None,
               strict: bool, merge: bool) -> None:
    """Import chart files.

    A file's accepted rows are stored in one transaction; every rejected row is reported
    with its line and reason (with --strict one refuses the file). Re-importing a file
    changes nothing. A file sharing no song with the project's chart of the same name is
    refused unless --merge (or give another --chart).
    """
    from chartreview.ingest import ImportOptions, import_file
    from chartreview.ingest.source import open_source

    mapping = parse_mapping(maps)
    settings = config.load()
    project = open_db(db_path, create=True)
    failed = 0
    with project:
        for path in files:
            opts = ImportOptions(format=fmt, chart=chart, region=region, date=date,
                                 metric=metric, frequency=frequency, mapping=dict(mapping),
                                 encoding=encoding, strict=strict, merge=merge)
            bar = _Bar(f"Importing {path.name}")
            try:
                signature = None
                if not fmt:
                    src = open_source(path, encoding=encoding)
                    signature = "|".join(src.columns)
                    if not opts.mapping and signature in settings.column_maps:
                        opts.mapping = dict(settings.column_maps[signature])
                report = import_file(project, path, opts, on_progress=bar)
            except ChartreviewError as e:
                bar.close()
                failed += 1
                click.echo(f"Error: {e}", err=True)
                rep = getattr(e, "report", None)
                if rep is not None and rep.rows_rejected:
                    click.echo(rep.summary(), err=True)
                continue
            bar.close()
            if mapping and signature:
                settings.column_maps[signature] = mapping  # reused for files of this layout
                config.save(settings)
            click.echo(report.summary())
    if failed:
        sys.exit(1)


def _fmt_score(v: Any) -> str:
    return "" if v is None else f"{v:.0f}"


ENTRY_FIELDS = ("entry_id", "chart", "title", "artist", "first_date", "debut_rank", "peak",
                "weeks", "score", "manipulation", "ai", "top_signal", "reason", "verdict",
                "analyst")


@cli.command()
@db_option
@click.option("--sort", default="score", show_default=True,
              help="score, manipulation, ai, title, artist, chart, debut, peak, weeks, verdict")
@click.option("--asc/--desc", "ascending", default=None, help="Sort direction.")
@click.option("--limit", type=int, default=None, help="At most N entries.")
@click.option("--chart", "chart_text", help="Only charts whose name contains this.")
@click.option("--verdict", type=click.Choice(["suspicious", "ai", "human", "disputed",
                                               "unreviewed", "reviewed"]))
@click.option("--search", default="", help="Only titles or artists containing this.")
@click.option("--min-score", type=float)
@click.option("--format", "out_format", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@friendly
def entries(db_path: Path | None, sort: str, ascending: bool | None, limit: int | None,
            chart_text: str | None, verdict: str | None, search: str, min_score: float | None,
            out_format: str) -> None:
    """List entries (a track's run on one chart) with scores and verdicts."""
    from chartreview.store import queries

    project = open_db(db_path)
    with project:
        chart_ids = queries.charts_matching(project, chart_text or "")
        flt = queries.EntryFilter(text=search, chart_ids=chart_ids, verdict=verdict or "",
                                  min_score=min_score)
        try:
            rows = queries.list_entries(
                project, flt, sort=sort, limit=limit,
                descending=None if ascending is None else not ascending)
        except ValueError as e:
            raise ChartreviewError(str(e)) from e
    rows = [{k: r.get(k) for k in ENTRY_FIELDS} for r in rows]
    if out_format == "json":
        from chartreview.report.safe import json_text

        click.echo(json_text(rows, indent=2))
    elif out_format == "csv":
        import csv

        from chartreview.report.safe import escape_cell  # a spreadsheet may open this too

        w = csv.DictWriter(sys.stdout, fieldnames=ENTRY_FIELDS)
        w.writeheader()
        # A terminal runs escapes: controls shown, as in the table (redirect to a file
        # and 'chartreview export --format csv' keeps the values exact)
        w.writerows({k: escape_cell(_shown(v)) for k, v in r.items()} for r in rows)
    else:
        _print_table(rows)


def _shown(value: Any) -> Any:
    """A value for the terminal: control and text-direction characters made visible."""
    return visible(value) if isinstance(value, str) else value


def _shown_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _shown(v) for k, v in row.items()}


def _print_table(rows: list[dict[str, Any]]) -> None:
    cols = [("entry_id", "id", 6), ("score", "score", 5), ("chart", "chart", 30),
            ("title", "title", 28), ("artist", "artist", 22), ("first_date", "debut", 10),
            ("peak", "peak", 4), ("weeks", "wks", 4), ("verdict", "verdict", 10),
            ("reason", "why", 60)]
    click.echo("  ".join(h.ljust(w) for _, h, w in cols).rstrip())
    for r in rows:
        cells = []
        for key, _, width in cols:
            v = r.get(key)
            text = _fmt_score(v) if key == "score" else ("" if v is None else visible(str(v)))
            if key == "reason":  # the last column: the whole sentence, never cut
                cells.append(text)
                continue
            cells.append((text[: width - 1] + "…" if len(text) > width else text).ljust(width))
        click.echo("  ".join(cells).rstrip())
    if not rows:
        click.echo("(no entries)")


ENTRY_ID = click.IntRange(1, 2**63 - 1)  # SQLite's integers: a larger id names no entry


@cli.command()
@click.argument("entry_id", type=ENTRY_ID)
@db_option
@friendly
def show(entry_id: int, db_path: Path | None) -> None:
    """Show one entry: its positions, signals with reasons, and verdict history."""
    from chartreview.store import queries

    project = open_db(db_path)
    with project:
        e = queries.entry(project, entry_id)
        if e is None:
            raise ChartreviewError(f"There is no entry {entry_id} in {project.path.name}.")
        pos = queries.positions(project, entry_id)
        sig = [_shown_row(s) for s in queries.signals(project, entry_id)]
        evs = [_shown_row(ev) for ev in queries.events(project, entry_id)]
        from chartreview.store import cases as store_cases

        case = store_cases.case_of(project, entry_id)
        runs = [_shown_row(r) for r in store_cases.case_entries(
            project, [entry_id, *(x for x in (case.entry_ids if case else ())
                                  if x != entry_id)])]
    e = _shown_row(e)
    click.echo(f"Entry {entry_id}: {e['title']} - {e['artist']}")
    click.echo(f"  chart: {e['chart']}  metric: {e['metric']}")
    click.echo(f"  debut {e['first_date']} at No. {e['debut_rank']}, peak No. {e['peak']}, "
               f"{plural(e['weeks'], 'position')}, last {e['last_date']}")
    if e["score"] is not None:
        click.echo(f"  score {e['score']:.0f} (manipulation {e['manipulation']:.0f}, "
                   f"AI act {e['ai']:.0f})")
    click.echo(f"  verdict: {e['verdict'] or 'unreviewed'}"
               + (f" by {e['analyst']}" if e["analyst"] else "")
               + (f" - {e['note']}" if e["note"] else ""))
    if e["range_from"] or e["range_to"] or e["watch"]:
        click.echo("  " + " · ".join(
            ([f"campaign {e['range_from'] or '…'} to {e['range_to'] or '…'}"]
             if e["range_from"] or e["range_to"] else []) + (["watched"] if e["watch"] else [])))
    if len(runs) > 1:
        click.echo(f"  case: the same song on {plural(len(runs) - 1, 'other chart')}: "
                   + ", ".join(f"{r['chart']} (entry {r['entry_id']})" for r in runs[1:]))
    if sig:
        click.echo("\nSignals:")
        for s in sig:
            click.echo(f"  {s['signal']:<22} {s['contribution']:5.1f}  {s['reason']}")
            if s["reference"]:
                click.echo(f"  {'':<22}        compared with: {s['reference']}")
    click.echo("\nPositions:")
    click.echo("  date        rank  last  peak  weeks      streams      sales")
    for p in pos:
        click.echo(
            f"  {p['date']}  {p['rank']:>4}  {p['last_rank'] or '':>4}  {p['peak'] or '':>4}  "
            f"{p['weeks_on_chart'] or '':>5}  {p['streams'] or '':>11}  {p['sales'] or '':>9}"
        )
    if evs:
        click.echo("\nHistory:")
        for ev in evs:
            what = ev["verdict"] or ev["kind"]
            click.echo(f"  #{ev['event_id']} {ev['at']} {ev['analyst'] or ''}: {ev['kind']} "
                       f"{what}" + (f" - {ev['note']}" if ev["note"] else ""))


def analyst_name(given: str | None) -> str:
    """The analyst: --analyst, else the name saved in settings, else the login name."""
    import getpass

    if given:
        return given
    saved = config.load().analyst
    if saved:
        return saved
    try:
        return getpass.getuser()
    except Exception:
        return "analyst"


def case_runs(project: Project, entry_id: int, whole_case: bool) -> list[int]:
    """The entry alone, or with ``whole_case`` every run of its song (its case)."""
    from chartreview.store import cases as store_cases

    if not whole_case:
        return [entry_id]
    case = store_cases.case_of(project, entry_id)
    if case is None:
        raise ChartreviewError(f"There is no entry {entry_id}.")
    return list(case.entry_ids)


@cli.command()
@click.argument("entry_id", type=ENTRY_ID)
@db_option
@click.option("--verdict", type=click.Choice(["suspicious", "ai", "human"]))
@click.option("--note", help="A note on the entry (kept with the verdict).")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for several.")
@click.option("--confidence", type=click.IntRange(1, 4), help="1 (a hunch) to 4 (certain).")
@click.option("--analyst", help="Who decides (default: the saved analyst name, else login).")
@click.option("--undo", "undo_last", is_flag=True, help="Undo your latest change instead.")
@click.option("--case", "whole_case", is_flag=True,
              help="Apply to every run of the song (its case), not this run alone.")
@click.option("--from", "range_from", metavar="DATE", help="First week of the campaign.")
@click.option("--to", "range_to", metavar="DATE", help="Last week of the campaign.")
@click.option("--watch/--no-watch", default=None,
              help="Bring the case back when later data changes it.")
@friendly
def label(entry_id: int, db_path: Path | None, verdict: str | None, note: str | None,
          tags: tuple[str, ...], confidence: int | None, analyst: str | None,
          undo_last: bool, whole_case: bool, range_from: str | None, range_to: str | None,
          watch: bool | None) -> None:
    """Record a verdict (suspicious, ai, human) with a note, tags and confidence.

    --case applies it to every run of the song (one undo); --from/--to mark the weeks a
    campaign ran, --watch brings the case back when new weeks change it.
    """
    from chartreview.review import audit
    from chartreview.store import queries
    from chartreview.store.reviews import team_user

    project = open_db(db_path)
    campaign = (range_from, range_to) if range_from or range_to else None
    with project:
        # In a team, verdicts are recorded (and shared) under the team login
        who = analyst or team_user(project.conn) or analyst_name(None)
        runs = case_runs(project, entry_id, whole_case)
        if undo_last:
            if audit.undo_last(project, analyst=who) is None:
                raise ChartreviewError(f"{who} has nothing left to undo.")
        elif verdict:
            audit.decide(project, runs, verdict, analyst=who, note=note,
                         tags=list(tags) or None, confidence=confidence, campaign=campaign,
                         watch=watch)
        elif campaign is not None or watch is not None:
            if campaign is not None:
                audit.set_range(project, runs, *campaign, analyst=who)
            if watch is not None:
                audit.set_watch(project, runs, watch, analyst=who)
        elif note is not None:
            audit.set_note(project, entry_id, note, analyst=who)
        elif tags:
            audit.set_tags(project, entry_id, list(tags), analyst=who, confidence=confidence)
        else:
            raise ChartreviewError("Give --verdict, --note, --tag, --from/--to, --watch or "
                                   "--undo.")
        e = queries.entry(project, entry_id)
    assert e is not None
    runs_text = f" and {plural(len(runs) - 1, 'other run')}" if len(runs) > 1 else ""
    extra = ""
    if e.get("range_from") or e.get("range_to"):
        extra += f", campaign {e.get('range_from') or '…'} to {e.get('range_to') or '…'}"
    if e.get("watch"):
        extra += ", watched"
    click.echo(f"Entry {entry_id}{runs_text} ({visible(e['title'])} - {visible(e['artist'])}): "
               f"{e['verdict'] or 'unreviewed'} by {visible(who)}{extra}, saved.")


def _print_cases(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        score = _fmt_score(r["score"]) or "-"
        runs = plural(len(r["entry_ids"]), "run")
        name = visible(str(r["title"])) if r["grouping"] == "act" else \
            f"{visible(str(r['title']))} — {visible(str(r['artist']))}"
        click.echo(f"  {score:>5}  {name} ({runs}: {', '.join(r['charts'])})")
        if r["reason"]:
            click.echo(f"         {visible(r['reason'])}")


@cli.command()
@click.argument("name", required=False)
@db_option
@click.option("--min-score", type=float, help="Cases with a run scoring at least this.")
@click.option("--max-score", type=float)
@click.option("--verdict", default="unreviewed", show_default=True,
              type=click.Choice(["unreviewed", "reviewed", "suspicious", "ai", "human", "all"]))
@click.option("--chart", "charts", default="",
              help="Charts whose name contains this (commas for several).")
@click.option("--search", default="", help="Titles or artists containing this.")
@click.option("--signal", default="", help="Only cases where this signal fired.")
@click.option("--by", "grouping", type=click.Choice(["song", "act"]), default="song",
              show_default=True, help="A case is a song's runs, or an act's songs.")
@click.option("--save", "save_as", metavar="NAME", help="Save this filter as a queue.")
@click.option("--delete", "delete", metavar="NAME", help="Delete a saved queue.")
@click.option("--list", "list_saved", is_flag=True, help="List the saved queues.")
@click.option("--changed-since", "since", metavar="last|DATE",
              help="Only watched cases that later data changed: since your last verdict on "
                   "each ('last') or from imports since DATE.")
@click.option("--score-change", type=float, default=None,
              help="Points a watched case's score must move to come back (default 10).")
@click.option("--limit", type=int, default=20, show_default=True, help="Cases to list.")
@click.option("--analyst", help="Whose pace (default: the saved analyst name, else login).")
@click.option("--format", "out_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@friendly
def queue(name: str | None, db_path: Path | None, min_score: float | None,
          max_score: float | None, verdict: str, charts: str, search: str, signal: str,
          grouping: str, save_as: str | None, delete: str | None, list_saved: bool,
          since: str | None, score_change: float | None, limit: int, analyst: str | None,
          out_format: str) -> None:
    """The review queue: cases (a song's runs on every chart) by score, with progress.

    Prints "Queue: 37 of 200 done · ~4 min left" at your own pace, the watched cases
    that later imports changed (with what changed), and the next cases. A NAME opens a
    saved queue; --save NAME keeps the filter given.
    """
    from chartreview.review import queue as q
    from chartreview.review.session import QueueSession

    settings = config.load()
    threshold = settings.requeue_score_change if score_change is None else score_change
    with open_db(db_path) as project:
        if list_saved:
            for saved_name, d in q.saved(project).items():
                click.echo(f"{visible(saved_name)}: {d.describe()}")
            return
        if delete:
            from chartreview.store import cases as store_cases

            if not store_cases.delete_queue(project, delete):
                raise ChartreviewError(f"There is no saved queue {delete!r}.")
            click.echo(f"Deleted the queue {delete!r}.")
            return
        if since is not None:
            after = q.parse_since(since)
            changes = q.watch_changes(project, score_change=threshold, since=after,
                                      grouping=grouping)  # type: ignore[arg-type]
            from chartreview.store import cases as store_cases

            found = store_cases.cases_of(project, [c.entry_ids[0] for c in changes],
                                         grouping)  # type: ignore[arg-type]
            rows = q.case_dicts(project, found, {c.group_id: c.reason() for c in changes})
            if out_format == "json":
                from chartreview.report.safe import json_text

                click.echo(json_text({"changed_since": since, "cases": rows}, indent=2))
                return
            when = "your last verdict on each" if after is None else f"{after}"
            click.echo(f"{plural(len(rows), 'watched case')} changed since {when}"
                       + (":" if rows else "."))
            _print_cases(rows)
            return
        if name:
            definition = q.load(project, name)
        else:
            definition = q.QueueDef(text=search, charts=charts,
                                    verdict="" if verdict == "all" else verdict,
                                    min_score=min_score, max_score=max_score, signal=signal,
                                    grouping=grouping)
        if save_as:
            saved_name = q.save(project, save_as, definition)
            if out_format == "table":
                click.echo(f"Saved the queue {saved_name!r}: {definition.describe()}.")
        session = QueueSession(project, definition, analyst=analyst_name(analyst),
                               title=name or save_as or "Queue", score_change=threshold)
        session.load()
        main = session.stack[0]
        rows = q.case_dicts(project, [c for c in main.cases if session.pending(c)][:limit],
                            main.reasons)
        progress = session.progress()
    if out_format == "json":
        from chartreview.report.safe import json_text

        click.echo(json_text({
            "queue": name or save_as, "filter": definition.to_dict(),
            "described": definition.describe(),
            "progress": {"done": progress.done, "total": progress.total,
                         "left": progress.left, "pace_s": progress.pace_s,
                         "seconds_left": progress.seconds_left, "text": progress.text()},
            "cases": rows}, indent=2))
        return
    click.echo(f"{visible(name or 'Queue')}: {definition.describe()}")
    pace = ("" if progress.pace_s is None else
            f" (your pace: {progress.pace_s:.0f} s a decision)")
    click.echo(progress.text() + pace)
    if rows:
        click.echo(f"Next {plural(len(rows), 'case')}:")
        _print_cases(rows)


@cli.command()
@click.argument("entry_id", type=ENTRY_ID)
@db_option
@click.option("--by", "grouping", type=click.Choice(["song", "act"]), default="song",
              show_default=True)
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--format", "out_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@friendly
def similar(entry_id: int, db_path: Path | None, grouping: str, limit: int,
            out_format: str) -> None:
    """More like this: the cases nearest to an entry's case, and why each is like it.

    By signal profile and rank path (distance in chartreview/scoring/similar.py), the
    same label or distributor when the files named one, and the same debut week.
    """
    from chartreview.review import queue as q
    from chartreview.review import similar as sim
    from chartreview.store import cases as store_cases

    with open_db(db_path) as project:
        case = store_cases.case_of(project, entry_id, grouping)  # type: ignore[arg-type]
        if case is None:
            raise ChartreviewError(f"There is no entry {entry_id} in {project.path.name}.")
        found = sim.neighbours(project, case, limit)
        out = {kind: q.case_dicts(project, [s.case for s in items],
                                  {s.case.group_id: s.reason for s in items})
               for kind, items in found.items()}
        me = q.case_dicts(project, [case])[0]
    if out_format == "json":
        from chartreview.report.safe import json_text

        click.echo(json_text({"case": me, "similar": out}, indent=2))
        return
    click.echo(f"Like {visible(str(me['title']))} — {visible(str(me['artist']))}:")
    for kind, rows in out.items():
        click.echo(f"\n{kind.capitalize()}:")
        _print_cases(rows)
    if not out:
        click.echo("(no similar case)")


@cli.command()
@db_option
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--weeks", type=int, default=64, show_default=True)
@click.option("--force", is_flag=True, help="Replace an existing demo project file.")
@friendly
def demo(db_path: Path | None, seed: int, weeks: int, force: bool) -> None:
    """Build the demo project: four charts, a year and more, planted cases among them."""
    from chartreview.demo import build_demo
    from chartreview.store import open_project

    path = db_path or paths.demo_project_path()
    if path.exists() and path.stat().st_size > 0:
        if not force:
            raise ChartreviewError(
                f"{path} exists; pass --force to replace it, or --db NEW.sqlite."
            )
        from chartreview.store.db import inspect
        from chartreview.store.migrations import APPLICATION_ID

        if inspect(path)[0] != APPLICATION_ID:
            raise ChartreviewError(f"{path} is not a chartreview project; it was not replaced.")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    bar = _Bar("Building demo")
    with open_project(path, create=True) as project:
        _, reports = build_demo(project, seed=seed, weeks=weeks, on_progress=bar)
        bar.close()
        _after_demo(project)
    settings = config.load()
    settings.remember_project(path)
    config.save(settings)
    rows = sum(r.rows_imported for r in reports)
    click.echo(f"Demo project {path}: {len(reports)} chart files, {rows:,} positions.")


def _after_demo(project: Any) -> None:
    """Score the demo right away, so the first window shows flagged entries."""
    from chartreview.scoring.run import score_project

    bar = _Bar("Scoring")
    report = score_project(project, scoring_params(), on_progress=bar)
    bar.close()
    click.echo(report.summary())


def scoring_params(settings: config.Settings | None = None) -> Any:
    """The scoring settings: defaults overridden by the user's saved values.

    A saved value that is not valid (edited by hand, or saved by an older version) is
    not used: the default stands in, and stderr says which and how to clear it.
    """
    from chartreview.scoring.params import ScoringParams

    problems: list[str] = []
    params = ScoringParams.from_dict((settings or config.load()).scoring, problems)
    for problem in problems:
        name = problem.split(" ", 1)[0]
        click.echo(f"Warning: saved setting {problem} The default is used; clear it with "
                   f"'chartreview score --reset {name}'.", err=True)
    return params


@cli.command()
@db_option
@click.option("--force", is_flag=True, help="Re-score even when nothing changed.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Change a weight or threshold (checked, then saved for later runs).")
@click.option("--reset", "resets", multiple=True, metavar="NAME|all",
              help="Put a setting (or all of them) back to its default.")
@click.option("--show-settings", is_flag=True, help="Print the weights and thresholds.")
@friendly
def score(db_path: Path | None, force: bool, overrides: tuple[str, ...],
          resets: tuple[str, ...], show_settings: bool) -> None:
    """Score every entry for signs of bought sales, bot streams and AI-farm releases."""
    from chartreview.scoring import params as scoring_settings
    from chartreview.scoring.run import score_project

    settings = config.load()
    known = scoring_settings.ScoringParams().to_dict()
    for name in resets:
        if name == "all":
            settings.scoring.clear()
        elif name in known:
            settings.scoring.pop(name, None)
        else:
            raise ChartreviewError(f"Unknown setting {name!r}; see --show-settings.")
    checked: dict[str, float] = {}
    for item in overrides:  # every value checked before any is saved
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep:
            raise ChartreviewError(f"--set takes NAME=VALUE, not {item!r}.")
        if name not in known:
            raise ChartreviewError(f"Unknown setting {name!r}; see --show-settings.")
        try:
            checked[name] = scoring_settings.check(name, value)
        except ValueError as e:
            raise ChartreviewError(f"{e} Nothing was saved.") from None
    settings.scoring.update(checked)
    if overrides or resets:
        config.save(settings)
    params = scoring_params(settings)
    if show_settings:
        for name, value in params.to_dict().items():
            mark = "" if value == known[name] else f"(default {known[name]:g})"
            click.echo(f"{name:<26} {value:<8g} {mark:<16} "
                       f"{scoring_settings.describe_range(name)}")
        return
    project = open_db(db_path)
    with project:
        bar = _Bar("Scoring")
        report = score_project(project, params, force=force, on_progress=bar)
        bar.close()
    click.echo(report.summary())


@cli.command("export")
@click.option("--format", "fmt", required=True,
              type=click.Choice(["csv", "xlsx", "json", "html", "pdf"]))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--verdict", type=click.Choice(["reviewed", "suspicious", "ai", "human",
                                               "disputed", "unreviewed", "all"]),
              help="Default: reviewed for csv/xlsx/json, all for html/pdf.")
@click.option("--chart", default="", help="Only charts whose name contains this.")
@click.option("--min-score", type=float)
@click.option("--flag-score", type=float, help="Report: also a section for scores >= this.")
@click.option("--date-from", default="", help="Entries on the chart on or after YYYY-MM-DD.")
@click.option("--date-to", default="", help="Entries on the chart on or before YYYY-MM-DD.")
@click.option("--analyst", default="", help="Only verdicts by this analyst.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option("--force", is_flag=True,
              help="Replace an existing file (never a project or database).")
@friendly
def export_cmd(fmt: str, out: Path, db_path: Path | None, **filters: Any) -> None:
    """Export reviewed entries (csv, xlsx, json) or the findings report (html, pdf)."""
    import os

    from chartreview.report.collect import ExportOptions

    opts = ExportOptions(fmt, out, prepared_by=analyst_name(None), **filters)
    if fmt == "pdf":
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from chartreview.qt.report_pdf import export_pdf as run
    else:
        from chartreview.report.export import export as run
    bar = _Bar("Exporting")

    def progress(p: Progress) -> None:
        if p.message and p.message != bar.label:  # one bar per phase
            bar.close()
            bar.label = p.message
        bar(p)

    with open_db(db_path) as project:
        try:
            result = run(project, opts, on_progress=progress)
        finally:
            bar.close()
    click.echo(result.summary())


@cli.command("merge-verdicts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option("--skip-invalid", is_flag=True,
              help="Merge the valid events and count the others (default: refuse the file).")
@friendly
def merge_verdicts(file: Path, db_path: Path | None, skip_invalid: bool) -> None:
    """Merge verdict events exported from another copy of the project (JSON, CSV, XLSX)."""
    from chartreview.report.merge import merge_file

    with open_db(db_path) as project:
        report = merge_file(project, file, analyst=analyst_name(None),
                            skip_invalid=skip_invalid)
    click.echo(report.summary())
    for line in report.lines():
        click.echo(line)


@cli.command()
@db_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Backup file (default: a dated copy in PROJECT.sqlite.backups/).")
@friendly
def backup(db_path: Path | None, out: Path | None) -> None:
    """Write a consistent copy of the project (safe while it is open elsewhere)."""
    from chartreview.store.backup import backup as make_backup

    project = open_db(db_path)
    with project:
        made = make_backup(project, out)
    click.echo(f"Backup written: {made}")


@cli.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option("--yes", is_flag=True, help="Replace the project without asking.")
@friendly
def restore(backup_file: Path, db_path: Path | None, yes: bool) -> None:
    """Replace the project with a backup (the current state is backed up first)."""
    from chartreview.store.backup import backup as make_backup
    from chartreview.store.backup import restore as do_restore

    path = db_path or default_db()
    if not yes:
        click.confirm(f"Replace {path} with {backup_file}?", abort=True)
    if path.exists() and path.stat().st_size > 0:
        with open_db(path) as project:
            saved = make_backup(project, reason="before-restore")
        click.echo(f"The current project was saved first: {saved}")
    do_restore(backup_file, path)
    click.echo(f"Restored {path} from {backup_file}.")


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="chartreview")


if __name__ == "__main__":
    main()
