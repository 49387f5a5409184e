# Sourced by .ci/run: start the Oxigraph SPARQL server (PyPI package `oxigraph`, installed by the test
# extra) on 127.0.0.1, on a free port, with a temporary data folder. Exports KG_TEST_OXIGRAPH_URL.
# The server is stopped by .ci/run's exit trap, also when tests fail.
OXI_PORT="$("$V/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$WORK/oxigraph-data"
"$V/oxigraph" serve --location "$WORK/oxigraph-data" --bind "127.0.0.1:$OXI_PORT" >"$WORK/oxigraph.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 100); do
  if "$V/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$OXI_PORT/query?query=ASK%7B%7D', timeout=1)" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
export KG_TEST_OXIGRAPH_URL="http://127.0.0.1:$OXI_PORT"
echo "oxigraph server at $KG_TEST_OXIGRAPH_URL"
