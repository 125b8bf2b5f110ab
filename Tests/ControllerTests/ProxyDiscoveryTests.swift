import DozeJSON
import Testing
@testable import Controller

@Suite struct ProxyDiscoveryTests {
    @Test func adminURLsFromReadyOrServingEndpointsOnTheAdminPort() {
        let slices: [JSON] = [
            ["ports": [["name": "http", "port": 8080], ["name": "admin", "port": 9091]],
             "endpoints": [["addresses": ["10.0.0.1"], "conditions": ["ready": true]],
                           ["addresses": ["10.0.0.2"]],
                           ["addresses": ["10.0.0.3"], "conditions": ["ready": false, "serving": true, "terminating": true]],
                           ["addresses": ["10.0.0.4"], "conditions": ["ready": false, "serving": false]]]],
            ["ports": [["name": "admin", "port": 9091]], "endpoints": [["addresses": ["fd00::5", "10.0.0.1"]]]],
            ["ports": [["name": "http", "port": 8080]], "endpoints": [["addresses": ["10.0.0.9"]]]],
        ]
        #expect(ProxyDiscovery.adminURLs(slices) ==
                ["http://10.0.0.1:9091", "http://10.0.0.2:9091", "http://10.0.0.3:9091", "http://[fd00::5]:9091"])
    }

    @Test func serviceRefParsesNamespaceSlashName() {
        let ref = ProxyDiscovery.ServiceRef(parsing: "doze-system/doze-proxy-admin")
        #expect(ref == ProxyDiscovery.ServiceRef(namespace: "doze-system", name: "doze-proxy-admin"))
        #expect(ref?.sliceSelector == "kubernetes.io/service-name=doze-proxy-admin")
        #expect(ProxyDiscovery.ServiceRef(parsing: "no-slash") == nil)
        #expect(ProxyDiscovery.ServiceRef(parsing: "a/b/c") == nil)
        #expect(ProxyDiscovery.ServiceRef(parsing: "/b") == nil)
    }

    @Test func autoscalerTargetsAreDeploymentsOnly() {
        func hpa(_ ns: String, kind: String, name: String, api: String = "apps/v1") -> JSON {
            ["metadata": ["namespace": .string(ns), "name": "h"],
             "spec": ["scaleTargetRef": ["apiVersion": .string(api), "kind": .string(kind), "name": .string(name)]]]
        }
        #expect(AutoscalerIndex.targets([hpa("a", kind: "Deployment", name: "web"), hpa("b", kind: "StatefulSet", name: "db"),
                                         hpa("c", kind: "Deployment", name: "x", api: "example.com/v1")]) == ["a/web"])
    }

    @Test func anAutoscaledDeploymentKeepsItsCountAboveZero() throws {
        let app = try App(parsing: ["metadata": ["name": "api", "namespace": "default"],
                                    "spec": ["image": "x", "scaling": ["minReplicas": 1, "maxReplicas": 3]]])
        #expect(Reconciler.desiredReplicas(app.spec.scaling, live: 8) == 3)
        #expect(Reconciler.desiredReplicas(app.spec.scaling, live: 8, autoscaled: true) == 8)
        #expect(Reconciler.desiredReplicas(app.spec.scaling, live: 0, autoscaled: true) == 0, "asleep stays asleep")
    }
}
