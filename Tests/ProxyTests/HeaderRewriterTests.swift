import HTTPCore
import Testing
@testable import Proxy

@Suite struct RequestHeaderRewriterTests {
    let route = testRoute("a.example.com", "/x", strip: true, "127.0.0.1:8080")
    let upstream = Upstream(host: "127.0.0.1", port: 8080)
    let trusted = TrustedProxies(try! CIDR.parseList("10.0.0.0/8"))

    func rewrite(_ headers: HTTPHeaders, peer: String = "192.0.2.9:4000", upgrade: Bool = false) -> HTTPHeaders {
        RequestHeaderRewriter.upstreamHeaders(headers, route: route, upstream: upstream,
                                              peer: ClientPeer(remoteAddress: peer, trustedProxies: trusted),
                                              isUpgrade: upgrade, trustedProxies: trusted)
    }

    @Test func dropsHopByHopAndConnectionListedFields() {
        let out = rewrite(["Host": "a.example.com", "Connection": "keep-alive, X-Secret", "Keep-Alive": "timeout=5",
                           "X-Secret": "1", "Proxy-Connection": "close", "TE": "trailers", "Trailer": "X-T",
                           "Transfer-Encoding": "chunked", "Upgrade": "websocket", "Accept": "*/*"])
        for gone in ["Connection", "Keep-Alive", "X-Secret", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"] {
            #expect(out[gone] == nil, "\(gone)")
        }
        #expect(out["Accept"] == "*/*")
        #expect(out.fields.first?.name == "Host" && out["Host"] == "127.0.0.1:8080")
    }

    @Test func setsForwardingFieldsAfreshForAnUntrustedPeer() {
        let out = rewrite(["Host": "a.example.com", "X-Forwarded-For": "6.6.6.6", "X-Real-IP": "6.6.6.6",
                           "Forwarded": "for=6.6.6.6", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil",
                           "X-Forwarded-Prefix": "/evil", "X-Forwarded-Port": "1"])
        #expect(out.values("X-Forwarded-For") == ["192.0.2.9"])
        #expect(out["X-Real-IP"] == "192.0.2.9")
        #expect(out["X-Forwarded-Proto"] == "http")
        #expect(out["X-Forwarded-Host"] == "a.example.com")
        #expect(out["X-Forwarded-Prefix"] == "/x")
        #expect(out["Forwarded"] == nil)
        #expect(out["X-Forwarded-Port"] == nil)
    }

    @Test func extendsTheChainOfATrustedPeer() {
        let out = rewrite(["Host": "a.example.com", "X-Forwarded-For": "203.0.113.5, 10.0.0.7", "X-Forwarded-For": "10.0.0.8",
                           "X-Forwarded-Proto": "https", "X-Forwarded-Host": "public.example.com",
                           "X-Forwarded-Prefix": "/edge/", "Forwarded": "for=203.0.113.5", "X-Real-IP": "1.1.1.1"],
                          peer: "10.1.1.1:999")
        #expect(out.values("X-Forwarded-For") == ["203.0.113.5, 10.0.0.7, 10.0.0.8, 10.1.1.1"])
        #expect(out["X-Real-IP"] == "203.0.113.5", "the nearest untrusted hop")
        #expect(out["X-Forwarded-Proto"] == "https")
        #expect(out["X-Forwarded-Host"] == "public.example.com")
        #expect(out["X-Forwarded-Prefix"] == "/edge/x")
        #expect(out["Forwarded"] == "for=203.0.113.5")
    }

    @Test func upgradesKeepHostAndUpgradeFields() {
        let headers: HTTPHeaders = ["Host": "a.example.com", "Connection": "Upgrade", "Upgrade": "websocket",
                                    "Sec-WebSocket-Key": "k"]
        #expect(RequestHeaderRewriter.isUpgradeRequest(headers))
        #expect(!RequestHeaderRewriter.isUpgradeRequest(["Upgrade": "websocket"]))
        let out = rewrite(headers, upgrade: true)
        #expect(out["Host"] == "a.example.com")
        #expect(out["Connection"] == "upgrade")
        #expect(out["Upgrade"] == "websocket")
        #expect(out["Sec-WebSocket-Key"] == "k")
    }

