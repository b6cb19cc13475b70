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
from .errors import AnnotationError, BudgetExceeded, KgError, ValidationError
from .progress import TerminalProgress

EXIT_CODES_HELP = """\b
Exit codes:
  0  success
  1  invalid input: an annotation or the data does not conform (nothing was loaded)
  2  usage error (unknown command, query or parameter)
  3  broken ontology, reference data or shapes
  4  store error (missing, locked, not writable)
  5  query error
  6  remote endpoint error
  7  a query, inference or validation exceeded its time or memory budget
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


INFER_OPTION = click.option("--infer/--no-infer", default=True, show_default=True,
                            help="Materialise the OWL 2 RL entailments into the inferred graph.")


@cli.command()
@click.option("--quiet", is_flag=True, help="Print only the summary line.")
@INFER_OPTION
@click.pass_obj
def build(kg: KnowledgeGraph, quiet: bool, infer: bool) -> None:
    """(Re)build the store from ontology/, data/reference/ and data/articles/."""
    with TerminalProgress(unit="articles") as progress:
        report = kg.build(infer=infer, progress=progress)
    click.echo(f"built {kg.store_path}: {len(report.articles)} articles, {report.triples_written} triples written")
    _echo_inference(report.inference)
    _echo_warnings(report.warnings)
    if quiet:
        return
    stats = kg.stats()
    click.echo(_format_headline(stats))
    click.echo("\nSpeakers who appeared in more than one voivodeship:")
    try:
        click.echo(_format_table(kg.query_result("speakers-across-regions"), "table"))
    except BudgetExceeded as exc:  # a large store: the build itself succeeded, and its exit code says so
        click.echo(f"not shown: {exc.args[0].split(';')[0]}; the store is built. Ask with "
                   f"`kg query speakers-across-regions` and a larger KG_QUERY_TIMEOUT (0: no limit).")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the annotation files.")
@click.option("--infer/--no-infer", default=True, show_default=True,
              help="Recompute the inferred graph in the same transaction (--no-infer drops it).")
@click.pass_obj
def load(kg: KnowledgeGraph, files: tuple[Path, ...], encoding: str, infer: bool) -> None:
    """Add or replace the given annotated articles in the store (all of them, or none)."""
    report = kg.load(files, encoding=encoding, infer=infer)
    click.echo(f"loaded {len(report.articles)} article(s) into {kg.store_path}: {', '.join(report.articles)}")
    _echo_inference(report.inference)
    _echo_warnings(report.warnings)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "turtle", "json"]), show_default=True,
              help="Readable text, or the SHACL validation report in Turtle or JSON.")
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the annotation files.")
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...], fmt: str, encoding: str) -> None:
    """Check annotated articles against the format and the SHACL shapes without loading them.

    Exit 0 if they conform (warnings are printed), 1 if not, 3 if the shapes themselves are broken.
    """
    from .validate import format_report
    report = ctx.obj.validate(files, encoding=encoding)
    click.echo(format_report(report, fmt))
    if not report.conforms:
        ctx.exit(ValidationError.exit_code)


@cli.command()
@click.pass_obj
def infer(kg: KnowledgeGraph) -> None:
    """Recompute the OWL 2 RL entailments of the stored graphs into the inferred graph (see docs/reasoning.md)."""
    report = kg.infer()
    _echo_inference(report.inference)
    click.echo(f"inferred graph: {report.graph}")


@cli.command()
@click.argument("subject")
@click.argument("predicate")
@click.argument("object")
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]), show_default=True)
@click.pass_obj
def explain(kg: KnowledgeGraph, subject: str, predicate: str, object: str, fmt: str) -> None:  # noqa: A002
    """Say whether a triple is asserted (in which graphs) or inferred (by which rule, from which triples).

    \b
    Terms are <IRI>s, full http(s) IRIs or prefixed names (kgo:MOPR, it:mopr, rdf:type or `a`);
    the object may be a literal: '"Szczecin"@pl', '"80"^^xsd:integer' or plain text.
    Example: kg explain '<https://w3id.org/kg-pl-inclusion/id/organisation/mopr-szczecin>' a kgo:SocialAssistanceInstitution
    """
    explanation = kg.explain(subject, predicate, object)
    if fmt == "json":
        click.echo(json.dumps(_explanation_json(explanation), ensure_ascii=False, indent=2))
    else:
        click.echo(explanation.text())


@cli.command()
@click.option("--format", "fmt", default="turtle", show_default=True,
              type=click.Choice(["turtle", "trig", "nquads", "ntriples", "jsonld"]))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE instead of standard output.")
@click.option("--with-inferred/--asserted-only", default=False, show_default=True,
              help="Include the graph of inferred triples.")
@click.option("--void", "void_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the VoID/DCAT dataset description to FILE (default with -o: void.ttl beside it).")
@click.option("--no-void", is_flag=True, help="With -o: do not write void.ttl.")
@click.option("--public-url", metavar="URL", help="Where the dump will be published, for the dataset description "
              "(default: its file: URL).")
@click.pass_obj
def export(kg: KnowledgeGraph, fmt: str, output: Path | None, with_inferred: bool, void_path: Path | None,
           no_void: bool, public_url: str | None) -> None:
    """Export the graph (Turtle by default; TriG, N-Quads and JSON-LD keep one graph per article).

    With -o, the VoID/DCAT description of the dataset is written beside it as void.ttl (see docs/serve.md).
    """
    if output:
        kg.export(fmt, output, with_inferred=with_inferred)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(kg.export(fmt, with_inferred=with_inferred))
    if output and not void_path and not no_void:
        void_path = output.with_name("void.ttl")
    if void_path:
        from .void import write_for_export
        write_for_export(kg._reader(), void_path, output or Path(f"kg.{fmt}"), fmt, public_url=public_url)
        click.echo(f"wrote {void_path}", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port (0: any free port).")
@click.option("--endpoint", metavar="URL", help="Serve this remote SPARQL endpoint instead of the store.")
@click.option("--timeout", default=10.0, show_default=True, type=float, metavar="SECONDS",
              help="Time limit of one query; a query over it is stopped.")
@click.option("--max-rows", default=10_000, show_default=True, type=int, help="Most rows (or triples) a query may return.")
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes for SPARQL and stored queries.")
@click.option("--memory", "memory_mb", default=2048, show_default=True, type=int, metavar="MB",
              help="Address space of one worker process (0: unlimited).")
@click.option("--union-default-graph", is_flag=True,
              help="With --endpoint: ask an Oxigraph server to query the union of its named graphs.")
@click.pass_obj
def serve(kg: KnowledgeGraph, host: str, port: int, endpoint: str | None, timeout: float, max_rows: int,
          workers: int, memory_mb: int, union_default_graph: bool) -> None:
    """Serve the graph: SPARQL endpoint, resource pages, stored queries, views, VoID and docs (docs/serve.md)."""
    from .serve.app import App, ServeConfig
    from .serve.server import run
    if not endpoint:
        kg._reader()  # a missing or foreign store fails here, with its exit code, before anything starts
    config = ServeConfig(store=kg.store_path, endpoint=endpoint, host=host, port=port, timeout=timeout,
                         max_rows=max_rows, workers=workers, memory_mb=memory_mb or None,
                         union_default_graph=union_default_graph)
    run(App(config, kg.project), host, port, announce=click.echo)


@cli.command()
@click.option("-o", "--output", default="ontology-docs", show_default=True, type=click.Path(path_type=Path),
              help="Directory to write the HTML documentation into.")
@click.pass_obj
def docs(kg: KnowledgeGraph, output: Path) -> None:
    """HTML documentation of the ontology (pyLODE) and of the SKOS concept schemes, in Polish and English."""
    from .docs import write_docs
    for path in write_docs(kg.project, output):
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--url", "site_url", metavar="URL", help="Public URL of the site, for the dataset description "
              "(default: the directory's file: URL).")
@click.pass_obj
def publish(kg: KnowledgeGraph, directory: Path, site_url: str | None) -> None:
    """Write the pages, dumps, VoID and docs as a static site into DIRECTORY (no server needed)."""
    from .publish import publish as publish_site
    report = publish_site(kg._reader(), kg.project, directory, site_url=site_url)
    click.echo(f"published {report.pages} pages and {report.files} files into {directory} in {report.seconds:.1f} s")


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
        params = ", ".join(p.signature() for p in query.parameters)
        click.echo(f"{name}\t{query.title}\t{params}")


@cli.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter.")
@click.option("--file", "query_file", type=click.Path(exists=True, path_type=Path), help="Run an ad-hoc .rq file.")
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "csv", "tsv", "json", "markdown"]),
              show_default=True)
@click.option("--with-inferred/--asserted-only", default=True, show_default=True,
              help="Query the inferred graph too (the default), or only the asserted graphs.")
@click.option("--endpoint", metavar="URL", help="Run the query on this remote SPARQL endpoint instead of the store.")
@click.option("--timeout", default=60.0, show_default=True, metavar="SECONDS",
              help="With --endpoint: total time the endpoint may take.")
@click.option("--union-default-graph", is_flag=True,
              help="With --endpoint: ask an Oxigraph server to query the union of its named graphs.")
@click.option("--fresh", is_flag=True,
              help="Evaluate the query even if its answer for the store as it is now was kept (KG_ANSWERS).")
@click.pass_obj
def query(kg: KnowledgeGraph, name: str | None, params: tuple[str, ...], query_file: Path | None, fmt: str,
          with_inferred: bool, endpoint: str | None, timeout: float, union_default_graph: bool, fresh: bool) -> None:
    """Run a stored query by NAME (or an ad-hoc one with --file) and print the result.

    On the embedded store, an answer is kept until the store changes (kg build, kg load), so asking
    again is immediate; --fresh evaluates anyway.
    """
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        values[key] = value
    remote = None
    if endpoint:
        from .remote import RemoteEndpoint
        remote = RemoteEndpoint(endpoint, timeout=timeout, union_default_graph=union_default_graph)
    if query_file:
        result = kg.query_file(query_file, values, with_inferred=with_inferred, endpoint=remote, fresh=fresh)
    elif name:
        result = kg.query_result(name, values, with_inferred=with_inferred, endpoint=remote, fresh=fresh)
    else:
        raise click.UsageError("give a stored query NAME or --file FILE (see `kg queries`)")
    click.echo(_format_table(result, fmt))


@cli.command()
@click.option("--endpoint", required=True, metavar="URL", help="The server's SPARQL query endpoint.")
@click.option("--update-endpoint", metavar="URL", help="Its SPARQL Update endpoint, if not the same URL.")
@click.option("--graph-store", metavar="URL",
              help="Its Graph Store Protocol endpoint (faster); without it, graphs go up as SPARQL Update.")
@click.option("--user", envvar="KG_ENDPOINT_USER", help="User name (or KG_ENDPOINT_USER).")
@click.option("--password", envvar="KG_ENDPOINT_PASSWORD",
              help="Password (or KG_ENDPOINT_PASSWORD, which keeps it out of the process list). Never printed.")
@click.option("--timeout", default=300.0, show_default=True, metavar="SECONDS", help="Time limit per request.")
@click.pass_obj
def push(kg: KnowledgeGraph, endpoint: str, update_endpoint: str | None, graph_store: str | None,
         user: str | None, password: str | None, timeout: float) -> None:
    """Replace the store's graphs on a SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, Oxigraph).

    Every graph (each article's, ontology, reference, inferred) is uploaded under a temporary name,
    counted, and then swapped in with MOVE: a failed push leaves the remote graphs as they were.
    """
    with TerminalProgress(unit="graphs") as progress:
        report = kg.push(endpoint, update=update_endpoint, graph_store=graph_store, user=user, password=password,
                         timeout=timeout, progress=progress)
    click.echo(f"pushed {report.graphs} graphs ({report.triples} triples) to {report.endpoint} "
               f"by {report.transport} in {report.seconds:.1f} s")
    _echo_warnings(report.warnings)


@cli.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the draft to FILE (default: stdout).")
@click.option("--url", help="Where the article is published (article.url).")
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), help="Publication date YYYY-MM-DD, if not printed.")
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the text (cp1250, iso-8859-2).")
@click.option("--store", "identity_store", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Reuse keys of people and institutions already in this store.")
@click.pass_obj
def annotate(kg: KnowledgeGraph, article: Path, output: Path | None, url: str | None, published, encoding: str,
             identity_store: Path | None) -> None:
    """Draft an annotation of a raw Polish ARTICLE text (evidence spans and confidences as comments)."""
    from .annotate import annotate_file, drafter_for, dump_draft
    drafter = drafter_for(kg.project.reference_dir, identity_store)
    draft = annotate_file(article, output, drafter, encoding=encoding, url=url,
                          published=published.date() if published else None)
    if output is None:
        click.echo(dump_draft(draft), nl=False)
    for candidate in draft.candidates:
        click.echo(f"uncertain match: {candidate}", err=True)
    counts = ", ".join(f"{len(items)} {name}" for name, items in draft.sections.items() if items)
    click.echo(f"drafted {article.name} in {draft.seconds:.2f} s: {counts}" + (f" -> {output}" if output else ""), err=True)


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


def _echo_inference(inference) -> None:
    if inference is not None:
        click.echo(f"inferred {len(inference.triples)} triples in {inference.seconds:.2f} s "
                   f"({inference.rounds} rounds of the OWL 2 RL rules, consistent)")


def _explanation_json(explanation) -> dict:
    node = {"triple": [str(t) for t in (explanation.triple.subject, explanation.triple.predicate,
                                         explanation.triple.object)],
            "asserted_in": explanation.graphs, "inferred": explanation.inferred}
    if explanation.rule:
        node["rule"] = explanation.rule.name
        node["premises"] = [_explanation_json(p) for p in explanation.premises]
    return node


def _echo_warnings(warnings) -> None:
    for warning in warnings or []:
        click.echo(f"warning: {warning}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and map kg errors to exit codes (the only place that does)."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        result = cli.main(args=argv, prog_name="kg", standalone_mode=False)
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
    return result if isinstance(result, int) else 0  # without standalone mode, ctx.exit(n) returns n


if __name__ == "__main__":
    sys.exit(main())
