"""The ``kg`` command line: a thin click layer over :mod:`kg.api`.

Each command opens the library object, calls one function and formats what it returns.
Errors are :class:`kg.errors.KgError` subclasses; :func:`main` maps them to exit codes in one place.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from . import __version__
from .api import KnowledgeGraph
from .errors import AnnotationError, KgError, ValidationError

EXIT_CODES_HELP = """\b
Exit codes:
  0  success
  1  invalid input: an annotation or the data does not conform (nothing was loaded)
  2  usage error (unknown command, query or parameter)
  3  broken ontology, reference data or shapes
  4  store error (missing, locked, not writable)
  5  query error
  6  remote endpoint error
"""


@click.group(epilog=EXIT_CODES_HELP)
@click.option("--store", "store", type=click.Path(path_type=Path), envvar="KG_STORE",
              help="Store directory (default: KG_STORE or store/ in the project).")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@click.version_option(__version__, prog_name="kg")
@click.pass_context
def cli(ctx: click.Context, store: Path | None, debug: bool) -> None:
    """kg: the knowledge graph of Poland's social-inclusion ecosystem."""
    ctx.obj = KnowledgeGraph(store)
    ctx.meta["debug"] = debug


@cli.command()
@click.option("--quiet", is_flag=True, help="Print only the summary line.")
@click.pass_obj
def build(kg: KnowledgeGraph, quiet: bool) -> None:
    """(Re)build the store from ontology/, data/reference/ and data/articles/."""
    report = kg.build()
    click.echo(f"built {kg.store_path}: {len(report.articles)} articles, {report.triples_written} triples written")
    _echo_warnings(report.warnings)
    if quiet:
        return
    stats = kg.stats()
    click.echo(_format_headline(stats))
    click.echo("\nSpeakers who appeared in more than one voivodeship:")
    click.echo(_format_table(kg.query_result("speakers-across-regions"), "table"))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the annotation files.")
@click.pass_obj
def load(kg: KnowledgeGraph, files: tuple[Path, ...], encoding: str) -> None:
    """Add or replace the given annotated articles in the store (all of them, or none)."""
    report = kg.load(files, encoding=encoding)
    click.echo(f"loaded {len(report.articles)} article(s) into {kg.store_path}: {', '.join(report.articles)}")
    _echo_warnings(report.warnings)


@cli.command()
@click.option("--format", "fmt", default="turtle", show_default=True,
              type=click.Choice(["turtle", "trig", "nquads", "ntriples", "jsonld"]))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE instead of standard output.")
@click.option("--with-inferred/--asserted-only", default=False, show_default=True,
              help="Include the graph of inferred triples.")
@click.pass_obj
def export(kg: KnowledgeGraph, fmt: str, output: Path | None, with_inferred: bool) -> None:
    """Export the graph (Turtle by default; TriG, N-Quads and JSON-LD keep one graph per article)."""
    if output:
        kg.export(fmt, output, with_inferred=with_inferred)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(kg.export(fmt, with_inferred=with_inferred))


@cli.command()
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "json"]), show_default=True)
@click.pass_obj
def stats(kg: KnowledgeGraph, fmt: str) -> None:
    """Counts per class and per article graph."""
    result = kg.stats()
    if fmt == "json":
        click.echo(json.dumps(result.__dict__, ensure_ascii=False, indent=2))
        return
    click.echo(_format_headline(result))
    click.echo("\nper class:")
    for cls, n in result.per_class.items():
        click.echo(f"  {n:8d}  {_short(cls)}")
    click.echo("\nper graph:")
    for graph, n in result.per_graph.items():
        click.echo(f"  {n:8d}  {graph}")


@cli.command()
@click.pass_obj
def queries(kg: KnowledgeGraph) -> None:
    """List the stored queries with their parameters."""
    for name, query in kg.queries().items():
        params = ", ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default else "") for p in query.parameters)
        click.echo(f"{name}\t{query.title}\t{params}")


@cli.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter.")
@click.option("--file", "query_file", type=click.Path(exists=True, path_type=Path), help="Run an ad-hoc .rq file.")
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "csv", "tsv", "json", "markdown"]),
              show_default=True)
@click.pass_obj
def query(kg: KnowledgeGraph, name: str | None, params: tuple[str, ...], query_file: Path | None, fmt: str) -> None:
    """Run a stored query by NAME (or an ad-hoc one with --file) and print the result."""
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        values[key] = value
    if query_file:
        from .queries import parse_stored_query, run_stored
        result = run_stored(kg._reader(), parse_stored_query(query_file), values)
    elif name:
        result = kg.query_result(name, values)
    else:
        raise click.UsageError("give a stored query NAME or --file FILE (see `kg queries`)")
    click.echo(_format_table(result, fmt))


# -- formatting ----------------------------------------------------------------------------------

def _short(iri: str) -> str:
    from .namespaces import PREFIXES
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _format_headline(stats) -> str:
    h = stats.headline
    return (f"{stats.triples} triples; {h['people']} people, {h['organisations']} organisations, "
            f"{h['events']} events, {h['projects']} projects, {h['regions']} regions, {h['articles']} articles")


def _format_table(result, fmt: str) -> str:
    columns, rows = result.columns, result.rows
    cell = lambda v: "" if v is None else str(v)  # noqa: E731
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell(r[c]) for c in columns] for r in rows])
        return buffer.getvalue().rstrip("\n")
    if fmt == "markdown":
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(cell(r[c]).replace("|", "\\|") for c in columns) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max([len(c)] + [len(cell(r[c])) for r in rows]) for c in columns]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cell(r[c]).ljust(w) for c, w in zip(columns, widths)) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _echo_warnings(warnings) -> None:
    for warning in warnings or []:
        click.echo(f"warning: {warning}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and map kg errors to exit codes (the only place that does)."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="kg", standalone_mode=False)
    except KgError as exc:
        if debug:
            raise
        label = {AnnotationError: "invalid annotation", ValidationError: "data does not conform"}.get(type(exc), "error")
        click.echo(f"kg: {label}:\n{exc}" if "\n" in str(exc) else f"kg: {label}: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
