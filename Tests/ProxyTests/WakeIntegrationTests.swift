import DozeJSON
import Foundation
import KubeClient
import Testing
@testable import Proxy

/// The wake path against an in-process local cluster running pods as real processes: Apps and
/// EndpointSlices watched through KubeClient, the Deployment scaled through the API, python's
/// http.server as the app.
@Suite(.serialized) struct WakeIntegrationTests {
    @Test func firstRequestToASleepingAppAnswers200AfterOneScaleCall() async throws {
        let cluster = try await WakeCluster { try await $0.app("web", spec: ["route": ["host": "web.test"]]) }
        defer { Task { await cluster.stop() } }
        let r = await httpRequest(port: cluster.proxy.port, "GET", "/", host: "web.test")
        #expect(r.status == 200, "\(r.head)\(r.body)")
        #expect(r.body.contains("Directory listing"))
        #expect(cluster.deployment("default", "web")?[path: "spec", "replicas"].int == 1)
        #expect(cluster.scaleWrites("default", "web") == 1)
        // Awake now: the next request takes the warm path, no more scale calls.
        let again = await httpRequest(port: cluster.proxy.port, "GET", "/", host: "web.test")
        #expect(again.status == 200)
        #expect(cluster.scaleWrites("default", "web") == 1)
        #expect(cluster.proxy.metrics.wake.wakesTotal == 1)
        let metrics = await httpRequest(port: cluster.proxy.adminPort, "GET", "/metrics")
        #expect(metrics.body.contains("doze_proxy_wakes_total 1"))
        #expect(metrics.body.contains("doze_proxy_wake_duration_seconds_count 1"))
        await cluster.stop()
    }
}
