#!/usr/bin/env python3
"""Quire's heavy runs: too long for every CI run, run before a release and after changes to the data or HTTP layers.

  sqlmap  Debian's sqlmap at --level 5 --risk 3 over every input of every API route: each query parameter, JSON
          field and path id, the Authorization, Idempotency-Key and If-None-Match headers, and (level 5 adds them)
          the User-Agent, Referer, Cookie and Host headers. Each route runs with a time limit; the verdict per route
          says whether sqlmap found anything, which parameters it finished ("does not seem to be injectable"), which
          candidates it raised and rejected itself as false positives, and what the time limit cut short. A
          confirmed injection, a candidate left unchecked, a database error message in an answer or a 500 fails
          the run.
  soak    bench/mixed.lua (the mixed traffic of MixedLoadIT: every kind of request, only designed answers) for 30
          minutes against one instance with the JVM options docs/DEPLOY.md recommends, sampling every 30 s the server's
          live heap (the total of jcmd's class histogram, taken after a full collection), its threads
          (/proc/PID/status), open file descriptors (/proc/PID/fd) and RSS. Verdict: flat when the average of the
          last sixth of the run (minutes 25-30) is within 10 % of the average of minutes 5-10 (after warm-up) for
          each, plus a small absolute allowance (heap 4 MiB, threads 8, descriptors 16, RSS 16 MiB) so that tiny
          numbers do not fail on noise;
          the run also fails on any transport error, 5xx or undesigned answer.

Both start target/quire.war on the Jetty 12 distribution (as bench/run does; on H2 unless --db postgres) with the
general rate limit off. Figures go to target/heavy/ (sqlmap output per route, soak samples as TSV, a summary).

Usage: bench/heavy [sqlmap|soak|all|sqlmap-report] [--minutes 30] [--connections 32] [--delay-ms 0]
                   [--sample-seconds 30] [--route-minutes 10] [--parallel 2] [--routes a,b] [--db h2|postgres]
                   [--skip-build]
Needs: Java 17, Maven, wrk, sqlmap (Debian: apt-get install wrk sqlmap), jcmd (the JDK).
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.dont_write_bytecode = True  # no __pycache__ in bench/
import bench  # noqa: E402  (bench.py: the build, the server on Jetty, the databases, HTTP helpers)

ROOT = bench.ROOT
OUT = ROOT / "target" / "heavy"
MIXED = ROOT / "bench" / "mixed.lua"
PASSWORD = bench.PASSWORD
SETTINGS = {"QUIRE_RATE_LIMIT": "0", "QUIRE_SIGNIN_LIMIT": "10000", "QUIRE_SIGNUP_LIMIT": "10000",
            "QUIRE_DEMO_DATA": "false"}
# sqlmap's words for an injection it confirmed, and for a DBMS error message it saw in an answer
FINDINGS = [re.compile(p, re.I) for p in [
    r"identified the following injection point", r"\bis vulnerable\b", r"parameter '[^']+' might be injectable"]]
# a candidate: sqlmap then checks it and, if it does not hold, says "false positive or unexploitable injection point
# detected" and "does not seem to be injectable"; a candidate without that conclusion counts as a finding
CANDIDATE = re.compile(r"parameter '([^']+)' (?:appears to be|is) '([^']+)' injectable")
NOT_INJECTABLE = re.compile(r"parameter '([^']+)' does not seem to be injectable")
TESTING = re.compile(r"testing (?:for SQL injection on|if) [^']*parameter '([^']+)'")
# the flatness rule (see the docstring): relative tolerance, then absolute allowances per figure
TOLERANCE = 0.10
ALLOWANCE = {"heap_mib": 4, "threads": 8, "fds": 16, "rss_mib": 16}


def main():
    # SIGTERM (and SIGINT, which a shell's background job ignores) end the run through the clean-ups: the server
    # stopped, wrk and sqlmap killed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="?", choices=["sqlmap", "soak", "all", "sqlmap-report"], default="all",
                        help="sqlmap-report: the sqlmap verdicts again from the output kept under target/heavy/")
    parser.add_argument("--db", choices=["h2", "postgres"], default="h2")
    parser.add_argument("--minutes", type=float, default=30, help="the soak's length")
    parser.add_argument("--connections", type=int, default=32, help="the soak's wrk connections")
    parser.add_argument("--delay-ms", type=int, default=0,
                        help="each soak connection waits this long between requests (0: as fast as answered)")
    parser.add_argument("--sample-seconds", type=int, default=30)
    parser.add_argument("--route-minutes", type=float, default=10, help="sqlmap's time limit per route")
    parser.add_argument("--parallel", type=int, default=2, help="sqlmap processes at once")
    parser.add_argument("--routes", help="comma-separated subset of the sqlmap routes")
    parser.add_argument("--skip-build", action="store_true", help="use the existing target/quire.war")
    args = parser.parse_args()
    if args.what == "sqlmap-report":
        sys.exit(0 if rereport_sqlmap(args) else 1)
    needed = ["wrk", "java", "mvn", "jcmd"] + (["sqlmap"] if args.what != "soak" else [])
    for tool in needed:
        if shutil.which(tool) is None:
            sys.exit(f"heavy: {tool} is missing (Debian: apt-get install wrk sqlmap openjdk-17-jdk-headless maven)")
    if not args.skip_build or not (ROOT / "target" / "quire.war").exists() or not bench.JETTY_HOME.exists():
        bench.log("Building target/quire.war and unpacking Jetty 12 (mvn package, dependency:unpack)")
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package", "dependency:unpack@unpack-containers"],
                       cwd=ROOT, check=True)
    OUT.mkdir(parents=True, exist_ok=True)
    bench.OUT.mkdir(parents=True, exist_ok=True)
    failed = False
    if args.what in ("sqlmap", "all"):
        failed |= not run_sqlmap(args)
    if args.what in ("soak", "all"):
        failed |= not run_soak(args)
    sys.exit(1 if failed else 0)


def call(port, method, path, body=None, token=None, expect=None):
    status, data, response = bench.request(port, method, path, body,
                                           {"Authorization": "Bearer " + token} if token else None)
    if expect is not None and status != expect:
        sys.exit(f"heavy: {method} {path} answered {status}, not {expect}: {data}")
    return data, response


def seed(port):
    """Four accounts with five todos each, 24 books, every account's review of the first three: the mixed traffic's
    fixture (as MixedLoadIT makes it), and the ids the sqlmap routes need."""
    callers = []
    for n in range(4):
        email = f"heavy-{n}-{time.time_ns()}@example.com"
        call(port, "POST", "/api/accounts", {"email": email, "password": PASSWORD, "displayName": f"Heavy {n}"},
             expect=201)
        session, _ = call(port, "POST", "/api/sessions", {"email": email, "password": PASSWORD}, expect=201)
        callers.append({"email": email, "token": session["token"], "account": session["accountId"]})
    todos = []
    for n, caller in enumerate(callers):
        for i in range(5):
            todo, _ = call(port, "POST", "/api/todos", {"title": f"Seeded {i}"}, caller["token"], 201)
            todos.append((n, todo["id"], todo["version"]))
    words = ["Silver", "Hidden", "Quiet", "Golden", "Frozen", "Garden", "River", "Empire", "Machine", "Tower"]
    book_ids = []
    for i in range(24):
        title = f"The {words[i % 5]} {words[5 + i // 5 % 5]} {chr(ord('A') + i)}volume"
        book, _ = call(port, "POST", "/api/books", {"title": title, "author": "Ann Author", "year": 1950 + i,
                                                    "genre": "Fantasy"}, callers[0]["token"], 201)
        book_ids.append(book["id"])
    reviews = []
    for book in book_ids[:3]:
        first = None
        for caller in callers:
            review, _ = call(port, "POST", f"/api/books/{book}/reviews", {"rating": 4, "text": "Seeded"},
                             caller["token"], 201)
            first = first or review["id"]
        reviews.append(f"{book}/{first}")
    books = [f"{book}:{call(port, 'GET', '/api/books/' + book, expect=200)[0]['version']}" for book in book_ids]
    return {"callers": callers, "todos": todos, "book_ids": book_ids, "reviews": reviews,
            "wrk_args": ["tokens=" + ",".join(c["token"] for c in callers),
                         "todos=" + ",".join(f"{n}:{i}:{v}" for n, i, v in todos),
                         "books=" + ",".join(books), "reviews=" + ",".join(reviews),
                         "email=" + callers[0]["email"], "password=" + PASSWORD]}


# ---------------------------------------------------------------------------------------------------------- sqlmap

def sqlmap_routes(port, fixture):
    """Every API route with every input it takes. Path ids and headers carry sqlmap's '*' marker; with a marker
    sqlmap tests only the marked places, so a route's body and its marked path or header are separate runs."""
    a, b = fixture["callers"][0], fixture["callers"][1]
    auth = ["-H", f"Authorization: Bearer {a['token']}"]
    todo = fixture["todos"][0][1]
    book = fixture["book_ids"][3]
    reviewed_book, review = fixture["reviews"][0].split("/")
    # throwaway things for the deleting routes and the password change (whose original request succeeds once)
    doomed_todo, _ = call(port, "POST", "/api/todos", {"title": "Doomed"}, a["token"], 201)
    doomed_book, _ = call(port, "POST", "/api/books", {"title": "Doomed Book", "author": "Ann Author"}, a["token"],
                          201)
    own_review, _ = call(port, "POST", f"/api/books/{book}/reviews", {"rating": 2}, b["token"], 201)
    changer = f"heavy-changer-{time.time_ns()}@example.com"
    call(port, "POST", "/api/accounts", {"email": changer, "password": PASSWORD, "displayName": "Changer"}, expect=201)
    changer_session, _ = call(port, "POST", "/api/sessions", {"email": changer, "password": PASSWORD}, expect=201)
    first_page, _ = call(port, "GET", "/api/todos?completed=false&q=seeded&sort=title&limit=1", token=a["token"],
                         expect=200)
    cursor = first_page["nextCursor"]
    book_json = {"title": "Probe Book", "author": "Probe Author", "year": 1999, "genre": "Essays",
                 "isbn": "9780306406157"}
    todo_json = {"title": "Probe", "completed": False, "order": 1}
    # 401 makes sqlmap stop unless told to ignore it: routes where a probe may be refused as a wrong password or token
    ignore_401 = ["--ignore-code", "401"]
    return [
        ("books-search", "GET", "/api/books?q=silver&author=Ann+Author&genre=Fantasy&year_min=1900&year_max=2000"
                                "&sort=title&page=1&per_page=20", None, []),
        ("book-get", "GET", f"/api/books/{book}*", None, []),
        ("book-get-if-none-match", "GET", f"/api/books/{book}", None, ["-H", 'If-None-Match: "1"*']),
        ("book-create", "POST", "/api/books", book_json, auth),
        ("book-replace", "PUT", f"/api/books/{book}", book_json | {"isbn": "9780306406164"}, auth),
        ("book-patch", "PATCH", f"/api/books/{book}", {"genre": "Poetry", "year": 2001}, auth),
        # the first request deletes; every later one is a 404, which makes sqlmap skip the route unless told not to
        ("book-delete", "DELETE", f"/api/books/{doomed_book['id']}*", None, auth + ["--ignore-code", "404"]),
        ("reviews-list", "GET", f"/api/books/{reviewed_book}/reviews?page=1&per_page=10", None, []),
        ("review-get", "GET", f"/api/books/{reviewed_book}*/reviews/{review}*", None, []),
        ("review-create", "POST", f"/api/books/{book}/reviews", {"rating": 4, "text": "Probe"}, auth),
        ("review-delete", "DELETE", f"/api/books/{book}*/reviews/{own_review['id']}*", None,
         ["-H", f"Authorization: Bearer {b['token']}", "--ignore-code", "404"]),
        ("sign-up", "POST", "/api/accounts", {"email": "probe@example.com", "password": PASSWORD,
                                              "displayName": "Probe"}, []),
        ("sign-in", "POST", "/api/sessions", {"email": a["email"], "password": PASSWORD}, ignore_401),
        ("account-get", "GET", f"/api/accounts/{a['account']}*", None, auth),
        ("account-patch", "PATCH", "/api/accounts/me", {"displayName": "Probe"}, auth),
        ("password-change", "PUT", "/api/accounts/me/password",
         {"currentPassword": PASSWORD, "newPassword": "another correct horse staple"},
         ["-H", f"Authorization: Bearer {changer_session['token']}"] + ignore_401),
        ("session-token", "GET", "/api/sessions/me", None, ["-H", f"Authorization: Bearer {a['token']}*"] + ignore_401),
        ("todos-list", "GET", f"/api/todos?completed=false&q=seeded&sort=title&limit=1&cursor={cursor}", None, auth),
        ("todos-clear-completed", "DELETE", "/api/todos?completed=true", None, auth),
        ("todo-get", "GET", f"/api/todos/{todo}*", None, auth),
        ("todo-create", "POST", "/api/todos", todo_json, auth),
        ("todo-create-idempotency-key", "POST", "/api/todos", todo_json, auth + ["-H", "Idempotency-Key: probe-1*"]),
        ("todo-replace", "PUT", f"/api/todos/{todo}", todo_json | {"completed": True}, auth),
        ("todo-patch", "PATCH", f"/api/todos/{todo}", {"title": "Patched", "completed": True}, auth),
        ("todo-delete", "DELETE", f"/api/todos/{doomed_todo['id']}*", None, auth + ["--ignore-code", "404"]),
    ]


