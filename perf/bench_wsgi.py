"""The production WSGI application with a query count per response, for ``make bench`` only.

Gunicorn serves ``perf.bench_wsgi:application`` instead of ``mrm.wsgi:application``
during a benchmark: the same settings and middleware, plus an ``X-MRM-Queries``
header counting the database queries the request made before its headers were
sent (a streamed body's later queries are not counted). Settings stay untouched,
so nothing of this reaches a production process.
"""

from django.db import connections

from mrm.wsgi import application as _django  # the production application, as gunicorn serves it

QUERIES_HEADER = "X-MRM-Queries"


def application(environ, start_response):
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    def start_with_count(status, headers, exc_info=None):
        return start_response(status, [*headers, (QUERIES_HEADER, str(count))], exc_info)

    with connections["default"].execute_wrapper(counter):
        return _django(environ, start_with_count)
