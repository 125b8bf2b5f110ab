import Testing
@testable import Proxy

@Suite struct MetricsTests {
    @Test func sumsLoopsAndRendersPrometheusText() {
        let m = ProxyMetrics(loops: 2)
        let a = m.routeSlot("a.example.com/x")
        #expect(a == 1)
        #expect(m.routeSlot("a.example.com/x") == a, "stable")
        m.loops[0].requestFinished(routeSlot: a, status: 200, nanos: 300_000)      // 0.3 ms
        m.loops[1].requestFinished(routeSlot: a, status: 204, nanos: 2_000_000)    // 2 ms
        m.loops[1].requestFinished(routeSlot: a, status: 502, nanos: 20_000_000_000) // beyond the last bucket
        m.loops[0].requestFinished(routeSlot: 0, status: 404, nanos: 1000)
        m.loops[0].upstreamError(.connectRefused)
        m.loops[1].upstreamError(.connectRefused)
        m.loops[0].connectionOpened(); m.loops[1].connectionOpened(); m.loops[1].connectionClosed()
        m.loops[0].tunnelOpened()
        let text = m.render()
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            "# TYPE doze_proxy_requests_total counter",
            #"doze_proxy_requests_total{route="a.example.com/x",code="2xx"} 2"#,
            #"doze_proxy_requests_total{route="a.example.com/x",code="5xx"} 1"#,
            #"doze_proxy_requests_total{route="(none)",code="4xx"} 1"#,
            "# TYPE doze_proxy_request_duration_seconds histogram",
            #"doze_proxy_request_duration_seconds_bucket{route="a.example.com/x",le="0.0005"} 1"#,
            #"doze_proxy_request_duration_seconds_bucket{route="a.example.com/x",le="0.0025"} 2"#,
            #"doze_proxy_request_duration_seconds_bucket{route="a.example.com/x",le="10"} 2"#,
            #"doze_proxy_request_duration_seconds_bucket{route="a.example.com/x",le="+Inf"} 3"#,
            #"doze_proxy_request_duration_seconds_sum{route="a.example.com/x"} 20.0023"#,
            #"doze_proxy_request_duration_seconds_count{route="a.example.com/x"} 3"#,
            #"doze_proxy_upstream_errors_total{cause="connect_refused"} 2"#,
            #"doze_proxy_upstream_errors_total{cause="reset"} 0"#,
            "# TYPE doze_proxy_open_connections gauge",
            "doze_proxy_open_connections 1",
            "doze_proxy_open_tunnels 1",
        ] {
            #expect(lines.contains(expected), "\(expected)\n--- in ---\n\(text)")
        }
        #expect(text.components(separatedBy: "# HELP doze_proxy_requests_total").count == 2, "HELP once per family")
    }

    @Test func openConnectionsCanComeFromTheListener() {
        let m = ProxyMetrics(loops: 1)
        m.countOpenConnections { 7 }
        #expect(m.render().contains("\ndoze_proxy_open_connections 7\n"))
    }

    @Test func overflowingRoutesShareOneSeries() {
        let m = ProxyMetrics(loops: 1, routeCapacity: 4)
        #expect([m.routeSlot("a"), m.routeSlot("b"), m.routeSlot("c"), m.routeSlot("d")] == [1, 2, 3, 3])
        #expect(m.render().contains(#"route="(other)""#))
    }

    @Test func escapesLabelValues() {
        #expect(PrometheusText.escapeLabel("a\"b\\c\nd") == #"a\"b\\c\nd"#)
        #expect(PrometheusText.format(0.005) == "0.005")
        #expect(PrometheusText.format(10) == "10")
    }
}