def sqlmap_once(port, name, method, path, body, options, minutes):
    out = OUT / "sqlmap" / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    command = ["sqlmap", "-u", f"http://127.0.0.1:{port}{path}", "--method", method, "--batch", "--level", "5",
               "--risk", "3", "--flush-session", "--disable-coloring", "--output-dir", str(out)] + options
    if body is not None:
        command += ["--data", json.dumps(body)]
    started = time.time()
    with open(out / "stdout.txt", "w") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            process.wait(timeout=minutes * 60)
            cut = False
        except subprocess.TimeoutExpired:
            cut = True
        finally:
            if process.poll() is None:
                os.killpg(process.pid, 9)
                process.wait()
    output = (out / "stdout.txt").read_text(errors="replace")
    verdict = verdict_of(name, f"{method} {path.split('?')[0]}", output, round(time.time() - started), cut)
    (out / "verdict.json").write_text(json.dumps(verdict, indent=2))
    bench.log(f"sqlmap {name}: {'FOUND ' + '; '.join(verdict['findings']) if verdict['findings'] else 'nothing found'}"
              f"; finished {len(verdict['not_injectable'])} ({', '.join(verdict['not_injectable'])}), unfinished "
              f"{verdict['unfinished'] or 'none'}{', cut by the time limit' if cut else ''}, {verdict['seconds']} s")
    return verdict


