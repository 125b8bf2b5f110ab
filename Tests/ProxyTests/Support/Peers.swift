/// Python peers for the integration tests, kept as text so the test target needs no resources.
enum Peers {
    /// An upstream on a free port (prints `upstream port N`):
    /// - `/events`: an SSE stream of three events; each event after the first is sent only when
    ///   `/next` has been requested, so a test can prove events pass one by one;
    /// - `/redirect`: a 302 to this upstream's own absolute URL;
    /// - `/upload` (POST/PUT): counts the body (Content-Length or chunked) and answers the count;
    /// - `/download?n=BYTES`: a body of that many bytes;
    /// - anything else: the method, target and headers it received, one per line.
    static let upstream = #"""
import sys, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
release = threading.Semaphore(0)
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def reply(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path == "/next":
            release.release(); return self.reply(200, b"ok\n")
        if self.path == "/events":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(3):
                if i > 0 and not release.acquire(timeout=30): break
                data = ("id: %d\ndata: event %d\n\n" % (i, i)).encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data)); self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n"); self.wfile.flush(); return
        if self.path == "/redirect":
            host, port = self.server.server_address[:2]
            return self.reply(302, b"", [("Location", "http://%s:%d/landed?x=1" % (host, port))])
        if self.path == "/relative-redirect":
            return self.reply(302, b"", [("Location", "/landed")])
        if self.path.startswith("/download"):
            n = int(self.path.split("n=")[1])
            self.send_response(200); self.send_header("Content-Length", str(n)); self.end_headers()
            chunk = b"d" * 65536
            while n > 0:
                self.wfile.write(chunk[:min(n, 65536)]); n -= min(n, 65536)
            return
        body = "%s %s\n" % (self.command, self.path) + "".join("%s: %s\n" % (k, v) for k, v in self.headers.items())
        self.reply(200, body.encode(), [("Content-Type", "text/plain"), ("Connection", "keep-alive, X-Hop"), ("X-Hop", "1")])
    def do_POST(self):
        total = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b""): pass
                    break
                left = size
                while left > 0:
                    got = len(self.rfile.read(min(left, 1 << 20))); left -= got
                    if got == 0: break
                total += size; self.rfile.readline()
        else:
            left = int(self.headers.get("Content-Length", "0"))
            while left > 0:
                got = len(self.rfile.read(min(left, 1 << 20)))
                if got == 0: break
                total += got; left -= got
        self.reply(200, ("received %d bytes\n" % total).encode())
    do_PUT = do_POST
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
s.daemon_threads = True
print("upstream port %d" % s.server_address[1], flush=True)
s.serve_forever()
"""#

    /// A websocket echo server (prints `websocket port N`).
    static let websocketEcho = #"""
import asyncio, websockets
async def echo(ws):
    async for m in ws:
        await ws.send(m)
async def main():
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        print("websocket port %d" % server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
"""#

    /// A websocket client: argv[1] is the URL; sends three messages (one large) and checks the
    /// echoes; prints `echo ok` or the failure.
    static let websocketClient = #"""
import asyncio, sys, websockets
async def main():
    async with websockets.connect(sys.argv[1], open_timeout=10) as ws:
        for m in ["hello", "x" * 200000, "bye"]:
            await ws.send(m)
            got = await asyncio.wait_for(ws.recv(), 10)
            if got != m: print("echo mismatch", len(got), len(m)); return
    print("echo ok")
asyncio.run(main())
"""#
}
