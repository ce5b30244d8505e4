#!/usr/bin/env bash
# Run Virtuoso 7 open source on loopback as ecograph's SPARQL server (the remote backend).
#
#   scripts/virtuoso.sh [FOLDER] [HTTP_PORT] [SQL_PORT]     (default: var/virtuoso 8890 1111)
#
# Writes FOLDER/virtuoso.ini (the same template the tests start Virtuoso with, tests/servers.py:
# loopback ports, the database files in FOLDER, DirsAllowed limited to it), prints the
# ECOGRAPH_* settings that point ecograph at it, and runs virtuoso-t in the foreground (Ctrl-C
# stops it). A fresh database lets the default dba/dba account update through the
# authenticated endpoints; change that password before the server is reachable by others.
set -euo pipefail
cd "$(dirname "$0")/.."

folder="$(realpath -m "${1:-var/virtuoso}")"
http_port="${2:-8890}"
sql_port="${3:-1111}"
query_seconds="${VIRTUOSO_MAX_QUERY_SECONDS:-40}"

command -v virtuoso-t >/dev/null || { echo "virtuoso-t not found: run scripts/setup-system.sh" >&2; exit 2; }
mkdir -p "$folder/www"
.venv/bin/python - "$folder" "$http_port" "$sql_port" "$query_seconds" <<'PY'
import sys
from pathlib import Path

sys.path.insert(0, "tests")
from servers import VIRTUOSO_INI  # noqa: E402

folder, http_port, sql_port, seconds = sys.argv[1:]
ini = VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port, buffers=40000, dirty=30000,
                          max_query_seconds=seconds)
Path(folder, "virtuoso.ini").write_text(ini, encoding="utf-8")
PY

cat <<EOT
Virtuoso on http://127.0.0.1:${http_port}/sparql (database in ${folder}). Point ecograph at it with:

export ECOGRAPH_BACKEND=remote ECOGRAPH_SPARQL_QUERY=http://127.0.0.1:${http_port}/sparql \\
       ECOGRAPH_SPARQL_UPDATE=http://127.0.0.1:${http_port}/sparql-auth \\
       ECOGRAPH_SPARQL_GRAPH_STORE=http://127.0.0.1:${http_port}/sparql-graph-crud-auth \\
       ECOGRAPH_SPARQL_USER=dba ECOGRAPH_SPARQL_PASSWORD=dba
EOT
cd "$folder"
exec virtuoso-t -f -c virtuoso.ini