def verdict_of(name, request, output, seconds, cut):
    """What sqlmap's output says about one route."""
    finished = sorted(set(NOT_INJECTABLE.findall(output)))
    rejected = sorted({f"{p}: {t}" for p, t in CANDIDATE.findall(output) if p in finished})
    findings = sorted({m.group(0) for f in FINDINGS for m in f.finditer(output)}
                      | {f"unconfirmed candidate {p}: {t}" for p, t in CANDIDATE.findall(output) if p not in finished})
    started_params = list(dict.fromkeys(TESTING.findall(output)))
    return {"route": name, "request": request, "seconds": seconds, "findings": findings, "not_injectable": finished,
            "rejected_candidates": rejected, "unfinished": [p for p in started_params if p not in finished],
            "cut_by_limit": cut, "concluded_none": "all tested parameters do not appear to be injectable" in output,
            "http_500_reported": len(re.findall(r"500 \(Internal Server Error\)", output))}


def run_sqlmap(args):
    db_name = args.db
    with bench.Database(db_name) as db, bench.Server(db.url, f"heavy-sqlmap-{db_name}", [], SETTINGS) as server:
        fixture = seed(server.port)
        routes = sqlmap_routes(server.port, fixture)
        if args.routes:
            wanted = set(args.routes.split(","))
            routes = [r for r in routes if r[0] in wanted]
        bench.log(f"sqlmap --level 5 --risk 3 over {len(routes)} routes, {args.parallel} at a time, "
                  f"at most {args.route_minutes} min each")
        with ThreadPoolExecutor(args.parallel) as pool:
            verdicts = list(pool.map(lambda r: sqlmap_once(server.port, *r, args.route_minutes), routes))
    return report_sqlmap(merged(verdicts), db_name, args.route_minutes)


