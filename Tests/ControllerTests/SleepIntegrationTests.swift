import DozeJSON
import Foundation
import KubeClient
import LocalCluster
import Synchronization
import Testing
@testable import Controller

/// The leader's sleep loop against the in-process local cluster (simulated pods) and a real HTTP
/// peer speaking the proxy admin API, found through the proxy admin Service's EndpointSlice.
@Suite(.serialized) struct SleepIntegrationTests {
    static let spec: JSON = ["image": "nginx", "scaling": ["idleTimeout": "2s"]]

    struct Setup {
        let cluster: TestCluster
        let peer: ProxyAdminPeer
        let ctl: RunningController

        static func start() async throws -> Setup {
            let cluster = try await TestCluster()
            let peer = try ProxyAdminPeer()
            await cluster.registerProxyAdmin(ports: [peer.port])
            await cluster.createNamespace("team")
            let ref = ProxyDiscovery.ServiceRef(namespace: TestCluster.proxyAdmin.namespace, name: TestCluster.proxyAdmin.name)
            let ctl = RunningController(cluster, proxyService: ref)
            return Setup(cluster: cluster, peer: peer, ctl: ctl)
        }

        func stop() async {
            await ctl.stop()
            await peer.stop()
            await cluster.stop()
        }

        func app(_ name: String) -> JSON? { cluster.get(TestCluster.apps, "team", name) }
        func replicas(_ name: String) -> Int? { cluster.get(.deployments, "team", name)?[path: "spec", "replicas"].int }

        /// Creates the App, waits until it is asleep, then wakes it as a proxy would.
        func createAndWake(_ name: String, spec: JSON = SleepIntegrationTests.spec) async {
            await cluster.createApp(name, namespace: "team", spec: spec)
            #expect(await cluster.eventually { app(name)?[path: "status", "state"] == "Idle" })
            #expect(await cluster.wake("team", name) == 200)
            #expect(await cluster.eventually { app(name)?[path: "status", "state"] == "Running" })
        }
    }