    @Test func hostHeaderOmitsPort80() {
        #expect(Upstream(host: "10.1.2.3", port: 80).hostHeader == "10.1.2.3")
        #expect(Upstream(host: "::1", port: 81).hostHeader == "[::1]:81")
    }

    @Test func noPrefixWhenNothingIsStripped() {
        let r = testRoute(nil, "/x", "127.0.0.1:8080")
        let out = RequestHeaderRewriter.upstreamHeaders(["Host": "h"], route: r, upstream: upstream,
                                                        peer: ClientPeer(remoteAddress: "[::1]:5", trustedProxies: trusted),
                                                        isUpgrade: false, trustedProxies: trusted)
        #expect(out["X-Forwarded-Prefix"] == nil)
        #expect(out["X-Forwarded-For"] == "::1")
    }
}

@Suite struct ResponseHeaderRewriterTests {
    let route = testRoute("a.example.com", "/x", strip: true, "127.0.0.1:8080")
    let upstream = Upstream(host: "127.0.0.1", port: 8080)

    func location(_ value: String, route: Route? = nil, host: String? = "a.example.com") -> String {
        ResponseHeaderRewriter.rewriteLocation(value, route: route ?? self.route, upstream: upstream, externalHost: host, proto: "http")
    }

    @Test func rewritesLocations() {
        #expect(location("http://127.0.0.1:8080/y?q=1") == "http://a.example.com/x/y?q=1")
        #expect(location("HTTP://127.0.0.1:8080") == "http://a.example.com/x/")
        #expect(location("//127.0.0.1:8080/z") == "http://a.example.com/x/z")
        #expect(location("/y") == "/x/y")
        #expect(location("/") == "/x/")
        #expect(location("http://elsewhere.example.com/y") == "http://elsewhere.example.com/y")
        #expect(location("y/z") == "y/z")
        #expect(location("/y", route: testRoute(nil, "/x", "127.0.0.1:8080")) == "/y", "nothing stripped, nothing to add")
        #expect(location("http://127.0.0.1:8080/y", host: nil) == "/x/y")
        let port80 = Upstream(host: "10.1.2.3", port: 80)
        #expect(ResponseHeaderRewriter.rewriteLocation("http://10.1.2.3/p", route: route, upstream: port80,
                                                       externalHost: "h", proto: "http") == "http://h/x/p")
    }

    @Test func dropsHopByHopExceptForATunnel() {
        let upstreamHeaders: HTTPHeaders = ["Connection": "close, X-Hop", "X-Hop": "1", "Keep-Alive": "timeout=5",
                                            "Transfer-Encoding": "chunked", "Content-Type": "text/plain",
                                            "Location": "/next", "Upgrade": "websocket"]
        let out = ResponseHeaderRewriter.clientHeaders(upstreamHeaders, status: 302, route: route, upstream: upstream,
                                                       externalHost: "a.example.com", proto: "http")
        #expect(out == ["Content-Type": "text/plain", "Location": "/x/next"])
        let tunnel = ResponseHeaderRewriter.clientHeaders(["Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Accept": "a"],
                                                          status: 101, route: route, upstream: upstream,
                                                          externalHost: nil, proto: "http")
        #expect(tunnel == ["Sec-WebSocket-Accept": "a", "Connection": "upgrade", "Upgrade": "websocket"])
    }

    @Test func leavesAListWithNothingToEditAsItIs() {
        // Connection, Transfer-Encoding and Content-Length are the client connection's to write:
        // its writer drops them from any list, so the rewriter need not copy the list for them.
        let upstreamHeaders: HTTPHeaders = ["Server": "nginx", "Connection": "keep-alive", "Content-Length": "3",
                                            "Transfer-Encoding": "chunked"]
        let out = ResponseHeaderRewriter.clientHeaders(upstreamHeaders, status: 200, route: route, upstream: upstream,
                                                       externalHost: "a.example.com", proto: "http")
        #expect(out == upstreamHeaders)
    }
}