def merged(verdicts):
    """These verdicts, and those kept from earlier runs of the other routes (a run of a few routes adds to them)."""
    fresh = {v["route"] for v in verdicts}
    kept = [json.loads(f.read_text()) for f in sorted((OUT / "sqlmap").glob("*/verdict.json"))]
    return verdicts + [v for v in kept if v["route"] not in fresh]


def report_sqlmap(verdicts, db_name, route_minutes):
    lines = [f"sqlmap --level 5 --risk 3, {time.strftime('%Y-%m-%d %H:%M')}, {db_name}, at most "
             f"{route_minutes} min per route", "",
             "| route | request | verdict | parameters finished: not injectable | candidates sqlmap rejected as false "
             "positives | unfinished at the time limit | s |", "|---|---|---|---|---|---|---|"]
    for v in verdicts:
        verdict = "FOUND: " + "; ".join(v["findings"]) if v["findings"] else "nothing found"
        if v["http_500_reported"]:
            verdict += f" (HTTP 500 reported {v['http_500_reported']}x)"
        lines.append(f"| {v['route']} | `{v['request']}` | {verdict} | {', '.join(v['not_injectable'])} | "
                     f"{'; '.join(v['rejected_candidates'])} | {', '.join(v['unfinished']) if v['cut_by_limit'] else ''}"
                     f" | {v['seconds']} |")
    summary = "\n".join(lines)
    print("\n" + summary)
    (OUT / "sqlmap.md").write_text(summary + "\n")
    (OUT / "sqlmap.json").write_text(json.dumps(verdicts, indent=2))
    bench.log(f"Wrote {OUT / 'sqlmap.md'}")
    return not any(v["findings"] or v["http_500_reported"] for v in verdicts)


