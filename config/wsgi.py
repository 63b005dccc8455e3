import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# What a request's environ may carry: the CGI variables, its headers and wsgi.*.
_CGI = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "REMOTE_ADDR",
        "REMOTE_HOST",
        "REMOTE_PORT",
        "RAW_URI",
    }
)


def without_process_environment(app):
    """granian starts every request's environ from a copy of os.environ, so
    SECRET_KEY, DATABASE_URL and the rest would sit in request.META, where an
    error report or a debug page could print them. Drop every variable of the
    process that is not part of the request (a header, a CGI variable, wsgi.*)."""
    process = frozenset(os.environ)

    def application(environ, start_response):
        for key in process.intersection(environ):
            if key not in _CGI and not key.startswith(("HTTP_", "wsgi.")):
                del environ[key]
        return app(environ, start_response)

    return application


application = without_process_environment(get_wsgi_application())
