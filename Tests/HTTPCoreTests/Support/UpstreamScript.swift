// The test upstream run by PythonUpstream (python3 -c), kept as a string so the test target
// has no non-Swift files.
let upstreamScript = #"""
"""A test upstream for HTTPCore's forwarding tests (python3 stdlib only).

Prints its port on the first line of stdout. Routes:
  GET  /hello         -> "hello from upstream", headers echo the client port and the request's headers
  POST /echo          -> the request body (Content-Length or chunked) back, with Content-Length
  GET  /sse           -> a chunked stream: "data: 1", then waits for GET /release, then "data: 2"
  GET  /big?n=BYTES   -> n bytes of 'x' with Content-Length
  POST /count         -> streams in the body (any size) and answers with its length
  GET  /hang          -> never answers
  GET  /upgrade       -> 101 Switching Protocols, then echoes raw bytes upper-cased until EOF
  GET  /close         -> HTTP/1.0-style body delimited by closing the connection
"""
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

release = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def send_body(self, status, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/hello":
            seen = ";".join(f"{k}={v}" for k, v in self.headers.items())
            self.send_body(200, b"hello from upstream", [("X-Client-Port", str(self.client_address[1])), ("X-Seen", seen)])
        elif path == "/sse":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.chunk(b"data: 1\n\n")
            release.wait(20)
            self.chunk(b"data: 2\n\n")
            self.wfile.write(b"0\r\n\r\n")
            release.clear()
        elif path == "/release":
            release.set()
            self.send_body(200, b"released")
        elif path == "/big":
            n = int(self.path.split("n=")[1])
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            block = b"x" * 65536
            while n > 0:
                self.wfile.write(block[: min(n, len(block))])
                n -= min(n, len(block))
        elif path == "/hang":
            release.wait(30)
        elif path == "/upgrade":
            self.send_response(101)
            self.send_header("Upgrade", self.headers.get("Upgrade", "x"))
            self.send_header("Connection", "Upgrade")
            self.end_headers()
            self.wfile.flush()
            while True:
                data = self.connection.recv(65536)
                if not data:
                    break
                self.connection.sendall(data.upper())
            self.close_connection = True
        elif path == "/close":
            self.protocol_version = "HTTP/1.0"
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"until close")
            self.close_connection = True
        else:
            self.send_body(404, b"not found")

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_POST(self):
        path = self.path.split("?")[0]
        if path == "/echo":
            self.send_body(200, self.read_body(), [("X-Method", self.command)])
        elif path == "/count":
            total = 0
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                total = len(self.read_body())
            else:
                left = int(self.headers.get("Content-Length", "0"))
                while left > 0:
                    got = self.rfile.read(min(left, 1 << 20))
                    if not got:
                        break
                    total += len(got)
                    left -= len(got)
            self.send_body(200, str(total).encode())
        else:
            self.send_body(404, b"not found")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that leave mid-response are part of the tests


if __name__ == "__main__":
    srv = Server(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    # Exit when the test closes our stdin (or dies), so no upstream outlives its test.
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    sys.stdin.read()
"""#