def rereport_sqlmap(args):
    """The verdicts again from the kept output (target/heavy/sqlmap/*/stdout.txt and sqlmap.json), without running."""
    earlier = json.loads((OUT / "sqlmap.json").read_text()) if (OUT / "sqlmap.json").exists() else []
    earlier = {v["route"]: v for v in earlier}
    for f in sorted((OUT / "sqlmap").glob("*/verdict.json")):
        verdict = json.loads(f.read_text())
        earlier[verdict["route"]] = verdict
    earlier = list(earlier.values())
    verdicts = [verdict_of(v["route"], v["request"], (OUT / "sqlmap" / v["route"] / "stdout.txt").read_text(
        errors="replace"), v["seconds"], v["cut_by_limit"]) for v in earlier]
    return report_sqlmap(verdicts, args.db, args.route_minutes)


# ------------------------------------------------------------------------------------------------------------ soak

def sample(pid, started):
    """Live heap (MiB), threads, open descriptors, RSS (MiB), at seconds since start.

    The live heap is the total of jcmd's class histogram, which makes a full collection first and then counts what
    survived it: the objects in use, whatever the collector was doing. (The old generation's use read with jstat
    right after jcmd GC.run swung by 25 MiB from one sample to the next: young collections between the two commands
    promote what is in flight, a 7 MiB password hash among it.)"""
    histogram = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], check=True, capture_output=True,
                               text=True).stdout
    heap_kib = int(re.search(r"^Total\s+\d+\s+(\d+)", histogram, re.M).group(1)) / 1024
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    threads = int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1))
    rss_kib = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return {"second": round(time.time() - started), "heap_mib": round(heap_kib / 1024, 1), "threads": threads,
            "fds": fds, "rss_mib": round(rss_kib / 1024, 1)}


def flatness(samples, duration):
    """Compares the last sixth of the run with the window from a sixth to a third (minutes 5-10 of 30)."""
    reference = [s for s in samples if duration / 6 <= s["second"] <= duration / 3]
    final = [s for s in samples if s["second"] >= duration * 5 / 6]
    if not reference or not final:
        return {"flat": False, "why": "too few samples for the windows"}
    figures = {}
    flat = True
    for key, allowance in ALLOWANCE.items():
        before = sum(s[key] for s in reference) / len(reference)
        after = sum(s[key] for s in final) / len(final)
        ok = after <= before * (1 + TOLERANCE) + allowance
        flat &= ok
        figures[key] = {"reference": round(before, 1), "final": round(after, 1),
                        "change_percent": round(100 * (after - before) / before, 1) if before else None, "flat": ok}
    return {"flat": flat, "figures": figures}


