import HTTPCore
import Testing
@testable import Proxy

@Suite struct RequestPlanTests {
    let table = RouteTable(routes: [testRoute("a.example.com", "/x", strip: true), testRoute(nil, "/api")])

    func plan(_ target: String, method: String = "GET", host: String? = "a.example.com", upgrade: Bool = false) -> RequestPlan {
        var h = HTTPHeaders()
        if let host { h.add("Host", host) }
        if upgrade { h.add("Connection", "Upgrade"); h.add("Upgrade", "websocket") }
        return RequestPlan.make(method: method, target: target, headers: h, table: table)
    }

    @Test func forwardsWithTheStrippedTarget() {
        #expect(plan("/x/y?q=1") == .forward(.init(route: 0, target: "/y?q=1", host: "a.example.com", isUpgrade: false)))
        #expect(plan("/x") == .forward(.init(route: 0, target: "/", host: "a.example.com", isUpgrade: false)))
        #expect(plan("/api/v1", host: "b") == .forward(.init(route: 1, target: "/api/v1", host: "b", isUpgrade: false)))
        #expect(plan("/x/ws", upgrade: true) == .forward(.init(route: 0, target: "/ws", host: "a.example.com", isUpgrade: true)))
    }

    @Test func absoluteFormOverridesHost() {
        #expect(plan("http://a.example.com/x/z", host: "other") == .forward(.init(route: 0, target: "/z", host: "a.example.com", isUpgrade: false)))
        #expect(plan("http://b.example.com?q", host: nil) == .respond(.noRoute(host: "b.example.com", path: "/")))
    }

    @Test func answersWhatCannotBeForwarded() {
        #expect(plan("/nothing") == .respond(ErrorPage(status: 404, detail: "no app at host a.example.com path /nothing")))
        #expect(plan("/xy?z") == .respond(.noRoute(host: "a.example.com", path: "/xy")))
        #expect(plan("a.example.com:443", method: "CONNECT") == .respond(ErrorPage(status: 405, detail: "CONNECT is not supported")))
        #expect(plan("*", method: "OPTIONS") == .respond(ErrorPage(status: 400, detail: "unsupported request target")))
    }
}
