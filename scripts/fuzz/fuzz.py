#!/usr/bin/env python3
"""docker-baseline's fuzz harness: generates hostile and mutated inputs (Dockerfiles, Compose projects, docker save
and OCI archives, snapshots, probe servers), feeds each to the built binary in every report format, and fails an
input on a signal, a timeout, peak RSS over the limit, an exit code outside 0–3, or a planted secret in any output.

    scripts/fuzz/fuzz.py --seed 1 --count 300 [--binary .build/debug/docker-baseline] [--out DIR] [--quick]
    scripts/fuzz/fuzz.py --seed 1 --index 42          # regenerate and rerun one input (the reproduction line)

Written in Python with the standard library only, not as a Swift target: raw tar headers, gzip, loopback servers,
rlimits and wait4 are a few lines each here, nothing needs compiling (a Swift target would add minutes to every
build on a 2-core machine), and it runs against any binary, old or new. See docs/reliability.md.
"""
import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import archives  # noqa: E402
import compose  # noqa: E402
import dockerfiles  # noqa: E402
import probes  # noqa: E402
import snapshots  # noqa: E402
from case import LEAK_PREFIX  # noqa: E402
from prng import case_rng  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KINDS = ["dockerfile", "compose", "archive", "oci", "snapshot", "probe"]
EXIT_CODES = {0, 1, 2, 3}  # README "Exit codes"
REPORT_FILES = [("json", "report.json"), ("sarif", "report.sarif"), ("junit", "report.xml"), ("html", "report.html"),
                ("markdown", "report.md")]  # text goes to standard output
OUTPUT_READ_LIMIT = 256 << 20


def build_case(seed, index, quick):
    rng = case_rng(seed, index)
    kind = KINDS[index % len(KINDS)]
    if kind == "dockerfile":
        return dockerfiles.generate(rng, quick)
    if kind == "compose":
        return compose.generate(rng, quick)
    if kind == "archive":
        return archives.generate(rng, quick, oci=False)
    if kind == "oci":
        return archives.generate(rng, quick, oci=True)
    if kind == "snapshot":
        return snapshots.generate(rng, quick)
    return probes.generate(rng, quick, index)


def run_options(seed, index):
    """How this input's run is asked for: language, verbosity, and where standard output goes (a file, /dev/full,
    or a pipe already closed with SIGPIPE ignored: writes must fail with exit 3, not a trap)."""
    rng = case_rng(seed ^ 0x5EED, index)
    extra = []
    if rng.chance(1, 4):
        extra += ["--lang", "zh"]
    if rng.chance(1, 3):
        extra += ["--remediation", "--verbose"]
    stdout = "file"
    roll = rng.below(24)
    if roll == 0:
        stdout = "dev-full"
    elif roll == 1:
        stdout = "closed-pipe"
    return extra, stdout


class Outcome:
    def __init__(self, index, case):
        self.index, self.case = index, case
        self.classes = []      # signal, timeout, memory, exit-code, secret
        self.details = []
        self.status = None     # exit code, or -signal
        self.seconds = 0.0
        self.max_rss_kib = 0
        self.saved = None


with open("/proc/self/cmdline", "rb") as _own:
    _HARNESS_COMMAND_LINE = _own.read()


class CaseName:
    """What the summary keeps of a case once it has run."""

    def __init__(self, kind, name):
        self.kind, self.name = kind, name


