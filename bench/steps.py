#!/usr/bin/env python3
"""What each filter and each step of a request costs, from a profile that bench/run --profile recorded.

Each sample of the collapsed stacks (async-profiler's CPU samples of the whole process: request threads, the log
writer, Jetty's selector, the collector, the JIT) is given to the innermost step its stack is in: a filter's own
share is what it spends before and after calling the next one. Multiplied by the scenario's CPU time per request,
the shares become microseconds.

Usage: bench/steps.py target/bench/h2-get-todo.collapsed [CPU_US_PER_REQUEST] [--compare OTHER.collapsed OTHER_CPU]
"""
import argparse
import collections

# (step, a frame that marks it), outermost first: a sample belongs to the last step whose frame its stack has
STEPS = [
    ("filter: request id", "dev/quire/http/RequestIdFilter.doFilter"),
    ("filter: metrics", "dev/quire/metrics/RequestMetricsFilter"),
    ("filter: access log", "dev/quire/http/AccessLogFilter"),
    ("filter: security headers", "dev/quire/http/SecurityHeadersFilter.doFilter"),
    ("filter: forwarded headers", "dev/quire/http/ForwardedHeadersFilter.doFilter"),
    ("filter: CORS", "dev/quire/http/CorsFilter.doFilter"),
    ("filter: rate limits", "dev/quire/http/RateLimitFilter.doFilter"),
    ("filter: body limit", "dev/quire/http/BodyLimitFilter.doFilter"),
    ("filter: media types", "dev/quire/http/MediaTypeFilter.doFilter"),
    ("filter: bearer token (session or key lookup)", "dev/quire/http/AuthTokenFilter.doFilter"),
    ("filter: idempotency", "dev/quire/http/IdempotencyFilter.doFilter"),
    ("filter: web root", "dev/quire/http/WebRootFilter.doFilter"),
    ("Jersey: matching, injection, filters", "org/glassfish/jersey/servlet/ServletContainer.doFilter"),
    ("resource method (service, store)", "org/glassfish/jersey/server/model/ResourceMethodInvoker.invoke"),
    ("Jersey + Jackson: writing the answer", "org/glassfish/jersey/server/ServerRuntime$Responder.process"),
    ("database: H2 (inside the above)", "org/h2/"),
    ("database: JDBC driver and pool", "com/zaxxer/hikari/"),
    ("log writer thread (encoding, stdout)", "dev/quire/BatchingAsyncAppender"),
    ("log writer thread (encoding, stdout)", "ch/qos/logback/core/AsyncAppenderBase$Worker"),
    ("Jetty: selector (epoll)", "org/eclipse/jetty/io/ManagedSelector"),
    ("Jetty: parsing the request", "org/eclipse/jetty/http/HttpParser.parseNext"),
    ("Jetty: writing the response", "org/eclipse/jetty/server/internal/HttpConnection$SendCallback"),
    ("JVM: garbage collection", "GCTaskThread"),
    ("JVM: garbage collection", "VM_GC"),
    ("JVM: JIT compiler", "CompileBroker"),
]
OTHER = "Jetty and the JVM: the rest (threads, I/O, dispatch)"


def shares(path):
    counts, total = collections.Counter(), 0
    with open(path) as collapsed:
        for line in collapsed:
            stack, samples = line.rsplit(" ", 1)
            samples = int(samples)
            total += samples
            step = OTHER
            for frame in stack.split(";"):
                for name, marker in STEPS:
                    if marker in frame:
                        step = name
            counts[step] += samples
    return {step: samples / total for step, samples in counts.items()}, total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("collapsed")
    parser.add_argument("cpu_us", nargs="?", type=float, help="the scenario's CPU µs per request (from the table)")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE.collapsed", "BEFORE_CPU_US"),
                        help="an earlier profile of the same scenario and its CPU µs per request")
    args = parser.parse_args()
    after, samples = shares(args.collapsed)
    before = shares(args.compare[0])[0] if args.compare else None
    order = list(dict.fromkeys([name for name, _ in STEPS] + [OTHER]))
    header = ["step"] + (["before µs", "before %"] if before else []) + (["µs"] if args.cpu_us else []) + ["%"]
    print(f"{args.collapsed}: {samples} samples")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for step in order:
        if step not in after and not (before and step in before):
            continue
        share = after.get(step, 0)
        row = [step]
        if before:
            old = before.get(step, 0)
            row += [f"{old * float(args.compare[1]):.1f}", f"{old:.1%}"]
        if args.cpu_us:
            row.append(f"{share * args.cpu_us:.1f}")
        row.append(f"{share:.1%}")
        print("| " + " | ".join(row) + " |")
    if args.cpu_us:
        total = ["**total**"] + ([args.compare[1], "100 %"] if before else []) + [f"{args.cpu_us:.0f}", "100 %"]
        print("| " + " | ".join(total) + " |")


if __name__ == "__main__":
    main()
