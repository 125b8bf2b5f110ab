import DozeJSON
import Testing
@testable import LocalCluster

@Suite struct ObjectStoreTests {
    let store = ObjectStore()

    @Test func createAssignsMetadata() throws {
        let o = try store.create(.configMaps, configMap("a"))
        #expect(o["kind"] == "ConfigMap" && o["apiVersion"] == "v1")
        #expect(o["metadata"]["uid"].string?.count == 36)
        #expect(Int(o["metadata"]["resourceVersion"].string ?? "") != nil)
        #expect(o["metadata"]["creationTimestamp"].string?.hasSuffix("Z") == true)
        #expect(o["metadata"]["generation"].isNull)  // ConfigMaps keep no generation
        #expect(try store.get(.configMaps, namespace: "default", name: "a") == o)
    }

    @Test func defaultNamespacesExist() throws {
        let names = try store.list(.namespaces).items.compactMap { $0["metadata"]["name"].string }
        #expect(names.contains("default") && names.contains("kube-system"))
        #expect(try store.get(.namespaces, name: "default")["status"]["phase"] == "Active")
    }

    @Test func resourceVersionIsGlobalAndIncreasing() throws {
        let a = try store.create(.configMaps, configMap("a"))
        let d = try store.create(.deployments, deployment("web"))
        let a2 = try store.update(.configMaps, configMap("a", data: ["k": "v"]))
        let rvs = [a, d, a2].map { Int($0["metadata"]["resourceVersion"].string!)! }
        #expect(rvs == rvs.sorted() && Set(rvs).count == 3)
        #expect(store.resourceVersion == String(rvs[2]))
    }

    @Test func generateNameAddsFiveCharacters() throws {
        var cm = configMap("")
        cm["metadata"]["name"] = nil
        cm["metadata"]["generateName"] = "web-"
        let o = try store.create(.configMaps, cm)
        let name = o["metadata"]["name"].string!
        #expect(name.hasPrefix("web-") && name.count == 9)
    }

    @Test func missingNameIsInvalid() {
        var cm = configMap("")
        cm["metadata"]["name"] = nil
        #expect(throws: APIError.self) { try store.create(.configMaps, cm) }
        do { try store.create(.configMaps, cm) } catch {
            #expect(error.code == 422 && error.reason == "Invalid")
            #expect(error.message.contains("name or generateName is required"))
        }
    }

    @Test func duplicateIsAlreadyExists() throws {
        try store.create(.configMaps, configMap("a"))
        do { try store.create(.configMaps, configMap("a")); Issue.record("no error") } catch {
            #expect(error.code == 409 && error.reason == "AlreadyExists")
            #expect(error.message == "configmaps \"a\" already exists")
            #expect(error.status["details"]["kind"] == "configmaps")
        }
    }

    @Test func missingIsNotFoundWithQualifiedResource() {
        do { _ = try store.get(.deployments, namespace: "default", name: "nope"); Issue.record("no error") } catch {
            #expect(error.code == 404 && error.message == "deployments.apps \"nope\" not found")
            #expect(error.status["details"]["group"] == "apps")
        }
    }

    @Test func createInMissingNamespaceIsNotFound() {
        do { try store.create(.configMaps, configMap("a", namespace: "ghost")); Issue.record("no error") } catch {
            #expect(error.code == 404 && error.message == "namespaces \"ghost\" not found")
        }
    }

    @Test func staleResourceVersionIsConflict() throws {
        let o = try store.create(.configMaps, configMap("a"))
        var first = o
        first["data"] = ["x": "1"]
        try store.update(.configMaps, first)
        var stale = o
        stale["data"] = ["x": "2"]
        do { try store.update(.configMaps, stale); Issue.record("no error") } catch {
            #expect(error.code == 409 && error.reason == "Conflict")
            #expect(error.message.contains("the object has been modified"))
        }
    }

