import DozeJSON
import Testing
@testable import Controller

/// The reconciler's pure parts: diff-before-apply, replica choice, status and route verdicts.
@Suite struct ReconcilePureTests {
    static func app(_ name: String = "hello", ns: String = "team-a", spec: JSON = ["image": "python:3.12-slim"],
                    created: String = "2026-01-01T00:00:00Z", status: JSON = .null) -> JSON {
        var o: JSON = ["apiVersion": "doze.dev/v1alpha1", "kind": "App",
                       "metadata": ["name": .string(name), "namespace": .string(ns), "uid": .string("u-\(name)"),
                                    "generation": 3, "creationTimestamp": .string(created)],
                       "spec": spec]
        if !status.isNull { o["status"] = status }
        return o
    }

    static func rendered(_ replicas: Int = 0) throws -> RenderedApp {
        try App(parsing: app()).render(RenderContext(baseURL: "http://localhost:8080"), replicas: .count(replicas))
    }

    /// What an API server would hold after applying `desired`: defaults added, nothing removed.
    static func served(_ desired: JSON) -> JSON {
        var live = desired
        live[path: "metadata", "uid"] = "child-uid"
        live[path: "metadata", "resourceVersion"] = "42"
        live[path: "metadata", "labels", "extra"] = "added-by-someone"
        live[path: "spec", "progressDeadlineSeconds"] = 600
        live = Self.editContainer(live) { $0["imagePullPolicy"] = "IfNotPresent" }
        live["status"] = ["replicas": 0]
        return live
    }

    static func editContainer(_ d: JSON, _ edit: (inout JSON) -> Void) -> JSON {
        var d = d
        var containers = d[path: "spec", "template", "spec", "containers"].array ?? []
        edit(&containers[0])
        d[path: "spec", "template", "spec", "containers"] = .array(containers)
        return d
    }

    @Test func convergedChildNeedsNoApply() throws {
        let d = ChildDiff.stamped(try Self.rendered().deployment)
        #expect(ChildDiff.needsApply(d, live: nil))
        #expect(!ChildDiff.needsApply(d, live: Self.served(d)))
    }

    @Test func driftOrChangeNeedsApply() throws {
        let d = ChildDiff.stamped(try Self.rendered().deployment)
        var drifted = Self.served(d)
        drifted = Self.editContainer(drifted) { $0["image"] = "nginx" }
        #expect(ChildDiff.needsApply(d, live: drifted))
        // A field we no longer render is not visible to containment; the applied hash catches it.
        var withExtra = try Self.rendered().deployment
        withExtra = Self.editContainer(withExtra) { $0["command"] = ["old"] }
        let liveFromOld = Self.served(ChildDiff.stamped(withExtra))
        #expect(ChildDiff.needsApply(d, live: liveFromOld))
    }

    @Test func replicasAreOutsideTheHash() throws {
        let asleep = try Self.rendered(0).deployment, awake = try Self.rendered(1).deployment
        #expect(ChildDiff.hash(of: asleep) == ChildDiff.hash(of: awake))
        #expect(ChildDiff.needsApply(ChildDiff.stamped(awake), live: Self.served(ChildDiff.stamped(asleep))))
    }

    @Test func numbersCompareByValue() {
        #expect(ChildDiff.contains(["a": .double(2)], ["a": 2]))
        #expect(!ChildDiff.contains(["a": [1, 2, 3]], ["a": [1, 2]]))
    }

    @Test func desiredReplicas() throws {
        var s = try App(parsing: Self.app()).spec.scaling
        #expect(Reconciler.desiredReplicas(s, live: nil) == 0, "a new App starts asleep")
        #expect(Reconciler.desiredReplicas(s, live: 0) == 0)
        #expect(Reconciler.desiredReplicas(s, live: 1) == 1, "a wake is not undone")
        s.scaleToZero = false
        s.minReplicas = 2
        s.maxReplicas = 3
        #expect(Reconciler.desiredReplicas(s, live: nil) == 2)
        #expect(Reconciler.desiredReplicas(s, live: 0) == 2)
        #expect(Reconciler.desiredReplicas(s, live: 5) == 3)
    }

