"""The one production server setup: granian's WSGI server in front of Django.
The Dockerfile, docker-compose.yml, the proxy test and `make bench` all start
`python -m config.serve`.

Why granian and not gunicorn: on the same two cores, in runs alternating the
two with the same 2 workers x 4 threads, it served the question page about 1.2x
as many requests a second as gunicorn's gthread workers, with p95 326 against
426-518 ms, the answer POST about 1.3x, the dashboard the same (README,
"Measured here"); its HTTP handling runs in Rust, outside the GIL the threads
share. It never recycles a worker by request count (that cost gunicorn a second
of CPU per restart under load): a worker is replaced only when its memory grows
past WEB_MAX_RSS_MB, which bounds a slow leak, or when it dies. Idle threads are
kept ten minutes (granian's default is 30 s), and with them their database
connections (CONN_MAX_AGE). Requests have no server-side time limit, unlike
gunicorn's 30 s: Postgres' statement_timeout is the place for one.

granian copies the process environment into every request's environ;
config/wsgi.py removes it again.

Environment: WEB_HOST, WEB_PORT, WEB_WORKERS, WEB_THREADS, WEB_MAX_RSS_MB,
WEB_ACCESS_LOG (on unless "false"), WEB_LOG_LEVEL (info). Granian's own
`server` header is removed by the proxy in front (deploy/Caddyfile,
`header_down -Server`)."""

import os

from granian import Granian
from granian.constants import Interfaces
from granian.log import LogLevels


def main() -> None:
    Granian(
        "config.wsgi:application",
        interface=Interfaces.WSGI,
        # All interfaces inside the container; only the proxy can reach it (compose).
        address=os.environ.get("WEB_HOST", "0.0.0.0"),
        port=int(os.environ.get("WEB_PORT", "8000")),
        workers=int(os.environ.get("WEB_WORKERS", "2")),
        blocking_threads=int(os.environ.get("WEB_THREADS", "4")),
        blocking_threads_idle_timeout=600,
        respawn_failed_workers=True,
        workers_max_rss=int(os.environ.get("WEB_MAX_RSS_MB", "600")),
        log_access=os.environ.get("WEB_ACCESS_LOG", "true").lower() != "false",
        log_level=LogLevels(os.environ.get("WEB_LOG_LEVEL", "info")),
    ).serve()


if __name__ == "__main__":
    main()