    @Test func updateWithoutResourceVersionWinsForBuiltins() throws {
        try store.create(.configMaps, configMap("a"))
        let o = try store.update(.configMaps, configMap("a", data: ["k": "v"]))
        #expect(o["data"]["k"] == "v")
    }

    @Test func noOpUpdateKeepsResourceVersion() throws {
        let o = try store.create(.configMaps, configMap("a"))
        let again = try store.update(.configMaps, o)
        #expect(again["metadata"]["resourceVersion"] == o["metadata"]["resourceVersion"])
    }

    @Test func generationCountsSpecNotLabelsOrStatus() throws {
        let d = try store.create(.deployments, deployment("web"))
        #expect(d["metadata"]["generation"] == 1)
        var labelled = d
        labelled["metadata"]["labels"] = ["x": "y"]
        #expect(try store.update(.deployments, labelled)["metadata"]["generation"] == 1)
        var status = try store.get(.deployments, namespace: "default", name: "web")
        status["status"] = ["replicas": 3]
        #expect(try store.updateStatus(.deployments, status)["metadata"]["generation"] == 1)
        var spec = try store.get(.deployments, namespace: "default", name: "web")
        spec["spec"]["replicas"] = 5
        #expect(try store.update(.deployments, spec)["metadata"]["generation"] == 2)
        var annotated = try store.get(.deployments, namespace: "default", name: "web")
        annotated["metadata"]["annotations"] = ["a": "b"]
        #expect(try store.update(.deployments, annotated)["metadata"]["generation"] == 3)
    }

    @Test func statusSubresourceSeparation() throws {
        var d = deployment("web")
        d["status"] = ["replicas": 9]
        let created = try store.create(.deployments, d)
        #expect(created["status"]["replicas"].isNull)  // create drops status

        var viaMain = created
        viaMain["status"] = ["replicas": 4]
        viaMain["spec"]["replicas"] = 2
        let afterMain = try store.update(.deployments, viaMain)
        #expect(afterMain["status"]["replicas"].isNull && afterMain["spec"]["replicas"] == 2)

        var viaStatus = afterMain
        viaStatus["status"] = ["replicas": 4]
        viaStatus["spec"]["replicas"] = 7
        let afterStatus = try store.updateStatus(.deployments, viaStatus)
        #expect(afterStatus["status"]["replicas"] == 4 && afterStatus["spec"]["replicas"] == 2)
    }

    @Test func defaultsAreFilled() throws {
        var d = deployment("web")
        d["spec"]["replicas"] = nil
        let o = try store.create(.deployments, d)
        #expect(o["spec"]["replicas"] == 1 && o["spec"]["strategy"]["type"] == "RollingUpdate")
        let svc = try store.create(.services, ["metadata": ["name": "web", "namespace": "default"],
                                               "spec": ["ports": [["port": 80]]]])
        #expect(svc["spec"]["clusterIP"].string?.hasPrefix("10.96.") == true)
        #expect(svc["spec"]["ports"][0]["targetPort"] == 80 && svc["spec"]["ports"][0]["protocol"] == "TCP")
    }

    @Test func modifyIsAtomicReadModifyWrite() throws {
        try store.create(.configMaps, configMap("a"))
        let o = try store.modify(.configMaps, namespace: "default", name: "a") { $0["data"]["n"] = "1" }
        #expect(o["data"]["n"] == "1")
    }

    @Test func dryRunWritesNothing() throws {
        let rv = store.resourceVersion
        let o = try store.create(.configMaps, configMap("a"), dryRun: true)
        #expect(o["metadata"]["name"] == "a" && store.resourceVersion == rv)
        #expect(throws: APIError.self) { try store.get(.configMaps, namespace: "default", name: "a") }
    }

    @Test func invalidNameIsRejected() {
        do { try store.create(.configMaps, configMap("Bad_Name")); Issue.record("no error") } catch {
            #expect(error.code == 422 && error.status["details"]["causes"][0]["field"] == "metadata.name")
        }
    }
}