    @Test func anIdleAppSleepsWithinASecondOfItsTimeoutAndWakesAgain() async throws {
        let s = try await Setup.start()
        s.peer.set("team/web")
        await s.createAndWake("web")
        #expect(s.app("web")?[path: "status", "wakeCount"] == 1)
        // The last request ends now; the App must be at zero 2 s later, give or take the loop.
        let last = ContinuousClock.now, lastWall = Date()
        s.peer.set("team/web", lastActivity: last)
        let sleptAt = Mutex<ContinuousClock.Instant?>(nil)
        #expect(await s.cluster.eventually(timeout: 10) {
            guard s.replicas("web") == 0 else { return false }
            sleptAt.withLock { $0 = $0 ?? .now }
            return true
        })
        let latency = last.duration(to: try #require(sleptAt.withLock { $0 })) - .seconds(2)
        print("sleep latency (idle deadline → scaled to 0): \(latency)")
        #expect(latency >= .zero && latency <= .milliseconds(1500), "\(latency)")
        #expect(await s.cluster.eventually { s.app("web")?[path: "status", "state"] == "Idle" })
        // Written after the scale-down (the reconciler's Idle may come first); whole seconds.
        #expect(await s.cluster.eventually {
            guard let t = s.app("web")?[path: "status", "lastActivityTime"].string.flatMap(KubeTime.parse) else { return false }
            return abs(t.timeIntervalSince(lastWall)) <= 1.5
        }, "\(s.app("web")?[path: "status", "lastActivityTime"] ?? .null) vs \(lastWall)")
        #expect(s.cluster.list(.events, "team").contains { $0["reason"] == "Sleeping" && $0[path: "involvedObject", "name"] == "web" })
        // Fenced, then unfenced as slept, in that order, around the scale-down.
        let calls = s.peer.calls.filter { $0.app == "team/web" }
        #expect(calls.map(\.path) == ["/fence", "/unfence"] && calls.last?.slept == true, "\(calls)")
        #expect(s.ctl.controller.metrics.sleepAttempts("slept") == 1)
        #expect(s.ctl.controller.metrics.render().contains("doze_controller_proxy_replicas_answering 1"))

        // A proxy wakes it again: Running, one more wake, an Event.
        #expect(await s.cluster.wake("team", "web") == 200)
        #expect(await s.cluster.eventually {
            s.app("web")?[path: "status", "state"] == "Running" && s.app("web")?[path: "status", "wakeCount"] == 2
        })
        #expect(s.cluster.list(.events, "team").contains { $0["reason"] == "Woken" && $0[path: "involvedObject", "name"] == "web" })
        await s.stop()
    }

    @Test func aRequestInFlightKeepsItUp() async throws {
        let s = try await Setup.start()
        s.peer.set("team/busy", inFlight: 1, lastActivity: .now - .seconds(60))
        await s.createAndWake("busy")
        let gets = s.peer.activityGets
        // Past the idle timeout and then some: still up, and the controller kept asking.
        #expect(await s.cluster.eventually(timeout: 4) { s.replicas("busy") == 0 } == false)
        #expect(s.replicas("busy") == 1)
        #expect(s.peer.activityGets >= gets + 3)
        #expect(s.peer.calls.isEmpty, "never fenced: \(s.peer.calls)")
        await s.stop()
    }

    @Test func aRequestHeldByTheFenceAbortsTheSleep() async throws {
        let s = try await Setup.start()
        s.peer.set("team/held", lastActivity: .now - .seconds(60), heldAtFence: 1)
        await s.createAndWake("held")
        // The fence answer shows a held request: unfenced with slept:false, still up.
        #expect(await s.cluster.eventually(timeout: 10) {
            s.peer.calls.contains { $0.path == "/unfence" && $0.slept == false }
        })
        #expect(s.replicas("held") == 1)
        #expect(s.ctl.controller.metrics.sleepAttempts("aborted") >= 1)
        // Once nothing is held any more, the next attempt goes through.
        s.peer.set("team/held", lastActivity: .now - .seconds(60))
        #expect(await s.cluster.eventually(timeout: 10) { s.replicas("held") == 0 })
        #expect(await s.cluster.eventually { s.peer.calls.last?.path == "/unfence" && s.peer.calls.last?.slept == true })
        await s.stop()
    }

    @Test func inFlightRequestsScaleUpByTargetConcurrencyUnlessAnHPAScalesIt() async throws {
        let s = try await Setup.start()
        let scaling: JSON = ["idleTimeout": "2s", "minReplicas": 1, "maxReplicas": 5, "targetConcurrency": 100]
        s.peer.set("team/wide", inFlight: 250)
        s.peer.set("team/auto", inFlight: 1000)
        let hpa: JSON = ["apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                         "metadata": ["name": "auto", "namespace": "team"],
                         "spec": ["scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": "auto"],
                                  "minReplicas": 1, "maxReplicas": 8]]
        #expect(await s.cluster.request("POST", "/apis/autoscaling/v2/namespaces/team/horizontalpodautoscalers", hpa).status == 201)
        for name in ["wide", "auto"] {
            await s.cluster.createApp(name, namespace: "team", spec: ["image": "nginx", "scaling": scaling,
                                                                      "route": ["path": .string("/\(name)")]])
        }
        #expect(await s.cluster.eventually { s.replicas("wide") == 0 && s.replicas("auto") == 0 })
        // 250 in flight at 100 per replica: 3 replicas, at once.
        #expect(await s.cluster.wake("team", "wide") == 200)
        #expect(await s.cluster.eventually { s.replicas("wide") == 3 })
        // The HPA's count stands, above the App's max too, whatever the proxies report.
        #expect(await s.cluster.wake("team", "auto", to: 7) == 200)
        #expect(await s.cluster.eventually(timeout: 3) { s.replicas("auto") != 7 } == false)
        #expect(await s.cluster.eventually { s.app("auto")?[path: "status", "state"] == "Running" })
        #expect(s.replicas("auto") == 7)
        await s.stop()
    }

    @Test func onlyTheLeaderSleepsAppsAndItsSuccessorCarriesOn() async throws {
        let cluster = try await TestCluster()
        let peer = try ProxyAdminPeer()
        await cluster.registerProxyAdmin(ports: [peer.port])
        await cluster.createNamespace("team")
        let ref = ProxyDiscovery.ServiceRef(namespace: TestCluster.proxyAdmin.namespace, name: TestCluster.proxyAdmin.name)
        let a = RunningController(cluster, identity: "a", lease: .seconds(2), proxyService: ref)
        let b = RunningController(cluster, identity: "b", lease: .seconds(2), proxyService: ref)
        #expect(await cluster.eventually { a.controller.isLeader || b.controller.isLeader })
        let (leader, follower) = a.controller.isLeader ? (a, b) : (b, a)
        #expect(await cluster.eventually { leader.controller.metrics.render().contains("doze_controller_proxy_replicas_answering 1") })
        #expect(follower.controller.metrics.render().contains("doze_controller_proxy_replicas 0"), "a follower gathers nothing")
        await leader.stop()
        #expect(await cluster.eventually(timeout: 10) { follower.controller.isLeader })
        // The successor puts an idle App to sleep: idleness counts from its term's start at the latest.
        peer.set("team/late", lastActivity: .now - .seconds(60))
        await cluster.createApp("late", namespace: "team", spec: SleepIntegrationTests.spec)
        #expect(await cluster.eventually { cluster.get(.deployments, "team", "late")?[path: "spec", "replicas"] == 0 })
        let woke = await cluster.wake("team", "late")
        #expect(woke == 200, "\(cluster.get(.deployments, "team", "late") ?? .null)")
        #expect(await cluster.eventually(timeout: 10) {
            cluster.get(TestCluster.apps, "team", "late")?[path: "status", "state"] == "Idle"
                && cluster.get(TestCluster.apps, "team", "late")?[path: "status", "wakeCount"] == 1
        })
        #expect(follower.controller.metrics.sleepAttempts("slept") == 1)
        await follower.stop()
        await peer.stop()
        await cluster.stop()
    }

    @Test func anUnreachableProxyKeepsItsLastReport() async throws {
        let cluster = try await TestCluster()
        let idle = try ProxyAdminPeer(replica: "idle"), busy = try ProxyAdminPeer(replica: "busy")
        await cluster.registerProxyAdmin(ports: [idle.port, busy.port])
        await cluster.createNamespace("team")
        let ref = ProxyDiscovery.ServiceRef(namespace: TestCluster.proxyAdmin.namespace, name: TestCluster.proxyAdmin.name)
        let ctl = RunningController(cluster, proxyService: ref)
        idle.set("team/kept", lastActivity: .now - .seconds(60))
        busy.set("team/kept", inFlight: 1, lastActivity: .now - .seconds(60))
        await cluster.createApp("kept", namespace: "team", spec: Self.spec)
        #expect(await cluster.eventually { cluster.get(TestCluster.apps, "team", "kept")?[path: "status", "state"] == "Idle" })
        #expect(await cluster.wake("team", "kept") == 200)
        #expect(await cluster.eventually { ctl.controller.metrics.render().contains("doze_controller_proxy_replicas_answering 2") })
        // The busy replica goes silent: its last word (a request in flight) still holds.
        await busy.stop()
        #expect(await cluster.eventually(timeout: 4) { cluster.get(.deployments, "team", "kept")?[path: "spec", "replicas"] == 0 } == false)
        #expect(ctl.controller.metrics.render().contains("doze_controller_proxy_replicas 2"))
        #expect(ctl.controller.metrics.render().contains("doze_controller_proxy_replicas_answering 1"))
        #expect(idle.calls.isEmpty, "never fenced: the decision already says busy")
        await ctl.stop()
        await idle.stop()
        await cluster.stop()
    }

    @Test func aWakeBetweenTheDecisionAndTheScaleDownWins() async throws {
        let s = try await Setup.start()
        s.peer.set("team/race", lastActivity: .now - .seconds(60))
        await s.createAndWake("race", spec: ["image": "nginx", "scaling": ["idleTimeout": "2s", "maxReplicas": 2]])
        // While the App is fenced, someone scales it 1 → 2: the scale-down's `test` fails.
        let cluster = s.cluster
        s.peer.state.onFence.withLock { $0 = { app in
            if app == "team/race" { await cluster.wake("team", "race", from: 1, to: 2) }
        } }
        #expect(await cluster.eventually(timeout: 10) {
            s.peer.calls.contains { $0.app == "team/race" && $0.path == "/unfence" && $0.slept == false }
        })
        #expect(s.replicas("race") == 2, "the wake won")
        #expect(s.ctl.controller.metrics.sleepAttempts("aborted") >= 1 && s.ctl.controller.metrics.sleepAttempts("slept") == 0)
        // Without the race, the next attempt (after its backoff) puts it to sleep from 2.
        s.peer.state.onFence.withLock { $0 = nil }
        #expect(await cluster.eventually(timeout: 10) { s.replicas("race") == 0 })
        await s.stop()
    }
}
