#!/usr/bin/env bash
# A 1 GiB upload and a 1 GiB download through `doze proxy`, checking that every byte arrives
# and that the proxy's peak resident memory (VmHWM) stays under a bound: bodies must stream
# with backpressure, never be buffered whole.
set -euo pipefail
cd "$(dirname "$0")/../.."
limit_kib=$((64 * 1024))
size=$((1024 * 1024 * 1024))
DOZE=${DOZE:-$(swift build --show-bin-path)/doze}
[ -x "$DOZE" ] || swift build --product doze >/dev/null
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

await_line() { # file pattern → the line, within 20 s
  for _ in $(seq 400); do grep -m1 "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}

# Upstream: GET /big streams $size bytes; PUT/POST counts the body it receives.
cat > "$tmp/upstream.py" <<'PY'
import sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
SIZE = int(sys.argv[1])
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", str(SIZE)); self.end_headers()
        chunk, left = b"\0" * (1 << 20), SIZE
        while left > 0:
            n = min(left, len(chunk)); self.wfile.write(chunk[:n]); left -= n
    def do_PUT(self):
        left = int(self.headers["Content-Length"]); total = 0
        while left > 0:
            got = len(self.rfile.read(min(left, 1 << 20)))
            if not got: break
            total += got; left -= got
        body = ("received %d\n" % total).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
print("upstream port %d" % s.server_address[1], flush=True)
s.serve_forever()
PY
python3 -u "$tmp/upstream.py" "$size" > "$tmp/up.out" 2>&1 & pids+=($!)
up_port=$(await_line "$tmp/up.out" "upstream port" | awk '{print $3}')

echo "[{\"path\": \"/big\", \"upstreams\": [\"127.0.0.1:$up_port\"]}]" > "$tmp/routes.json"
"$DOZE" proxy --port 0 --admin-port 0 --loops 2 --static-routes "$tmp/routes.json" > "$tmp/proxy.out" 2>&1 & proxy_pid=$!
pids+=($proxy_pid)
port=$(await_line "$tmp/proxy.out" "proxy listening on" | sed 's/.*://')

truncate -s "$size" "$tmp/upload.bin"
start=$SECONDS
got=$(curl -sS --fail --max-time 300 -T "$tmp/upload.bin" "http://127.0.0.1:$port/big")
[ "$got" = "received $size" ] || { echo "upload: upstream says '$got'"; exit 1; }
echo "upload of 1 GiB: ok ($((SECONDS - start))s)"

start=$SECONDS
bytes=$(curl -sS --fail --max-time 300 "http://127.0.0.1:$port/big" | wc -c)
[ "$bytes" = "$size" ] || { echo "download: got $bytes bytes"; exit 1; }
echo "download of 1 GiB: ok ($((SECONDS - start))s)"

hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$proxy_pid/status")
echo "proxy VmHWM: ${hwm} KiB (limit ${limit_kib} KiB)"
[ "$hwm" -lt "$limit_kib" ] || { echo "proxy memory grew with the body size"; exit 1; }
