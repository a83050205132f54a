"""``chartreview team ...``: share verdicts with a team through a PostgreSQL server.

Loaded by the command line only when a ``team`` command runs; psycopg is imported only
when a command talks to the server.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from chartreview import config
from chartreview.cli import ENTRY_ID, case_runs, db_option, friendly, open_db
from chartreview.domain import ChartreviewError, plural, visible
from chartreview.report.safe import json_text

SSLMODE_HELP = ("TLS: prefer (default: encrypted when the server offers it), require, "
                "verify-ca, verify-full, disable.")


def _prompt(address: Any) -> str | None:
    """Ask for the password at a terminal (never stored); elsewhere there is no one to ask."""
    if not sys.stdin.isatty():
        return None
    typed = click.prompt(f"Password for {address.user} on {address.where}", hide_input=True,
                         default="", show_default=False, err=True)
    return typed or None


def sslmode_option(f: Any) -> Any:
    return click.option("--sslmode", default=None, help=SSLMODE_HELP)(f)


@click.group()
def team() -> None:
    """Review as a team: share verdicts, assignments and decisions through PostgreSQL.

    Each laptop keeps its project and works offline; 'team sync' sends your new events
    and takes your colleagues'.
    """


@team.command()
@click.argument("address")
@db_option
@sslmode_option
@friendly
def connect(address: str, db_path: Path | None, sslmode: str | None) -> None:
    """Connect this project to a team server: postgresql://you@host:5432/desk."""
    from chartreview.review import team as rt

    with open_db(db_path) as project:
        done = rt.connect(project, address, sslmode=sslmode or "prefer", prompt=_prompt)
    settings = config.load()
    if settings.analyst != done.address.user:
        settings.analyst = done.address.user  # verdicts here are now recorded as the login
        config.save(settings)
    click.echo(f"Connected {project.path.name} to {done.address.where} as {done.address.user} "
               f"({done.role}); TLS {'on' if done.tls else 'off'}. Your verdicts are recorded "
               f"as {done.address.user}; {done.waiting:,} events wait to be sent: run "
               "'chartreview team sync'.")
    for name, n in done.other_names.items():
        click.echo(f"{n:,} earlier events recorded as {name!r} stay on this laptop.")


@team.command("init")
@click.argument("address", required=False)
@db_option
@sslmode_option
@friendly
def init_cmd(address: str | None, db_path: Path | None, sslmode: str | None) -> None:
    """Create or upgrade the team schema and roles on the server (its admin runs this)."""
    from chartreview.review import team as rt
    from chartreview.store.team import local

    mode = sslmode or "prefer"
    if address is None:
        with open_db(db_path) as project:
            ln = local.link(project)
        if ln is None:
            raise ChartreviewError("Give the server's address: chartreview team init "
                                   "postgresql://admin@host:5432/desk")
        address, mode = ln.address, sslmode or ln.sslmode
    before, now = rt.init_server(address, sslmode=mode, prompt=_prompt)
    if before == now:
        click.echo(f"The team schema is already at version {now}; nothing to do.")
    elif before == 0:
        click.echo(f"Created the team schema (version {now}) and the roles chartreview_analyst "
                   "and chartreview_lead. Add people with, in psql: CREATE ROLE name LOGIN "
                   "PASSWORD '...' IN ROLE chartreview_analyst;")
    else:
        click.echo(f"Upgraded the team schema from version {before} to {now}.")


@team.command()
@db_option
@click.option("--offline", is_flag=True, help="Do not ask the server; only this laptop.")
@friendly
def status(db_path: Path | None, offline: bool) -> None:
    """Where this project stands: sync, waiting events, your queue, disputes, agreement."""
    from chartreview.review import team as rt

    with open_db(db_path) as project:
        st = rt.status(project, online=not offline, prompt=_prompt)
    for line in st.lines():
        click.echo(line)


@team.command()
@db_option
@friendly
def sync(db_path: Path | None) -> None:
    """Send your new events to the team server, then take your colleagues'."""
    from chartreview.review import team as rt

    with open_db(db_path) as project:
        report = rt.sync(project, prompt=_prompt)
    click.echo(report.summary())
    for sentence in report.refused:
        click.echo(sentence, err=True)
    if report.waiting_entries:
        click.echo(f"{report.waiting_entries:,} entries your colleagues judged are not imported "
                   "here; their events wait and apply once you import them "
                   "('chartreview team status').")


