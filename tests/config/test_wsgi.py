"""granian copies the process environment into every request's environ
(issue 15's server switch): config/wsgi.py removes it before Django sees it."""

from config.wsgi import without_process_environment


def test_no_process_variable_reaches_the_request(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:password@db/prod")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.internal:3128")
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return [b"ok"]

    wrapped = without_process_environment(app)
    environ = {
        "SECRET_KEY": "s3cret",
        "DATABASE_URL": "postgres://user:password@db/prod",
        "HTTP_PROXY": "http://proxy.internal:3128",  # the process's, or a Proxy: header
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/ping/",
        "SERVER_NAME": "127.0.0.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
    }
    assert wrapped(environ, None) == [b"ok"]
    assert "SECRET_KEY" not in seen and "DATABASE_URL" not in seen
    assert seen["REQUEST_METHOD"] == "GET" and seen["PATH_INFO"] == "/ping/"
    assert seen["HTTP_HOST"] == "127.0.0.1" and seen["wsgi.url_scheme"] == "http"
    assert seen["REMOTE_ADDR"] == "10.0.0.7"