def _memory_kib(pid):
    """(VmRSS, VmHWM) of the process once it has exec'd, else (0, 0). Before its exec the child is a copy of this
    harness (the same command line), whose memory is not the program's; for the same reason wait4's ru_maxrss, which
    counts the harness's memory at fork time, is not used."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            if f.read() == _HARNESS_COMMAND_LINE:
                return 0, 0
        rss = hwm = 0
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        return rss, hwm
    except (OSError, ValueError):
        return 0, 0


def command_line(binary, case, directory, port, extra):
    def expand(argument):
        return argument.replace("{dir}", os.path.join(directory, "in")).replace("{port}", str(port))

    argv = [binary] + [expand(a) for a in case.argv] + ["--format", "text"]
    for fmt, name in REPORT_FILES:
        argv += ["--format", "%s=%s" % (fmt, os.path.join(directory, "out", name))]
    return argv + extra


def environment(directory):
    home = os.path.join(directory, "home")
    return {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8", "HOME": home,
            "DOCKER_BASELINE_CACHE_DIR": os.path.join(home, "cache"),
            # `image` on a path that is not a file asks the engine: there is none here, so nothing real is touched.
            "DOCKER_HOST": "unix://" + os.path.join(directory, "no-engine.sock")}


def execute(argv, directory, stdout_mode, timeout, memory_kib):
    """Runs one command; returns (status, seconds, max RSS KiB, killed-for or None, stdout path)."""
    home = os.path.join(directory, "home")
    os.makedirs(home, exist_ok=True)
    os.makedirs(os.path.join(directory, "out"), exist_ok=True)
    stdout_path = os.path.join(directory, "stdout.txt")
    read_end = None
    if stdout_mode == "dev-full":
        stdout = open("/dev/full", "wb")
    elif stdout_mode == "closed-pipe":
        read_end, write_end = os.pipe()
        os.close(read_end)
        stdout = os.fdopen(write_end, "wb")
    else:
        stdout = open(stdout_path, "wb")
    stderr = open(os.path.join(directory, "stderr.txt"), "wb")
    started = time.monotonic()
    # restore_signals=False in closed-pipe mode: the child inherits SIGPIPE ignored, so a write gets EPIPE.
    for attempt in range(50):
        try:
            process = subprocess.Popen(argv, cwd=home, env=environment(directory), stdin=subprocess.DEVNULL, stdout=stdout,
                                       stderr=stderr, start_new_session=True, restore_signals=(stdout_mode != "closed-pipe"))
            break
        except OSError as error:  # ETXTBSY: the binary is being rebuilt right now
            if error.errno != 26 or attempt == 49:
                raise
            time.sleep(0.2)
    stdout.close()
    stderr.close()
    pid = process.pid
    try:
        # A backstop for the machine: the RSS watch below is the limit that counts.
        resource.prlimit(pid, resource.RLIMIT_AS, (16 << 30, 16 << 30))
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (OUTPUT_READ_LIMIT, OUTPUT_READ_LIMIT))
        resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError):
        pass
    killed, polled = None, 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        rss, hwm = _memory_kib(pid)
        polled = max(polled, rss, hwm)
        if killed is None and time.monotonic() - started > timeout:
            killed = "timeout"
        elif killed is None and polled > memory_kib:
            killed = "memory"
        if killed:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            done, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.02)
    process.returncode = 0  # reaped above
    seconds = time.monotonic() - started
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return code, seconds, polled, killed, (stdout_path if stdout_mode == "file" else None)


def leaked(needles, paths):
    """(needle, file) for every planted secret found in an output."""
    found = []
    probes_ = [(needle, needle[:LEAK_PREFIX].encode()) for needle in needles]
    for path in paths:
        try:
            with open(path, "rb") as f:
                data = f.read(OUTPUT_READ_LIMIT)
        except OSError:
            continue
        found += [(needle, os.path.basename(path)) for needle, prefix in probes_ if prefix in data]
    return found


def output_files(directory):
    paths = [os.path.join(directory, "stdout.txt"), os.path.join(directory, "stderr.txt")]
    for root, _, names in os.walk(os.path.join(directory, "out")):
        paths += [os.path.join(root, name) for name in names]
    return paths


def run_one(args, index):
    case = build_case(args.seed, index, args.quick)
    outcome = Outcome(index, case)
    directory = os.path.join(args.out, "work", "%06d" % index)
    shutil.rmtree(directory, ignore_errors=True)
    case.materialise(os.path.join(directory, "in"))
    extra, stdout_mode = run_options(args.seed, index)
    port = case.server.start() if case.server else 0
    argv = command_line(args.binary, case, directory, port, extra)
    try:
        code, seconds, rss, killed, _ = execute(argv, directory, stdout_mode, args.timeout, args.memory_mib * 1024)
    finally:
        if case.server:
            case.server.stop()
    outcome.status, outcome.seconds, outcome.max_rss_kib = code, seconds, rss
    if killed == "timeout":
        outcome.classes.append("timeout")
        outcome.details.append("still running after %ss" % args.timeout)
    elif code < 0:
        outcome.classes.append("signal")
        outcome.details.append("killed by %s" % signal.Signals(-code).name)
    elif code not in EXIT_CODES:
        outcome.classes.append("exit-code")
        outcome.details.append("exit %d" % code)
    if killed == "memory" or rss > args.memory_mib * 1024:
        outcome.classes.append("memory")
        outcome.details.append("peak RSS %d MiB" % (rss // 1024))
    leaks = leaked(case.needles, output_files(directory))
    if leaks:
        outcome.classes.append("secret")
        kinds = sorted({case.labels.get(needle, "?") for needle, _ in leaks})
        outcome.details.append("planted secret (%s) in %s" % (" | ".join(kinds), ", ".join(sorted({path for _, path in leaks}))))
    if outcome.classes:
        outcome.saved = save_failure(args, outcome, directory, argv, stdout_mode)
    if not args.keep:
        shutil.rmtree(directory, ignore_errors=True)
    # The summary needs the case's name and kind only: its inputs and server payloads (up to tens of MiB each) are
    # not kept for the whole run.
    outcome.case = CaseName(case.kind, case.name)
    return outcome


def save_failure(args, outcome, directory, argv, stdout_mode):
    """The input, its outputs and a reproduction line, under OUT/failures/INDEX-CLASSES/."""
    target = os.path.join(args.out, "failures", "%06d-%s" % (outcome.index, "+".join(outcome.classes)))
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    # Materialised again, not copied: a FIFO or a device link would block or be read forever by a copy.
    outcome.case.materialise(os.path.join(target, "in"))
    # What the failing run wrote (the first MiB of each), beside the input; a rerun writes to out/.
    os.makedirs(os.path.join(target, "outputs"))
    for source in output_files(directory):
        if os.path.isfile(source):
            with open(source, "rb") as f, open(os.path.join(target, "outputs", os.path.basename(source)), "wb") as g:
                g.write(f.read(1 << 20))
    rerun = [a.replace(directory, target) for a in argv]
    stdout_note = {"file": "", "dev-full": " > /dev/full", "closed-pipe": "  # standard output a closed pipe, SIGPIPE ignored"}[stdout_mode]
    description = dict(outcome.case.describe(), index=outcome.index, seed=args.seed, classes=outcome.classes,
                       details=outcome.details, status=outcome.status, seconds=round(outcome.seconds, 2),
                       max_rss_mib=outcome.max_rss_kib // 1024, stdout=stdout_mode, argv=rerun)
    with open(os.path.join(target, "case.json"), "w") as f:
        json.dump(description, f, indent=2)
    lines = ["# %s: %s (%s)" % (outcome.case.name, ", ".join(outcome.classes), "; ".join(outcome.details)),
             "# regenerate and rerun exactly this input:",
             "python3 %s/scripts/fuzz/fuzz.py --seed %d --index %d --binary %s%s" % (
                 REPO, args.seed, outcome.index, args.binary, " --quick" if args.quick else "")]
    if outcome.case.server:
        lines.append("# (this input is a probe server: the line above starts it; the saved files are its target files)")
    else:
        lines += ["# or run the saved input directly:",
                  "mkdir -p %s/out %s/home && cd %s/home && env -i %s %s%s" % (
                      target, target, target, " ".join("%s=%s" % (k, _quote(v)) for k, v in sorted(environment(target).items())),
                      " ".join(_quote(a) for a in rerun), stdout_note)]
    with open(os.path.join(target, "repro.sh"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return target


def _quote(argument):
    return argument if argument and all(c.isalnum() or c in "/._-=:,+" for c in argument) else "'" + argument.replace("'", "'\\''") + "'"


def summarise(args, outcomes, seconds):
    per_kind, failures, classes, statuses = {}, [], {}, {}
    for outcome in outcomes:
        per_kind[outcome.case.kind] = per_kind.get(outcome.case.kind, 0) + 1
        key = "%s exit %s" % (outcome.case.kind, outcome.status)
        statuses[key] = statuses.get(key, 0) + 1
        for name in outcome.classes:
            classes[name] = classes.get(name, 0) + 1
        if outcome.classes:
            failures.append({"index": outcome.index, "input": outcome.case.name, "classes": outcome.classes,
                             "details": outcome.details, "saved": outcome.saved})
    biggest = max(outcomes, key=lambda o: o.max_rss_kib)
    slowest = max(outcomes, key=lambda o: o.seconds)
    return {"seed": args.seed, "count": len(outcomes), "binary": args.binary, "quick": args.quick,
            "seconds": round(seconds, 1), "inputs_per_kind": per_kind, "exit_statuses": dict(sorted(statuses.items())),
            "failures_by_class": classes, "failed_inputs": len(failures),
            "max_rss_mib": {"value": biggest.max_rss_kib // 1024, "index": biggest.index, "input": biggest.case.name},
            "slowest": {"seconds": round(slowest.seconds, 2), "index": slowest.index, "input": slowest.case.name},
            "failures": failures}


def render(summary):
    lines = ["docker-baseline fuzz: seed %d, %d inputs in %ss (%s)" % (summary["seed"], summary["count"], summary["seconds"], summary["binary"]),
             "inputs per kind: " + ", ".join("%s %d" % item for item in sorted(summary["inputs_per_kind"].items())),
             "exit statuses: " + ", ".join("%s: %d" % item for item in summary["exit_statuses"].items()),
             "max RSS: %(value)d MiB (#%(index)d %(input)s)" % summary["max_rss_mib"],
             "slowest: %(seconds)ss (#%(index)d %(input)s)" % summary["slowest"],
             "failures by class: " + (", ".join("%s %d" % item for item in sorted(summary["failures_by_class"].items())) or "none"),
             "failed inputs: %d" % summary["failed_inputs"]]
    for failure in summary["failures"]:
        lines.append("  #%d %s: %s — %s" % (failure["index"], failure["input"], "; ".join(failure["details"]), failure["saved"]))
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=100, help="inputs to generate (indexes 0..count-1)")
    parser.add_argument("--index", type=int, action="append", help="only this input (repeatable): a reproduction")
    parser.add_argument("--binary", default=os.path.join(REPO, ".build/debug/docker-baseline"))
    parser.add_argument("--out", help="summary, failures and work files (default /tmp/docker-baseline-fuzz-SEED)")
    parser.add_argument("--timeout", type=float, default=20, help="seconds per run (default 20)")
    parser.add_argument("--memory-mib", type=int, default=512, help="peak RSS allowed per run (default 512)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="the smaller hostile sizes only (the test suite's run)")
    parser.add_argument("--keep", action="store_true", help="keep every input's work directory")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        print("fuzz: no executable at %s (swift build, or --binary PATH)" % args.binary, file=sys.stderr)
        return 2
    args.out = os.path.abspath(args.out or "/tmp/docker-baseline-fuzz-%d" % args.seed)
    os.makedirs(args.out, exist_ok=True)
    indexes = args.index if args.index else list(range(args.count))
    started = time.monotonic()
    outcomes, lock = [], threading.Lock()

    def one(index):
        try:
            outcome = run_one(args, index)
        except Exception as error:  # the harness's own problem: reported, never counted as a pass
            outcome = Outcome(index, build_case(args.seed, index, args.quick))
            outcome.classes, outcome.details, outcome.status = ["harness"], ["harness error: %r" % error], None
        with lock:
            outcomes.append(outcome)
            done = len(outcomes)
            if outcome.classes:
                print("fuzz: #%d %s: %s" % (index, outcome.case.name, "; ".join(outcome.details)), file=sys.stderr, flush=True)
            if done % 100 == 0:
                print("fuzz: %d/%d inputs, %.0fs" % (done, len(indexes), time.monotonic() - started), file=sys.stderr, flush=True)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(one, indexes))
    shutil.rmtree(os.path.join(args.out, "work"), ignore_errors=True) if not args.keep else None
    outcomes.sort(key=lambda o: o.index)
    summary = summarise(args, outcomes, time.monotonic() - started)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    text = render(summary)
    with open(os.path.join(args.out, "summary.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    return 1 if summary["failed_inputs"] else 0


if __name__ == "__main__":
    sys.exit(main())
