"""Warm-path CPU per request of the Django + DRF peer (issue #21).

Run with the peer venv's python (make peer-venv; `make bench` passes it to
the runner as PEER_PYTHON):

    target/peer-venv/bin/python bench/peer/measure.py [--requests N] [--warmup W]

It makes a SQLite database in a temporary directory (migrate), seeds 40
validated and open offers (and 10 that the list must skip), starts gunicorn
with one sync worker on a free 127.0.0.1 port, sends W warm-up requests and
then N measured ones, one at a time, to `GET /api/offres/`, each checked to
be a 200 with 20 results. The worker's CPU time (utime + stime of
/proc/<pid>/stat) is read before and after the measured requests.

stdout: one JSON object, and nothing else:
    {"cpu_ms_per_request", "requests", "wall_p50_ms", "wall_p99_ms", "django",
     "drf", "gunicorn", "python", "items", "bytes"}
Everything else goes to stderr. Exit 0 on success, 1 on any failure (with
the reason, and gunicorn's log when it is the cause). Gunicorn is stopped
and the temporary directory removed on every exit path.
"""

import argparse
import http.client
import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import shutil

# Nothing written into the work tree: site-packages' own bytecode is still read.
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = "/api/offres/"
ITEMS = 20
VALIDATED = 40
READY_TIMEOUT_S = 30
REQUEST_TIMEOUT_S = 10


class Failure(Exception):
    pass


def log(message):
    print(f"peer: {message}", file=sys.stderr, flush=True)


