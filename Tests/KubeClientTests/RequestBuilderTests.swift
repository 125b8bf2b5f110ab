import DozeJSON
import Testing
@testable import KubeClient

/// The exact paths and queries the client sends (kube-api.md §1).
@Suite struct RequestBuilderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var request: KubeRequest
        var method: HTTPMethod
        var target: String
        var testDescription: String { name }
    }

    static let deployments = RequestBuilder(resource: .deployment, namespace: "web")
    static let allDeployments = RequestBuilder(resource: .deployment, namespace: nil)
    static let pods = RequestBuilder(resource: .pod, namespace: "default")
    static let namespaces = RequestBuilder(resource: .namespace, namespace: "ignored")
    static let crds = RequestBuilder(resource: .customResourceDefinition, namespace: nil)
    static let apps = RequestBuilder(resource: .app, namespace: "team-a")

    static let cases: [Case] = [
        Case(name: "get namespaced", request: try! deployments.get("api"), method: .get,
             target: "/apis/apps/v1/namespaces/web/deployments/api"),
        Case(name: "get core", request: try! pods.get("p-1"), method: .get, target: "/api/v1/namespaces/default/pods/p-1"),
        Case(name: "get cluster-scoped", request: try! namespaces.get("kube-system"), method: .get,
             target: "/api/v1/namespaces/kube-system"),
        Case(name: "get CRD", request: try! crds.get("apps.doze.dev"), method: .get,
             target: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/apps.doze.dev"),
        Case(name: "get custom resource", request: try! apps.get("blog"), method: .get,
             target: "/apis/doze.dev/v1alpha1/namespaces/team-a/apps/blog"),
        Case(name: "list plain", request: deployments.list(), method: .get, target: "/apis/apps/v1/namespaces/web/deployments"),
        Case(name: "list all namespaces", request: allDeployments.list(), method: .get, target: "/apis/apps/v1/deployments"),
        Case(name: "list selectors and paging",
             request: pods.list(ListOptions(labelSelector: "app=web,tier in (a,b)", fieldSelector: "status.phase!=Failed",
                                            limit: 50, continueToken: "eyJ2Ijo+/=", resourceVersion: "0")),
             method: .get,
             target: "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29"
                 + "&fieldSelector=status.phase%21%3DFailed&limit=50&continue=eyJ2Ijo%2B%2F%3D&resourceVersion=0"),
        Case(name: "list exact RV", request: pods.list(ListOptions(resourceVersion: "12", resourceVersionMatch: "Exact")),
             method: .get, target: "/api/v1/namespaces/default/pods?resourceVersion=12&resourceVersionMatch=Exact"),
        Case(name: "watch", request: deployments.watch(WatchOptions(resourceVersion: "100", timeoutSeconds: 300)),
             method: .get,
             target: "/apis/apps/v1/namespaces/web/deployments?watch=true&resourceVersion=100&allowWatchBookmarks=true&timeoutSeconds=300"),
        Case(name: "watch selectors, no bookmarks",
             request: allDeployments.watch(WatchOptions(labelSelector: "a=b", fieldSelector: "metadata.name=x",
                                                        allowWatchBookmarks: false, timeoutSeconds: nil)),
             method: .get,
             target: "/apis/apps/v1/deployments?watch=true&labelSelector=a%3Db&fieldSelector=metadata.name%3Dx"),
        Case(name: "create", request: try! deployments.create(["a": 1], WriteOptions(fieldManager: "doze")), method: .post,
             target: "/apis/apps/v1/namespaces/web/deployments?fieldManager=doze"),
        Case(name: "create dry run strict",
             request: try! pods.create(["a": 1], WriteOptions(dryRun: true, fieldValidation: "Strict")), method: .post,
             target: "/api/v1/namespaces/default/pods?dryRun=All&fieldValidation=Strict"),
        Case(name: "replace", request: try! deployments.replace("api", ["a": 1]), method: .put,
             target: "/apis/apps/v1/namespaces/web/deployments/api"),
        Case(name: "merge patch", request: try! deployments.patch("api", .merge(["a": 1]), WriteOptions(fieldManager: "m")),
             method: .patch, target: "/apis/apps/v1/namespaces/web/deployments/api?fieldManager=m"),
        Case(name: "apply forced", request: try! apps.patch("blog", .apply(["a": 1], fieldManager: "doze-controller", force: true)),
             method: .patch, target: "/apis/doze.dev/v1alpha1/namespaces/team-a/apps/blog?fieldManager=doze-controller&force=true"),
        Case(name: "apply not forced", request: try! apps.patch("blog", .apply(["a": 1], fieldManager: "doze")),
             method: .patch, target: "/apis/doze.dev/v1alpha1/namespaces/team-a/apps/blog?fieldManager=doze"),
        Case(name: "delete plain", request: try! deployments.delete("api"), method: .delete,
             target: "/apis/apps/v1/namespaces/web/deployments/api"),
        Case(name: "delete foreground grace 0",
             request: try! pods.delete("p", DeleteOptions(propagationPolicy: .foreground, gracePeriodSeconds: 0)),
             method: .delete, target: "/api/v1/namespaces/default/pods/p?gracePeriodSeconds=0&propagationPolicy=Foreground"),
        Case(name: "delete collection",
             request: try! pods.deleteCollection(ListOptions(labelSelector: "app=x"), DeleteOptions(propagationPolicy: .background)),
             method: .delete, target: "/api/v1/namespaces/default/pods?labelSelector=app%3Dx&propagationPolicy=Background"),
        Case(name: "get status", request: try! apps.getSubresource("status", "blog"), method: .get,
             target: "/apis/doze.dev/v1alpha1/namespaces/team-a/apps/blog/status"),
        Case(name: "replace status", request: try! apps.replaceSubresource("status", "blog", [:]), method: .put,
             target: "/apis/doze.dev/v1alpha1/namespaces/team-a/apps/blog/status"),
        Case(name: "patch scale", request: try! deployments.patchSubresource("scale", "api", .merge(["spec": ["replicas": 0]])),
             method: .patch, target: "/apis/apps/v1/namespaces/web/deployments/api/scale"),
        Case(name: "escaped name", request: try! RequestBuilder(resource: .secret, namespace: "a b").get("x/y"), method: .get,
             target: "/api/v1/namespaces/a%20b/secrets/x%2Fy"),
        Case(name: "events.k8s.io", request: RequestBuilder(resource: .event, namespace: "n").list(), method: .get,
             target: "/apis/events.k8s.io/v1/namespaces/n/events"),
        Case(name: "core events", request: RequestBuilder(resource: .coreEvent, namespace: "n").list(), method: .get,
             target: "/api/v1/namespaces/n/events"),
        Case(name: "endpointslices", request: RequestBuilder(resource: .endpointSlice, namespace: "n").list(
                ListOptions(labelSelector: "kubernetes.io/service-name=web")), method: .get,
             target: "/apis/discovery.k8s.io/v1/namespaces/n/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb"),
        Case(name: "lease", request: try! RequestBuilder(resource: .lease, namespace: "doze-system").get("doze-controller"),
             method: .get, target: "/apis/coordination.k8s.io/v1/namespaces/doze-system/leases/doze-controller"),
    ]

    @Test(arguments: cases) func pathAndQuery(_ c: Case) {
        #expect(c.request.method == c.method)
        #expect(c.request.target == c.target)
    }

    @Test func patchContentTypesAndBodies() throws {
        let b = Self.deployments
        #expect(try b.patch("a", .merge(["x": 1])).contentType == "application/merge-patch+json")
        #expect(try b.patch("a", .strategic(["x": 1])).contentType == "application/strategic-merge-patch+json")
        let json = try b.patch("a", .json([["op": "replace", "path": "/spec/replicas", "value": 2]]))
        #expect(json.contentType == "application/json-patch+json")
        #expect(json.body.map { String(decoding: $0, as: UTF8.self) } == #"[{"op":"replace","path":"/spec/replicas","value":2}]"#)
        let apply = try b.patch("a", .apply(["kind": "Deployment"], fieldManager: "m"))
        #expect(apply.contentType == "application/apply-patch+yaml")
        #expect(apply.body.map { String(decoding: $0, as: UTF8.self) } == #"{"kind":"Deployment"}"#)
    }

    @Test func deleteBodyCarriesPreconditions() throws {
        let r = try Self.pods.delete("p", DeleteOptions(preconditions: Preconditions(uid: "u-1", resourceVersion: "7")))
        #expect(r.contentType == "application/json")
        let body = try JSON(parsing: r.body ?? [])
        #expect(body["kind"].string == "DeleteOptions")
        #expect(body[path: "preconditions", "uid"].string == "u-1")
        #expect(body[path: "preconditions", "resourceVersion"].string == "7")
        #expect(try Self.pods.delete("p").body == nil)
    }

    @Test func watchIdleTimeoutOutlastsServerTimeout() {
        #expect(Self.pods.watch(WatchOptions(timeoutSeconds: 300)).idleTimeout == 330)
        #expect(Self.pods.watch(WatchOptions(timeoutSeconds: nil)).idleTimeout == 330)
        #expect(Self.pods.list().idleTimeout == nil)
    }

    @Test func objectOperationsNeedANamespace() {
        #expect(throws: KubeError.self) { try Self.allDeployments.get("x") }
        #expect(throws: KubeError.self) { try Self.allDeployments.create([:]) }
        #expect(throws: KubeError.self) { try Self.deployments.get("") }
        // Cluster-scoped kinds never take one.
        #expect(Self.namespaces.list().target == "/api/v1/namespaces")
    }

    @Test func idempotency() throws {
        let b = Self.deployments
        #expect(try b.get("a").isIdempotent)
        #expect(try b.replace("a", [:]).isIdempotent)
        #expect(try b.delete("a").isIdempotent)
        #expect(try b.patch("a", .merge([:])).isIdempotent)
        #expect(try b.patch("a", .apply([:], fieldManager: "m")).isIdempotent)
        #expect(try !b.create([:]).isIdempotent)
        #expect(try !b.patch("a", .json([])).isIdempotent)
        #expect(try !b.patch("a", .strategic([:])).isIdempotent)
    }

    @Test func urlOnServerWithPath() throws {
        let r = Self.pods.list(ListOptions(limit: 1))
        #expect(r.url(on: URL(string: "https://k:6443/")!)?.absoluteString == "https://k:6443/api/v1/namespaces/default/pods?limit=1")
        #expect(r.url(on: URL(string: "https://k/proxy")!)?.absoluteString == "https://k/proxy/api/v1/namespaces/default/pods?limit=1")
    }
}

import Foundation
