# An HTTPS server for the TLS tests: requires a client certificate signed by PKI/ca.pem, answers
# every GET with JSON (gitVersion, the client certificate's CN, the Authorization header).
# Used by ConfigTLSTests (Swift) and 20-kubeclient-tls.sh. Usage: 20-kubeclient-tls-server.py PKI_DIR   (prints the port it bound on 127.0.0.1 port 0)
import http.server, json, ssl, sys
pki = sys.argv[1]

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        cert = self.connection.getpeercert() or {}
        cn = [v for rdn in cert.get("subject", ()) for (k, v) in rdn if k == "commonName"]
        body = json.dumps({"gitVersion": "v1.99.0-doze", "path": self.path,
                           "client": cn[0] if cn else "", "authorization": self.headers.get("Authorization", "")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(pki + "/server.pem", pki + "/server.key")
ctx.load_verify_locations(pki + "/ca.pem")
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.set_alpn_protocols(["http/1.1"])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