def soak_samples(wrk, pid, args):
    """Samples every --sample-seconds while wrk runs, written to target/heavy/soak.tsv as they come; wrk's output."""
    started = time.time()
    samples = [sample(pid, started)]
    tsv = open(OUT / "soak.tsv", "w")
    tsv.write("second\theap_mib\tthreads\tfds\trss_mib\n")

    def write(s):
        tsv.write(f"{s['second']}\t{s['heap_mib']}\t{s['threads']}\t{s['fds']}\t{s['rss_mib']}\n")
        tsv.flush()

    write(samples[0])
    while wrk.poll() is None:
        time.sleep(max(0.0, started + len(samples) * args.sample_seconds - time.time()))
        if wrk.poll() is not None:
            break
        samples.append(sample(pid, started))
        write(samples[-1])
        if len(samples) % 10 == 0:
            bench.log(f"soak {samples[-1]}")
    output = wrk.stdout.read()
    samples.append(sample(pid, started))
    write(samples[-1])
    tsv.close()
    return samples, output


def run_soak(args):
    duration = int(args.minutes * 60)
    with bench.Database(args.db) as db, bench.Server(db.url, f"heavy-soak-{args.db}", [], SETTINGS) as server:
        fixture = seed(server.port)
        pid = server.process.pid
        bench.log(f"Soak: bench/mixed.lua, {args.connections} connections, {args.minutes} min, delay "
                  f"{args.delay_ms} ms, sampling every {args.sample_seconds} s (server pid {pid})")
        command = ["wrk", "-t1", f"-c{args.connections}", f"-d{duration}s", "--timeout", "30s", "-s", str(MIXED),
                   f"http://127.0.0.1:{server.port}", "--"] + fixture["wrk_args"] + [f"delay={args.delay_ms}"]
        wrk = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            samples, output = soak_samples(wrk, pid, args)
        finally:
            wrk.kill()
    match = re.search(r"^MIXED (\{.*\})$", output, re.M)
    if not match:
        sys.exit("heavy: wrk failed:\n" + output)
    traffic = json.loads(match.group(1))
    errors = sum(traffic["errors"].values())
    server_errors = {f"{kind} {status}": n for kind, statuses in traffic["counts"].items()
                     for status, n in statuses.items() if int(status) >= 500}
    verdict = flatness(samples, duration)
    ok = verdict["flat"] and errors == 0 and not server_errors and traffic["unexpected"] == 0
    seconds = traffic["duration_us"] / 1e6
    lines = [f"Soak, {time.strftime('%Y-%m-%d %H:%M')}: bench/mixed.lua, {args.connections} connections, "
             f"{args.minutes} min, {args.db}, JVM {' '.join(bench.JVM_OPTIONS)}", "",
             f"- traffic: {traffic['requests']:,} requests ({traffic['requests'] / seconds:.0f}/s), p50 "
             f"{traffic['latency_us']['p50'] / 1000:.1f} ms, p99 {traffic['latency_us']['p99'] / 1000:.1f} ms, max "
             f"{traffic['latency_us']['max'] / 1000:.0f} ms; socket errors {errors}, 5xx {server_errors or 0}, "
             f"undesigned answers {traffic['unexpected']} {traffic['examples'] or ''}",
             f"- first sample: {samples[0]}", f"- last sample: {samples[-1]}",
             f"- verdict: {'FLAT' if verdict['flat'] else 'NOT FLAT'} "
             f"(last sixth vs minutes {args.minutes / 6:g}-{args.minutes / 3:g}, within {TOLERANCE:.0%} + "
             f"{ALLOWANCE}): {json.dumps(verdict.get('figures', verdict.get('why')))}",
             f"- run {'PASSED' if ok else 'FAILED'}; samples in {OUT / 'soak.tsv'}",
             f"- answers by kind: {json.dumps(traffic['counts'], sort_keys=True)}"]
    summary = "\n".join(lines)
    print("\n" + summary)
    (OUT / "soak.md").write_text(summary + "\n")
    return ok


if __name__ == "__main__":
    main()
