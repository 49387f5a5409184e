# Sourced by .ci/run: start Virtuoso Open Source 7 (Debian package virtuoso-opensource-7-bin, the
# engine behind DBpedia) on 127.0.0.1, on free ports, with a temporary database and its own ini.
# Exports KG_TEST_VIRTUOSO_URL (and _USER/_PASSWORD: Virtuoso's fresh-database dba account, reachable
# only on loopback). The server is stopped by .ci/run's exit trap, also when tests fail.
# Only the -bin package is installed: the virtuoso-opensource meta package would also register and
# start a system service with a debconf password prompt, which CI needs neither of.
if ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends virtuoso-opensource-7-bin >"$WORK/virtuoso-install.log" 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends virtuoso-opensource-7-bin >>"$WORK/virtuoso-install.log" 2>&1; } \
      || { cat "$WORK/virtuoso-install.log" >&2; echo "could not install virtuoso-opensource-7-bin" >&2; exit 1; }
  else
    echo "virtuoso-t is missing and cannot be installed here (needs root and apt-get)" >&2
    exit 1
  fi
fi
VIRT_DIR="$WORK/virtuoso"
mkdir -p "$VIRT_DIR"
VIRT_SQL_PORT="$("$V/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
VIRT_HTTP_PORT="$("$V/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$VIRT_DIR/virtuoso.ini" <<INI
[Database]
DatabaseFile = $VIRT_DIR/virtuoso.db
ErrorLogFile = $VIRT_DIR/virtuoso.log
LockFile = $VIRT_DIR/virtuoso.lck
TransactionFile = $VIRT_DIR/virtuoso.trx
xa_persistent_file = $VIRT_DIR/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = $VIRT_DIR/virtuoso-temp.db
TransactionFile = $VIRT_DIR/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:$VIRT_SQL_PORT
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = $VIRT_DIR
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:$VIRT_HTTP_PORT
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
INI
virtuoso-t -c "$VIRT_DIR/virtuoso.ini" +foreground >"$VIRT_DIR/stdout.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 300); do
  if "$V/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$VIRT_HTTP_PORT/sparql?query=ASK%7B%7D', timeout=1)" 2>/dev/null; then
    break
  fi
  sleep 0.2
done
export KG_TEST_VIRTUOSO_URL="http://127.0.0.1:$VIRT_HTTP_PORT"
export KG_TEST_VIRTUOSO_USER=dba KG_TEST_VIRTUOSO_PASSWORD=dba
echo "virtuoso server at $KG_TEST_VIRTUOSO_URL"
