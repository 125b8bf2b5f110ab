import DozeJSON
import Foundation
import KubeClient

/// What `doze dev` writes to its fresh cluster, through the API like any client would: the App
/// CRD, the proxy-admin Service and EndpointSlice, then the user's App manifests.
struct DevBootstrap {
    static let fieldManager = "doze-dev"
    let client: KubeClient

    /// The App CRD (embedded in the binary), once the API serves `apps.doze.dev`.
    func installCRD() async throws {
        let crd = try JSON(parsing: Array(EmbeddedAppCRD.json.utf8))
        try await apply(crd, as: .customResourceDefinition)
        let apps = client.dynamicApi(.app, namespace: nil)
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do { _ = try await apps.list(ListOptions(limit: 1)); return } catch {
                guard ContinuousClock.now < deadline else { throw DevError("the App CRD was not served within 30s: \(error)") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Contract §4: `doze-system/doze-proxy-admin`, selector-less, and a slice naming the proxy.
    func registerProxy(replica: String, adminPort: Int) async throws {
        try await apply(DevManifests.namespace(DevManifests.systemNamespace), as: .namespace)
        try await apply(DevManifests.proxyAdminServiceObject(adminPort: adminPort), as: .service)
        try await apply(DevManifests.proxyAdminSlice(replica: replica, adminPort: adminPort), as: .endpointSlice)
    }

    /// Server-side applies every document of every file; returns the Apps as the server stored them.
    func applyFiles(_ paths: [String]) async throws -> [JSON] {
        var apps: [JSON] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { throw DevError("cannot read \(path)") }
            for (i, doc) in DevManifests.documents(String(decoding: data, as: UTF8.self)).enumerated() {
                let object = try YAML.parse(doc, source: "\(path) (document \(i + 1))")
                guard let resource = DevManifests.resource(of: object) else {
                    throw DevError("\(path): cannot apply \(object["apiVersion"].string ?? "?") \(object["kind"].string ?? "?")")
                }
                let stored = try await apply(object, as: resource)
                if resource == .app { apps.append(stored) }
            }
        }
        return apps
    }

    @discardableResult
    func apply(_ object: JSON, as resource: ResourceType) async throws -> JSON {
        guard let name = object[path: "metadata", "name"].string else { throw DevError("a \(resource.kind) without metadata.name") }
        let namespace = resource.namespaced ? (object[path: "metadata", "namespace"].string ?? "default") : nil
        let api = client.dynamicApi(resource, namespace: namespace)
        return try await api.patch(name, .apply(object, fieldManager: Self.fieldManager, force: true)).json
    }
}

struct DevError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
