import Foundation

/// App manifests and the small Python programs the end-to-end tests run as pods. Pods are local
/// processes: they run the same `python3` as the tests (absolute path, since a pod's PATH is
/// the container default and may find another interpreter without websockets or streamlit).
enum TestApps {
    /// The interpreter `python3` on PATH resolves to.
    static let python: String = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sys; print(sys.executable)"]
        let out = Pipe()
        p.standardOutput = out
        try? p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? "python3" : path
    }()

    /// An App manifest. `command` is the pod's argv; `extra` is YAML appended under `spec:`.
    static func manifest(name: String, command: [String], idleTimeout: String, params: [String: String] = [:],
                         route: String? = nil, extra: String = "") -> String {
        let argv = command.map { "\"\($0)\"" }.joined(separator: ", ")
        let paramLines = params.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
        return """
            apiVersion: doze.dev/v1alpha1
            kind: App
            metadata:
              name: \(name)
              namespace: default
            spec:
              image: python:3.12-slim
              command: [\(argv)]
              port: 8000
            \(params.isEmpty ? "" : "  params:\n" + paramLines)
              route:
            \(route ?? "    host: \(name).localhost")
              scaling:
                idleTimeout: \(idleTimeout)
            \(extra)
            """
    }

    /// Writes `source` as `file` in `dir`; returns its path.
    static func write(_ source: String, as file: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(file).path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// An HTTP server that appends its PID to $PID_FILE, answers every GET 200 with its PID,
    /// and serves many connections at once (the crowd test).
    static let pidServer = """
        import os
        from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
        with open(os.environ["PID_FILE"], "a") as f:
            f.write("%d\\n" % os.getpid())
        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *a): pass
            def do_GET(self):
                body = ("hello from %d\\n" % os.getpid()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        class S(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 1024
        S((os.environ["POD_IP"], int(os.environ["PORT"])), H).serve_forever()
        """

    /// A websocket echo server (websockets) that answers plain GETs 200, for the health probe.
    static let wsEchoServer = """
        import asyncio, os
        from http import HTTPStatus
        from websockets.asyncio.server import serve
        async def echo(ws):
            async for message in ws:
                await ws.send(message)
        def plain_http(connection, request):
            if request.headers.get("Upgrade", "").lower() != "websocket":
                return connection.respond(HTTPStatus.OK, "ok\\n")
        async def main():
            async with serve(echo, os.environ["POD_IP"], int(os.environ["PORT"]), process_request=plain_http):
                await asyncio.get_running_loop().create_future()
        asyncio.run(main())
        """

    /// A websocket client: connects through the proxy, echoes a message every 250 ms for
    /// `TRAFFIC_SECONDS` (printing "traffic ok N"), then prints "silent" and keeps the connection
    /// open without traffic until the server closes it ("closed") or 120 s pass.
    static let wsClient = """
        import asyncio, sys, time
        from websockets.asyncio.client import connect
        async def main(host, port, seconds):
            async with connect("ws://%s:%d/echo" % (host, port), host="127.0.0.1", port=port, open_timeout=60) as ws:
                print("open", flush=True)
                n, end = 0, time.monotonic() + seconds
                while time.monotonic() < end:
                    await ws.send("ping %d" % n)
                    assert await asyncio.wait_for(ws.recv(), 10) == "ping %d" % n
                    n += 1
                    await asyncio.sleep(0.25)
                print("traffic ok %d" % n, flush=True)
                print("silent", flush=True)
                try:
                    await asyncio.wait_for(ws.wait_closed(), 120)
                    print("closed", flush=True)
                except asyncio.TimeoutError:
                    print("still open", flush=True)
        asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
        """

    /// A streamlit page (its text is checked through the proxy).
    static let streamlitApp = """
        import streamlit as st
        st.title("Doze streamlit check")
        st.write("hello from streamlit")
        """

    /// Opens streamlit's /st/_stcore/stream websocket through the proxy, asks for a run of the
    /// script (a protobuf BackMsg, as the browser does) and waits for the page title to come back
    /// as a delta: "stream open SUBPROTOCOL", then "title received".
    static let streamlitStreamClient = """
        import asyncio, sys
        from websockets.asyncio.client import connect
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        async def main(port):
            async with connect("ws://localhost:%d/st/_stcore/stream" % port, host="127.0.0.1", port=port,
                               subprotocols=["streamlit"], open_timeout=60) as ws:
                print("stream open %s" % ws.subprotocol, flush=True)
                m = BackMsg()
                m.rerun_script.query_string = ""
                m.rerun_script.page_script_hash = ""
                await ws.send(m.SerializeToString())
                kinds = []
                while True:
                    f = ForwardMsg()
                    f.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
                    kinds.append(f.WhichOneof("type"))
                    if kinds[-1] == "delta" and "Doze streamlit check" in str(f):
                        print("title received", flush=True)
                        break
                    if kinds[-1] == "script_finished":
                        break
                print("messages %s" % kinds, flush=True)
        asyncio.run(main(int(sys.argv[1])))
        """
}