@team.command()
@db_option
@friendly
def disconnect(db_path: Path | None) -> None:
    """Stop syncing this project (everything it holds stays; 'team connect' resumes)."""
    from chartreview.review import team as rt

    with open_db(db_path) as project:
        done = rt.disconnect(project)
    click.echo("Disconnected; the project keeps every verdict, note and assignment."
               if done else "This project is not connected to a team server.")


@team.command()
@db_option
@click.option("--top", type=int, required=True, help="How many entries, highest score first.")
@click.option("--to", "to", required=True, help="Analysts, comma-separated: a1,a2,a3.")
@click.option("--overlap", type=int, default=1, show_default=True,
              help="How many analysts judge each entry independently.")
@friendly
def assign(db_path: Path | None, top: int, to: str, overlap: int) -> None:
    """Share out the top entries between analysts, balanced (a lead's command)."""
    from chartreview.review import team as rt

    with open_db(db_path) as project:
        done = rt.assign(project, top=top, to=to.split(","), overlap=overlap, prompt=_prompt)
    click.echo(done.summary())


@team.command()
@db_option
@click.option("--disputed", is_flag=True, help="The entries analysts disagree on instead.")
@click.option("--analyst", help="Another analyst's queue (default: yours).")
@click.option("--format", "out_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@friendly
def queue(db_path: Path | None, disputed: bool, analyst: str | None, out_format: str) -> None:
    """List your queue (entries assigned to you, by score) or the disputed entries."""
    from chartreview.review import team as rt
    from chartreview.store import queries
    from chartreview.store.team import local

    with open_db(db_path) as project:
        ln = local.link(project) or rt.linked(project)  # linked() says what to do
        if disputed:
            items = [(i, False) for i in local.disputed(project)]
        else:
            items = local.queue(project, analyst or ln.user)
        ids = [i for i, _ in items]
        rows = queries.rows_for(project, ids)
        judged = local.judgements_of(project, ids)
    out = [{"entry_id": i, "done": done, "score": rows[i]["score"], "title": rows[i]["title"],
            "artist": rows[i]["artist"], "chart": rows[i]["chart"],
            "verdict": rows[i]["verdict"],
            "judgements": {j.analyst: j.verdict for j in judged.get(i, [])}}
           for i, done in items]
    if out_format == "json":
        click.echo(json_text(out, indent=2))
        return
    if disputed:
        click.echo(f"Disputed: {len(out):,} entries wait for a lead's decision.")
    else:
        click.echo(f"Queue of {analyst or ln.user}: {sum(r['done'] for r in out):,} of "
                   f"{len(out):,} done.")
    for r in out:
        who = ", ".join(f"{a}: {v}" for a, v in r["judgements"].items())
        mark = "x" if r["done"] else " "
        score = "" if r["score"] is None else f"{r['score']:.0f}"
        click.echo(visible(f"[{mark}] {r['entry_id']:>6}  {score:>3}  {r['title']} - "
                           f"{r['artist']} ({r['chart']})" + (f"  [{who}]" if who else "")))


@team.command()
@click.argument("entry_id", type=ENTRY_ID)
@db_option
@click.option("--verdict", required=True, type=click.Choice(["suspicious", "ai", "human"]))
@click.option("--reason", required=True, help="Why: kept with the decision and reported.")
@click.option("--case", "whole_case", is_flag=True,
              help="Decide every run of the song (its case), not this run alone.")
@friendly
def adjudicate(entry_id: int, db_path: Path | None, verdict: str, reason: str,
               whole_case: bool) -> None:
    """Record the final verdict on an entry, with the reason (a lead's command)."""
    from chartreview.review import team as rt
    from chartreview.store import queries

    with open_db(db_path) as project:
        runs = case_runs(project, entry_id, whole_case)
        rt.adjudicate(project, runs, verdict, reason, prompt=_prompt)
        e = queries.entry(project, entry_id)
    assert e is not None
    what = f"Entry {entry_id}" + (f" and the song's {plural(len(runs) - 1, 'other run')}"
                                  if len(runs) > 1 else "")
    click.echo(visible(f"{what} ({e['title']} - {e['artist']}): {e['verdict']}, decided by "
                       f"{e['analyst']}; the team sees it at their next sync."))
