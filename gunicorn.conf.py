"""The one gunicorn setup: the Dockerfile, docker-compose.yml and `make bench` all
start `gunicorn -c gunicorn.conf.py config.wsgi`. Environment overrides:
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS."""

import os

from gunicorn.http import wsgi

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Recycle workers now and then so a slow leak never grows without bound, but
# rarely: a new worker imports Django and warms its caches again (about a second
# of CPU). At 2,000 requests a busy worker restarted every few seconds under
# load: the bare view served 1,832 req/s against 5,492 with no recycling, the
# question page 163 against 236 (README, "Worker recycling").
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
forwarded_allow_ips = "*"  # only the proxy can reach the web container


class _Response(wsgi.Response):
    """No `Server: gunicorn` header: it tells an attacker what to aim at."""

    def default_headers(self):
        return [h for h in super().default_headers() if not h.lower().startswith("server:")]


wsgi.Response = _Response
