"""The `kg` command line: a thin layer over the library. The only module that imports click.

Each command reads its options, makes one library call, renders the result and exits with a code.
Heavy libraries (rdflib, pyshacl, pyoxigraph) are imported inside the commands that use them, so
`kg --help` starts fast.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from kg import __version__
from kg.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_USAGE, KgError

EXIT_CODES = """\b
Exit codes:
  0   ok
  1   data does not conform / a check failed
  2   usage error
  3   unreadable or invalid input; a file or folder that cannot be read or written
  4   SPARQL endpoint or network error
  70  internal error (please report it; --traceback shows where)"""


class Context:
    def __init__(self, quiet: bool, traceback_: bool, config: str | None) -> None:
        self.quiet = quiet
        self.traceback = traceback_
        self.config_option = config
        self._config = None

    @property
    def config(self):
        if self._config is None:
            from kg.config import load_config

            self._config = load_config(self.config_option)
        return self._config

    def progress(self, message: str) -> None:
        if not self.quiet and sys.stderr.isatty():
            click.echo(f"\r\033[K{message}", err=True, nl=False)

    def status(self, message: str) -> None:
        """A status line on stderr (always, unless -q)."""
        if not self.quiet:
            if sys.stderr.isatty():
                click.echo("\r\033[K", err=True, nl=False)
            click.echo(message, err=True)

    def warn(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)


pass_ctx = click.make_pass_decorator(Context)


@click.group(epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("-q", "--quiet", is_flag=True, help="No progress or status on stderr (errors still show).")
@click.option("--traceback", "traceback_", is_flag=True, help="Show a Python traceback for errors.")
@click.option("--config", type=click.Path(dir_okay=False), envvar="KG_CONFIG",
              help="Configuration file (default: ./kg.toml, else the bundled one). Env: KG_CONFIG.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, traceback_: bool, config: str | None) -> None:
    """kg — Dutch government annual reports as linked data.

    Reads annual reports, extracts organisations, laws and bills, EU instruments, programmes and
    Kamerstukken with their source sentences, and keeps them as RDF in an embedded store that can be
    validated, queried, exported, published and served.
    """
    ctx.obj = Context(quiet, traceback_, config)


STORE_OPTION = click.option(
    "--store", "store", type=click.Path(file_okay=False), envvar="KG_STORE",
    help="Store folder (default ./kg-store). Env: KG_STORE.",
)


@cli.command()
@click.argument("reports", nargs=-1, type=click.Path(path_type=Path))
@STORE_OPTION
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@click.option("--force", is_flag=True, help="Rebuild every report, also the unchanged ones.")
@pass_ctx
def build(c: Context, reports: tuple[Path, ...], store: str | None, jobs: int | None, force: bool) -> None:
    """Read REPORTS (files or folders of .txt files) into the store.

    With no REPORTS, builds the reports listed in the configuration. One named graph per report;
    unchanged reports are skipped. Files that cannot be read are reported (exit 3) and the others
    are still built.
    """
    from kg.build import build as run_build
    from kg.build import expand_inputs
    from kg.store import store_path

    config = c.config
    paths = expand_inputs(list(reports)) if reports else [r.path for r in config.reports]
    result = run_build(paths, config=config, store_dir=store_path(store), jobs=jobs, force=force, progress=c.progress)
    for r in result.reports:
        for w in r.warnings:
            c.warn(w)
    for e in result.errors:
        click.echo(f"error: {e}", err=True)
    c.status(
        f"built {result.built} report(s), skipped {len(result.reports) - result.built} unchanged, "
        f"{len(result.errors)} failed; {result.triples} triples, "
        f"{sum(r.entities for r in result.reports)} entities in {result.store}"
    )
    if result.errors:
        sys.exit(3)


@cli.command()
@STORE_OPTION
@click.option("-f", "--format", "fmt", type=click.Choice(["turtle", "ntriples", "jsonld", "trig", "nquads"]),
              default="turtle", show_default=True, help="Serialisation.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@click.option("--ontology/--no-ontology", default=True, show_default=True, help="Include the ontology.")
@click.option("--release", "release", type=click.Path(file_okay=False, path_type=Path),
              help="Write a release folder instead: every format, ontology, shapes, queries, catalog.ttl, SHA256SUMS.")
@click.option("--download-base", help="With --release: the URL the release files are downloaded from "
              "(default: [catalog] download_base).")
@click.option("--sparql-endpoint", help="With --release: a public SPARQL endpoint to describe as a dcat:DataService.")
@click.option("--site", "site", type=click.Path(file_okay=False, path_type=Path),
              help="Write the linked-data pages and per-resource RDF files as a static site (see docs/serving.md).")
@click.option("--shapes", "dcat_shapes", type=click.Path(file_okay=False, path_type=Path),
              help="With --release: the DCAT-AP-NL 3.0 shapes folder (default: $KG_DCAT_SHAPES or "
              "../shared/standards/dcat-ap-nl-3.0).")
@pass_ctx
def export(c: Context, store: str | None, fmt: str, output: Path | None, ontology: bool, release: Path | None,
           download_base: str | None, sparql_endpoint: str | None, dcat_shapes: Path | None,
           site: Path | None = None) -> None:
    """Write the graph in the store as Turtle (canonical), N-Triples, JSON-LD, TriG or N-Quads.

    With --release DIR, write a whole release folder (see docs/publish.md); the previous release in DIR
    stays untouched unless the new one is complete and its catalogue conforms to DCAT-AP-NL 3.0.
    """
    from kg.export import Format, export_file, export_store
    from kg.store import open_store, store_path

    if site is not None:
        from kg.serve.site import export_site

        r = export_site(store_path(store), site, base=c.config.base_iri, progress=c.progress)
        c.status(f"wrote site {r.folder}: {r.pages} pages, {r.files} files"
                 + (f"; skipped {len(r.skipped)} unsafe or empty path(s)" if r.skipped else ""))
        return
    if release is not None:
        from kg.publish.release import build_release, find_dcat_shapes

        shapes = find_dcat_shapes(dcat_shapes)
        if shapes is None:
            c.warn("warning: DCAT-AP-NL 3.0 shapes not found; the catalogue is not checked (use --shapes DIR)")
        r = build_release(store_path(store), release, config=c.config, download_base=download_base,
                          sparql_endpoint=sparql_endpoint, shapes_dir=shapes, progress=c.progress)
        checked = f"conforms to DCAT-AP-NL 3.0 ({r.catalog_warnings} recommendation(s) not met)" \
            if r.catalog_checked else "catalogue not checked"
        c.status(f"wrote release {r.folder}: {len(r.files)} files + SHA256SUMS, {r.byte_size} bytes, "
                 f"{r.triples} triples in {len(r.graphs)} graph(s); {checked}")
        return
    folder = store_path(store)
    s = open_store(folder, read_only=True)
    if output is None:
        out = click.get_binary_stream("stdout")
        export_store(s, Format.from_name(fmt), out, with_ontology=ontology, folder=folder)
        out.flush()
    else:
        n = export_file(s, Format.from_name(fmt), output, with_ontology=ontology, folder=folder)
        c.status(f"wrote {output} ({n} bytes, {fmt})")


@cli.command()
@STORE_OPTION
@click.option("--missing/--no-missing", default=True, show_default=True,
              help="List the entities without an official identifier.")
@pass_ctx
def stats(c: Context, store: str | None, missing: bool) -> None:
    """Counts per class and kind, and the entities still lacking an official identifier."""
    from kg.stats import stats as run_stats
    from kg.store import store_path

    s = run_stats(store_path(store))
    click.echo(f"{s.reports} report graph(s), {s.triples} triples\n")
    click.echo(f"{'class':<28} {'kind':<24} {'entities':>8} {'with id':>8}")
    for row in s.counts:
        click.echo(f"{row.cls:<28} {row.kind:<24} {row.entities:>8} {row.with_identifier:>8}")
    if missing:
        click.echo(f"\nwithout an official identifier ({len(s.missing)}):")
        for m in s.missing:
            click.echo(f"  {m.cls:<26} {m.label}  ({m.mentions} mention(s))  <{m.iri}>")


@cli.command()
@STORE_OPTION
@click.option("--endpoint", required=True, envvar="KG_PUBLISH_ENDPOINT",
              help="The server: its root URL or its SPARQL query endpoint. Env: KG_PUBLISH_ENDPOINT.")
@click.option("--engine", type=click.Choice(["auto", "oxigraph", "virtuoso", "fuseki", "generic"]), default="auto",
              show_default=True, help="The server software (decides the endpoint paths; auto asks the server).")
@click.option("--graph", "graphs", multiple=True, metavar="IRI",
              help="Publish only this report graph (repeatable; default: every graph in the store).")
@click.option("--user", envvar="KG_PUBLISH_USER", help="User name for the server. Env: KG_PUBLISH_USER.")
@click.option("--password", envvar="KG_PUBLISH_PASSWORD",
              help="Password (prefer the env var KG_PUBLISH_PASSWORD: command lines are visible to others).")
@click.option("--timeout", type=click.FloatRange(1, 3600), default=60, show_default=True, help="Seconds per request.")
@pass_ctx
def publish(c: Context, store: str | None, endpoint: str, engine: str, graphs: tuple[str, ...], user: str | None,
            password: str | None, timeout: float) -> None:
    """Upload the store to a SPARQL server (Graph Store Protocol), one named graph per report.

    Replaces the graphs (publishing twice changes nothing), then reads the triple counts back and prints
    them. A server or network failure exits with 4; where the server has a SPARQL update endpoint no
    report graph is changed by a failed publish.
    """
    import time

    from kg.publish.gsp import Credentials, publish as run_publish, probe_engine
    from kg.store import store_path

    if bool(user) != bool(password):
        raise click.UsageError("--user and --password go together")
    creds = Credentials(user, password) if user and password else None
    eng = probe_engine(endpoint, kind=engine, authenticated=creds is not None, timeout=timeout)
    started = time.monotonic()
    result = run_publish(store_path(store), engine=eng, credentials=creds, graphs=list(graphs) or None,
                         timeout=timeout, progress=c.progress)
    for g in result.graphs:
        click.echo(f"{g.iri}\t{g.remote_triples}")
    c.status(f"published {len(result.graphs)} graph(s), {result.triples} triples verified on {eng.describe()} "
             f"in {time.monotonic() - started:.1f}s")


@cli.command()
@click.argument("data", nargs=-1, type=click.Path(path_type=Path))
@STORE_OPTION
@click.option("--shapes", "shapes", type=click.Path(exists=True, path_type=Path),
              help="Shapes folder or file (default: the bundled shapes/; with --catalog: the DCAT-AP-NL 3.0 shapes).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "turtle", "json", "junit", "github"]),
              default="text", show_default=True, help="Report format: text for people, turtle (SHACL report), "
              "json, junit or github (workflow annotations) for CI.")
@click.option("--severity", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="The least severe finding that fails the run (exit 1).")
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="sparql: shapes compiled to SPARQL on pyoxigraph (fast); pyshacl: the reference engine.")
@click.option("--catalog", is_flag=True, help="Check DATA as a DCAT catalogue against DCAT-AP-NL 3.0.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@pass_ctx
def validate(c: Context, data: tuple[Path, ...], store: str | None, shapes: Path | None, fmt: str, severity: str,
             engine: str, catalog: bool, output: Path | None) -> None:
    """Check DATA files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML), or the store, against the shapes.

    Exit 0 when nothing at --severity or worse is found, 1 when something is, 3 when a file is missing or
    does not parse (never 1). See docs/validation.md.
    """
    from kg import validate as v

    threshold = v.Severity.from_name(severity)
    if catalog:
        if not data:
            raise click.UsageError("--catalog needs the catalogue file(s) as DATA")
        report = v.validate_catalog_files(list(data), shapes_dir=shapes)
    elif data:
        report = v.validate(list(data), shapes=shapes, engine=engine)
    else:
        from kg.store import open_store, store_path

        report = v.validate(open_store(store_path(store), read_only=True), shapes=shapes, engine=engine)
    text = v.render(report, fmt, threshold=threshold, data_label=str(data[0]) if len(data) == 1 else None)
    if output is None:
        click.echo(text, nl=False)
    else:
        from kg.export import write_atomic

        write_atomic(output, text)
    counts = ", ".join(f"{report.count(s)} {s.name.lower()}" for s in reversed(v.Severity))
    c.status(f"{'does not conform' if report.fails(threshold) else 'conforms'}: {counts} ({report.engine})")
    if report.fails(threshold):
        sys.exit(1)


RESULT_FORMATS = click.Choice(["table", "csv", "tsv", "json", "xml"])


def _backend(store: str | None, endpoint: str | None, timeout: float, user: str | None, password: str | None):
    from kg.query import Endpoint, LocalStore
    from kg.store import store_path

    if endpoint:
        return Endpoint(endpoint, timeout=timeout, user=user, password=password)
    return LocalStore(store_path(store))


def _endpoint_options(f):
    f = click.option("--password", envvar="KG_ENDPOINT_PASSWORD", help="Password for the endpoint. Env: KG_ENDPOINT_PASSWORD.")(f)
    f = click.option("--user", envvar="KG_ENDPOINT_USER", help="User for the endpoint. Env: KG_ENDPOINT_USER.")(f)
    f = click.option("--timeout", type=click.FloatRange(0.1, 3600), default=60.0, show_default=True,
                     help="Seconds to wait for the endpoint.")(f)
    f = click.option("--endpoint", metavar="URL", help="Ask this SPARQL 1.1 endpoint instead of the local store.")(f)
    return f


@cli.command("query")
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the query (repeatable).")
@STORE_OPTION
@_endpoint_options
@click.option("-f", "--format", "fmt", type=RESULT_FORMATS, default="table", show_default=True,
              help="table for a terminal; json and xml are the SPARQL 1.1 results formats.")
def query(name: str, params: tuple[str, ...], store, endpoint, timeout, user, password, fmt: str) -> None:
    """Answer a canned question: `kg query NAME --param KEY=VALUE`; `kg query list` lists them."""
    from kg.errors import UsageError
    from kg.query import list_queries, render, run_query

    if name == "list":
        for q in list_queries():
            click.echo(f"{q.name}\n    {q.title}")
            for p in q.parameters:
                need = "required" if p.required else "optional"
                click.echo(f"    --param {p.name}=<{p.type}>  ({need}; e.g. {p.example}) {p.description}".rstrip())
        return
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param takes KEY=VALUE, not {item!r}")
        values[key] = value
    result = run_query(name, _backend(store, endpoint, timeout, user, password), params=values)
    click.echo(render(result, fmt), nl=False)


@cli.command("sparql")
@click.argument("text")
@STORE_OPTION
@_endpoint_options
@click.option("-f", "--format", "fmt", type=RESULT_FORMATS, default="table", show_default=True)
def sparql(text: str, store, endpoint, timeout, user, password, fmt: str) -> None:
    """Run any SELECT or ASK query: TEXT, or @FILE.rq to read it from a file.

    A syntax error is a usage error (exit 2) naming FILE:LINE:COLUMN.
    """
    from kg.errors import InputError
    from kg.query import render, run_sparql

    if text.startswith("@"):
        path = Path(text[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise InputError(f"cannot read the query: {err.strerror}", path=str(path)) from None
        source = str(path)
    else:
        source = "query"
    result = run_sparql(text, _backend(store, endpoint, timeout, user, password), source=source)
    click.echo(render(result, fmt), nl=False)


@cli.command()
@STORE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--base", help="Base IRI of the data (default: base_iri from the configuration); the request path "
              "/id/x is the IRI {base}/id/x.")
@click.option("--timeout", "query_timeout", type=click.FloatRange(0.1, 3600), default=10.0, show_default=True,
              envvar="KG_SPARQL_TIMEOUT", help="Time limit per SPARQL query, seconds. Env: KG_SPARQL_TIMEOUT.")
@click.option("--max-results", type=click.IntRange(1), default=10_000, show_default=True, envvar="KG_SPARQL_MAX_RESULTS",
              help="Most rows (or triples) a query answers. Env: KG_SPARQL_MAX_RESULTS.")
@click.option("--workers", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Query worker processes for the SPARQL endpoint and the canned queries.")
@click.option("--max-memory", type=click.IntRange(0), default=1024, show_default=True, envvar="KG_SPARQL_MAX_MEMORY",
              help="Memory cap of each query worker, MB (0: none); a query past it is stopped with 503. "
              "Env: KG_SPARQL_MAX_MEMORY.")
@click.option("--max-request", type=click.IntRange(1024), default=1_000_000, show_default=True,
              help="Most bytes of a request body (413 beyond) and of a query string (414 beyond).")
@pass_ctx
def serve(c: Context, store: str | None, host: str, port: int, base: str | None, query_timeout: float,
          max_results: int, workers: int, max_memory: int, max_request: int) -> None:
    """Serve the store as linked data: pages, RDF by content negotiation, search, canned queries, /sparql.

    Every IRI under the base resolves: /id/... answers 303 to /doc/..., served as HTML, Turtle, JSON-LD,
    N-Triples or RDF/XML (Accept header, a suffix such as .ttl, or ?format=). See docs/serving.md.
    """
    import logging

    from kg.serve.app import App, make_http_server
    from kg.store import store_path

    if 0 < max_memory < 128:  # an idle worker alone uses about 80 MB
        raise click.BadParameter("give 0 (no cap) or at least 128 MB", param_hint="--max-memory")
    logging.basicConfig(level=logging.WARNING if c.quiet else logging.INFO, format="%(message)s")
    app = App(store_path(store), base=base or c.config.base_iri, timeout=query_timeout, max_results=max_results,
              pool_size=workers, max_memory_mb=max_memory, max_request=max_request)
    try:
        httpd = make_http_server(app, host, port)
    except OSError as err:
        app.close()
        from kg.errors import UsageError

        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    c.status(f"serving {app.base} at http://{host}:{httpd.server_address[1]}/ (Ctrl-C stops)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
        app.close()


def main() -> None:
    """Entry point: run the CLI and map errors to exit codes."""
    show_tb = "--traceback" in sys.argv
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(EXIT_USAGE if isinstance(e, click.UsageError) else e.exit_code)
    except KgError as e:
        if show_tb:
            traceback.print_exc()
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as e:  # the file system said no (not a folder, no permission, disk full): not a bug
        if show_tb:
            traceback.print_exc()
        where = f"{e.filename}: " if e.filename else ""
        click.echo(f"error: {where}{e.strerror or e}", err=True)
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as e:  # a bug: say so, and how to see more
        if show_tb:
            traceback.print_exc()
        click.echo(f"internal error: {type(e).__name__}: {e}\n  (run with --traceback for details)", err=True)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