    static func deployment(spec: Int, ready: Int, updated: Int? = nil, generation: Int = 1, observed: Int = 1) -> JSON {
        ["metadata": ["generation": .int(Int64(generation))], "spec": ["replicas": .int(Int64(spec))],
         "status": ["observedGeneration": .int(Int64(observed)), "replicas": .int(Int64(spec)),
                    "readyReplicas": .int(Int64(ready)), "updatedReplicas": .int(Int64(updated ?? spec))]]
    }

    func ready(_ status: JSON) -> String? {
        status["conditions"].array?.first { $0["type"] == "Ready" }?["status"].string
    }

    @Test func statusAsleepIsReadyAndIdle() {
        let o = AppObservation(verdict: .valid(url: "http://x/hello", scaleToZero: true),
                               deployment: Self.deployment(spec: 0, ready: 0), desiredReplicas: 0)
        let (status, events) = AppStatusBuilder.build(app: Self.app(), observation: o, now: "2026-01-01T00:00:01Z")
        #expect(status["state"] == "Idle" && ready(status) == "True" && status["url"] == "http://x/hello")
        #expect(status["observedGeneration"] == 3)
        #expect(events.map(\.reason) == ["Idle"])
    }

    @Test func statusWakingRunningAndRollout() {
        func build(_ d: JSON) -> JSON {
            AppStatusBuilder.build(app: Self.app(), observation: AppObservation(
                verdict: .valid(url: "u", scaleToZero: true), deployment: d, desiredReplicas: 1), now: "t").status
        }
        let waking = build(Self.deployment(spec: 1, ready: 0))
        #expect(waking["state"] == "Waking" && ready(waking) == "False")
        let running = build(Self.deployment(spec: 1, ready: 1))
        #expect(running["state"] == "Running" && ready(running) == "True" && running["readyReplicas"] == 1)
        let unobserved = build(Self.deployment(spec: 1, ready: 1, generation: 2, observed: 1))
        #expect(ready(unobserved) == "Unknown")
    }

    @Test func invalidSpecEventOnlyOnTransition() throws {
        let invalid = InvalidSpec(problems: [.init(field: "spec.port", message: "must be 1-65535")])
        let o = AppObservation(verdict: .invalid(invalid), deployment: nil, desiredReplicas: 0)
        let first = AppStatusBuilder.build(app: Self.app(), observation: o, now: "t1")
        #expect(first.status["state"] == "Failed" && ready(first.status) == "False")
        #expect(first.events == [Transition(type: "Warning", reason: "InvalidSpec", message: "spec.port: must be 1-65535")])
        let again = AppStatusBuilder.build(app: Self.app(status: first.status), observation: o, now: "t2")
        #expect(again.events.isEmpty)
        #expect(!AppStatusBuilder.changed(old: first.status, new: again.status), "lastTransitionTime kept")
    }

    @Test func routeIndexOlderKeepsTheRoute() {
        let idx = RouteIndex()
        let spec: JSON = ["image": "x", "route": ["host": "a.example.com", "path": "/p"]]
        let older = Self.app("one", ns: "ns1", spec: spec, created: "2026-01-01T00:00:00Z")
        let newer = Self.app("two", ns: "ns2", spec: spec, created: "2026-01-02T00:00:00Z")
        #expect(idx.update(key: "ns2/two", object: newer).isEmpty)
        #expect(idx.update(key: "ns1/one", object: older) == ["ns2/two"])
        #expect(idx.holder(ofRouteOf: "ns2/two") == "ns1/one")
        #expect(idx.holder(ofRouteOf: "ns1/one") == nil)
        #expect(idx.update(key: "ns1/one", object: nil) == ["ns2/two"])
        #expect(idx.holder(ofRouteOf: "ns2/two") == nil)
    }
}
