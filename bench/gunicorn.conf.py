"""gunicorn as production ran it until granian measured faster (config/serve.py):
`make bench` with BENCH_SERVERS=granian,gunicorn serves the same table with it,
side by side. Environment: WEB_HOST, WEB_PORT, WEB_WORKERS, WEB_THREADS."""

import os

from gunicorn.http import wsgi

bind = f"{os.environ.get('WEB_HOST', '127.0.0.1')}:{os.environ.get('WEB_PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# Recycle workers now and then so a slow leak never grows without bound, but
# rarely: a new worker imports Django and warms its caches again (about a second
# of CPU). At 2,000 requests a busy worker restarted every few seconds under
# load: the bare view served 1,832 req/s against 5,492 with no recycling, the
# question page 163 against 236 (README, "Worker recycling").
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"


class _Response(wsgi.Response):
    """No `Server: gunicorn` header: it tells an attacker what to aim at."""

    def default_headers(self):
        return [h for h in super().default_headers() if not h.lower().startswith("server:")]


wsgi.Response = _Response
