"""`make bench`: API throughput under gunicorn, measured with wrk (docs/performance.md).

- ``bench.seed``: migrates a throwaway database and seeds one user's tasks and token;
- ``bench.wrk``: builds wrk command lines and reads the report our Lua script prints;
- ``bench.report``: the figures per endpoint, the ratio to the ceiling, the table;
- ``bench.run``: the whole run, from a temporary data directory to bench-results/.
"""
