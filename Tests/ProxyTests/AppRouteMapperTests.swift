import DozeJSON
import Foundation
import Synchronization
import KubeClient
import Testing
@testable import Proxy

@Suite struct AppRouteMapperTests {
    func app(_ spec: JSON, name: String = "web", namespace: String = "team") -> AppObject {
        AppObject(json: ["apiVersion": "doze.dev/v1alpha1", "kind": "App",
                         "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": spec])
    }

    func slice(_ service: String, namespace: String = "team", _ endpoints: [(String, JSON, String)]) -> EndpointSlice {
        EndpointSlice(json: [
            "metadata": ["name": .string(service + "-abc"), "namespace": .string(namespace),
                         "labels": ["kubernetes.io/service-name": .string(service)]],
            "addressType": "IPv4",
            "endpoints": .array(endpoints.map { ip, conditions, pod in
                ["addresses": [.string(ip)], "conditions": conditions, "targetRef": ["kind": "Pod", "name": .string(pod)]]
            }),
            "ports": [["name": "http", "port": 8000]],
        ])
    }

    @Test func defaultsGiveAnyHostRootAndStrip() throws {
        let r = try AppRouteMapper.route(for: app(["image": "x"]), slices: [])
        #expect(r.host == nil && r.path == "/" && r.stripPath)
        #expect(r.upstreams.isEmpty)
        #expect(r.app?.key == "team/web")
        #expect(r.app?.wake == WakeSettings(minReplicas: 1, scaleToZero: true, startupTimeout: .seconds(120),
                                            requestTimeout: .seconds(300), healthPath: "/"))
    }

    @Test func readyStartingAndTerminatingEndpoints() throws {
        let s = slice("web", [
            ("127.1.0.2", ["ready": true, "serving": true, "terminating": false], "p2"),
            ("127.1.0.1", [:], "p1"),  // no conditions: ready by the API's rule
            ("127.1.0.3", ["ready": false, "serving": false, "terminating": false], "p3"),
            ("127.1.0.4", ["ready": false, "serving": true, "terminating": true], "p4"),
        ])
        let other = slice("api", [("127.1.0.9", ["ready": true], "q")])
        let r = try AppRouteMapper.route(for: app(["port": 9000]), slices: [s, other])
        #expect(r.upstreams.map(\.authority) == ["127.1.0.1:9000", "127.1.0.2:9000"])
        #expect(r.app?.starting.map(\.authority) == ["127.1.0.3:9000"])
        #expect(r.app?.present.count == 4)
        #expect(r.app?.present[Upstream(host: "127.1.0.4", port: 9000)] == "p4")
    }

    @Test func routeAndScalingFields() throws {
        let r = try AppRouteMapper.route(for: app([
            "route": ["host": "Hello.LOCALHOST", "path": "/st/", "stripPath": false],
            "health": "/_stcore/health",
            "scaling": ["minReplicas": 2, "scaleToZero": false, "startupTimeout": "1m30s", "requestTimeout": "500ms"],
        ]), slices: [])
        #expect(r.host == "hello.localhost" && r.path == "/st" && !r.stripPath)
        #expect(r.app?.wake == WakeSettings(minReplicas: 2, scaleToZero: false, startupTimeout: .seconds(90),
                                            requestTimeout: .milliseconds(500), healthPath: "/st/_stcore/health"))
    }

    @Test(arguments: [
        (["route": ["host": "bad host!"]] as JSON, "spec.route.host"),
        (["route": ["path": "nope"]] as JSON, "spec.route.path"),
        (["scaling": ["startupTimeout": "soon"]] as JSON, "spec.scaling.startupTimeout"),
        (["port": 70000] as JSON, "spec.port"),
    ])
    func unroutableSpecsAreErrorsNamingTheField(spec: JSON, field: String) {
        #expect {
            try AppRouteMapper.route(for: app(spec), slices: [])
        } throws: { ($0 as? AppRouteError)?.description.hasPrefix(field) == true }
    }

    @Test func goDurations() {
        #expect(GoDuration.parse("90s") == .seconds(90))
        #expect(GoDuration.parse("1h30m") == .seconds(5400))
        #expect(GoDuration.parse("500ms") == .milliseconds(500))
        #expect(GoDuration.parse("1.5s") == .milliseconds(1500))
        #expect(GoDuration.parse("0") == .zero)
        for bad in ["", "10", "5x", "-1s", "s"] { #expect(GoDuration.parse(bad) == nil, "\(bad)") }
    }

    @Test func sourceSkipsUnroutableAppsAndLogsOnce() throws {
        let logged = LogLines()
        let source = KubeRouteSource(client: KubeClient(transport: URLSessionTransport(server: URL(string: "http://127.0.0.1:1")!)),
                                     staticRoutes: [testRoute("static.example.com", "/")], log: { logged.add($0) })
        let apps: [ObjectKey: AppObject] = [
            ObjectKey(namespace: "team", name: "bad"): app(["route": ["path": "x"]], name: "bad"),
            ObjectKey(namespace: "team", name: "web"): app([:]),
        ]
        var reported: [String: String] = [:]
        let routes = source.routes(apps: apps, slices: ["team/web": [slice("web", [("127.1.0.1", [:], "p")])]], reported: &reported)
        _ = source.routes(apps: apps, slices: [:], reported: &reported)
        #expect(routes.map(\.name) == ["static.example.com/", "*/"])
        #expect(routes[1].upstreams.map(\.authority) == ["127.1.0.1:8000"])
        #expect(logged.lines.count == 1 && logged.lines[0].contains("team/bad"))
    }
}

@Suite struct SourceStateTests {
    let app = AppObject(json: ["metadata": ["name": "web", "namespace": "team"], "spec": [:]])
    let slice = EndpointSlice(json: ["metadata": ["name": "web-x", "namespace": "team",
                                                  "labels": ["kubernetes.io/service-name": "web"]]])

    @Test func snapshotsWaitForEveryWatchsFirstList() {
        var s = SourceState(watches: 4)
        var rebuilds: [Bool] = []
        rebuilds.append(s.apply(app: .initStarted, watch: 0))
        rebuilds.append(s.apply(app: .initApply(app), watch: 0))
        rebuilds.append(s.apply(app: .initDone, watch: 0))
        // One watch listing twice (a relist) is not every watch.
        rebuilds += [s.apply(app: .initStarted, watch: 0), s.apply(app: .initApply(app), watch: 0), s.apply(app: .initDone, watch: 0)]
        rebuilds.append(s.apply(slice: .initDone, watch: 1))
        // The second namespace's list must not replace the first one's.
        let other = AppObject(json: ["metadata": ["name": "api", "namespace": "other"], "spec": [:]])
        rebuilds += [s.apply(app: .initStarted, watch: 2), s.apply(app: .initApply(other), watch: 2), s.apply(app: .initDone, watch: 2)]
        #expect(s.snapshot() == nil)
        #expect(rebuilds == Array(repeating: false, count: 10))
        rebuilds = [s.apply(slice: .initDone, watch: 3), s.apply(slice: .apply(slice), watch: 3),
                    s.apply(slice: .initStarted, watch: 3)]  // a relist is rebuilt at its end
        #expect(rebuilds == [true, true, false])
        let snap = s.snapshot()
        #expect(snap?.0.keys.map(\.description).sorted() == ["other/api", "team/web"])
        #expect(snap?.1["team/web"]?.count == 1)
    }
}

final class LogLines: Sendable {
    private let stored = Mutex<[String]>([])
    func add(_ s: String) { stored.withLock { $0.append(s) } }
    var lines: [String] { stored.withLock { $0 } }
}
