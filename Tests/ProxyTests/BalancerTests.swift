import Testing
@testable import Proxy

@Suite struct BalancerTests {
    let table = RouteTable(routes: [testRoute(nil, "/", "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3")], generation: 1)

    @Test func tiesRotateRoundRobin() {
        var b = LeastOutstandingBalancer()
        var picks: [Int] = []
        for _ in 0..<6 {
            let lease = b.acquire(route: 0, in: table)!
            picks.append(lease.upstream)
            b.release(lease)
        }
        #expect(picks == [0, 1, 2, 0, 1, 2])
    }

    @Test func picksTheLeastOutstanding() {
        var b = LeastOutstandingBalancer()
        let a = b.acquire(route: 0, in: table)!     // 0 busy
        let c = b.acquire(route: 0, in: table)!     // 1 busy
        #expect([a.upstream, c.upstream] == [0, 1])
        #expect(b.acquire(route: 0, in: table)!.upstream == 2) // 2 busy
        b.release(c)                                 // 1 idle again
        #expect(b.acquire(route: 0, in: table)!.upstream == 1)
        #expect(b.outstanding(0) == 1 && b.outstanding(1) == 1 && b.outstanding(2) == 1)
    }

    @Test func excludesTriedUpstreams() {
        var b = LeastOutstandingBalancer()
        #expect(b.acquire(route: 0, in: table, excluding: [0, 1])?.upstream == 2)
        #expect(b.acquire(route: 0, in: table, excluding: [0, 1, 2]) == nil)
    }

    @Test func aNewSnapshotResetsCountsAndIgnoresOldLeases() {
        var b = LeastOutstandingBalancer()
        let old = b.acquire(route: 0, in: table)!
        let next = RouteTable(routes: table.routes, generation: 2)
        _ = b.acquire(route: 0, in: next)
        b.release(old)
        #expect(b.outstanding(0) == 1, "the old lease does not decrement the new counters")
    }

    @Test func retriesOnlyWhenNothingWasSent() {
        #expect(RetryPolicy.shouldRetry(failure: .connectRefused, sentAnything: false, attempts: 1, upstreamsLeft: true))
        #expect(RetryPolicy.shouldRetry(failure: .closedBeforeRequest, sentAnything: false, attempts: 1, upstreamsLeft: true))
        #expect(!RetryPolicy.shouldRetry(failure: .connectRefused, sentAnything: true, attempts: 1, upstreamsLeft: true))
        #expect(!RetryPolicy.shouldRetry(failure: .reset, sentAnything: false, attempts: 1, upstreamsLeft: true))
        #expect(!RetryPolicy.shouldRetry(failure: .responseTimeout, sentAnything: false, attempts: 1, upstreamsLeft: true))
        #expect(!RetryPolicy.shouldRetry(failure: .connectRefused, sentAnything: false, attempts: 1, upstreamsLeft: false))
        #expect(!RetryPolicy.shouldRetry(failure: .connectRefused, sentAnything: false, attempts: RetryPolicy.maxAttempts, upstreamsLeft: true))
    }
}

@Suite struct ErrorPageTests {
    let route = testRoute("a", "/x", "127.0.0.1:8080")

    @Test func namesTheCause() {
        let u = Upstream(host: "127.0.0.1", port: 8080)
        #expect(ErrorPage.upstream(.connectRefused, u, route: route).body == "502 Bad Gateway: upstream 127.0.0.1:8080 refused the connection\n")
        let timeout = ErrorPage.upstream(.responseTimeout, u, route: route, timeoutSeconds: 60)
        #expect(timeout.status == 504 && timeout.body == "504 Gateway Timeout: upstream 127.0.0.1:8080 did not respond within 60s\n")
        let none = ErrorPage.upstream(.noUpstream, nil, route: route)
        #expect(none.status == 503 && none.body == "503 Service Unavailable: no upstream available for route a/x\n")
        #expect(ErrorPage.noRoute(host: "x", path: "/y").body == "404 Not Found: no app at host x path /y\n")
        #expect(ErrorPage.noRoute(host: nil, path: "/y").body == "404 Not Found: no app at host (none) path /y\n")
    }
}