def seed(database):
    """Migrate, then seed the offers, in this process (before gunicorn starts)."""
    os.environ["PEER_DB"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "peer.settings"
    sys.path.insert(0, HERE)
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from offres.models import Offre

    call_command("migrate", verbosity=0, interactive=False)
    now = timezone.now()
    recruteur = "6f1c2a4e-0b7d-4c59-9a43-2f1e8d3b7c10"

    def offre(i, **fields):
        # The runner's offer body (bench/runner: "Offre bench {i}", ...).
        created = now - timedelta(minutes=2 * i + 1)
        return Offre(
            titre=f"Offre bench {i}",
            description="<p>Poste à pourvoir.</p>",
            entreprise="Entreprise bench",
            type_contrat="cdi",
            salaire_min=100,
            salaire_max=200,
            recruteur=recruteur,
            date_creation=created,
            date_modification=created,
            **fields,
        )

    rows = [
        offre(
            i,
            statut_validation="validee",
            date_publication=now - timedelta(minutes=2 * i),
        )
        for i in range(VALIDATED)
    ]
    rows += [offre(VALIDATED + i) for i in range(5)]  # en_attente
    rows += [
        offre(
            VALIDATED + 5 + i,
            statut_validation="validee",
            statut="fermee",
            date_publication=now - timedelta(seconds=30 + i),
            date_fermeture=now,
        )
        for i in range(5)
    ]
    Offre.objects.bulk_create(rows)
    connections.close_all()
    import gunicorn
    import rest_framework

    return {
        "django": django.get_version(),
        "drf": rest_framework.VERSION,
        "gunicorn": gunicorn.__version__,
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        pass
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat[stat.rfind(")") + 2 :].split()[1]) == pid:
                found.append(int(entry))
    return found


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except FileNotFoundError:
        raise Failure(f"the gunicorn worker (pid {pid}) is gone")
    fields = stat[stat.rfind(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def get(port):
    """One request on a new connection (gunicorn's sync worker closes it)."""
    start = time.perf_counter_ns()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request("GET", PATH, headers={"Accept": "application/json"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    return response.status, body, (time.perf_counter_ns() - start) / 1e6


def check(status, body):
    if status != 200:
        raise Failure(f"GET {PATH} answered {status}: {body[:300]!r}")
    try:
        page = json.loads(body)
    except ValueError:
        raise Failure(f"GET {PATH} answered non-JSON: {body[:300]!r}")
    results = page.get("results") if isinstance(page, dict) else None
    if not isinstance(results, list) or len(results) != ITEMS:
        raise Failure(
            f"GET {PATH} answered {len(results) if isinstance(results, list) else 'no'} "
            f"results, not {ITEMS}: {body[:300]!r}"
        )
    if page.get("count") != VALIDATED or not page.get("next"):
        raise Failure(f"GET {PATH}: count {page.get('count')!r}, next {page.get('next')!r}")


def gunicorn_log(path):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-40:]) or "(empty)\n"
    except OSError:
        return "(no log)\n"


def die_with_parent():
    """In gunicorn's master, before exec: SIGTERM if measure.py dies unawares (SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start(tmp, port, database, errors):
    command = [
        sys.executable, "-m", "gunicorn",
        "--chdir", HERE,
        "--workers", "1",
        "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}",
        "--no-control-socket",
        "--worker-tmp-dir", tmp,
        "--error-logfile", errors,
        "--log-level", "info",
        "peer.wsgi:application",
    ]
    env = dict(
        os.environ,
        PEER_DB=database,
        DJANGO_SETTINGS_MODULE="peer.settings",
        PYTHONDONTWRITEBYTECODE="1",
    )
    with open(os.path.join(tmp, "gunicorn.out"), "wb") as out:
        return subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=die_with_parent,
        )


def wait_ready(server, port, errors):
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        if server.poll() is not None:
            raise Failure(
                f"gunicorn exited with code {server.returncode} before it answered; "
                f"its log:\n{gunicorn_log(errors)}"
            )
        try:
            status, body, _ = get(port)
            check(status, body)
            break
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            raise Failure(
                f"gunicorn did not answer within {READY_TIMEOUT_S} s; its log:\n"
                f"{gunicorn_log(errors)}"
            )
        time.sleep(0.05)
    workers = children(server.pid)
    if len(workers) != 1:
        raise Failure(f"expected one gunicorn worker, found {workers}")
    return workers[0]


def stop(server):
    if server is None or server.poll() is not None:
        return
    workers = children(server.pid)
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        pass
    for pid in workers:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def percentile(sorted_values, q):
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def measure(args, tmp):
    started = time.monotonic()
    database = os.path.join(tmp, "peer.sqlite3")
    versions = seed(database)
    errors = os.path.join(tmp, "gunicorn.log")
    port = free_port()
    server = None
    try:
        server = start(tmp, port, database, errors)
        worker = wait_ready(server, port, errors)
        for _ in range(args.warmup):
            status, body, _ = get(port)
            check(status, body)
        before = cpu_ticks(worker)
        walls = []
        size = None
        for _ in range(args.requests):
            status, body, wall = get(port)
            check(status, body)
            walls.append(wall)
            size = len(body)
        after = cpu_ticks(worker)
        if children(server.pid) != [worker]:
            raise Failure("the gunicorn worker was replaced during the measure")
    except (OSError, http.client.HTTPException) as e:
        if server is not None and server.poll() is not None:
            raise Failure(f"gunicorn died ({e}); its log:\n{gunicorn_log(errors)}")
        raise Failure(f"request to the peer failed: {e!r}")
    finally:
        stop(server)
    ticks_per_s = os.sysconf("SC_CLK_TCK")
    walls.sort()
    result = {
        "cpu_ms_per_request": round((after - before) * 1000 / ticks_per_s / args.requests, 4),
        "requests": args.requests,
        "wall_p50_ms": round(percentile(walls, 0.50), 3),
        "wall_p99_ms": round(percentile(walls, 0.99), 3),
        **versions,
        "python": platform.python_version(),
        "items": ITEMS,
        "bytes": size,
    }
    log(
        f"{args.warmup} + {args.requests} requests, worker CPU {after - before} ticks "
        f"(1/{ticks_per_s} s), {time.monotonic() - started:.1f} s in all"
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="measured requests (1000)")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up requests (20)")
    args = parser.parse_args()
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be at least 1 and --warmup at least 0")

    def interrupted(signum, _frame):
        for other in handled:
            signal.signal(other, signal.SIG_IGN)  # let the clean-up finish
        raise Failure(f"stopped by signal {signal.Signals(signum).name}")

    handled = [signal.SIGTERM, signal.SIGHUP]
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        handled.append(signal.SIGINT)
    for signum in handled:
        signal.signal(signum, interrupted)
    tmp = tempfile.mkdtemp(prefix="destinyjobs-peer-")
    try:
        result = measure(args, tmp)
    except Failure as e:
        print(f"peer: FAILED: {e}", file=sys.stderr)
        return 1
    except Exception as e:
        import traceback

        traceback.print_exc()
        print(f"peer: FAILED: {e!r}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
