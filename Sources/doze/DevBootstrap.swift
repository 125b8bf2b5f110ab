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

    /// Reads and parses every document of every file, before anything starts: a typo ends
    /// `doze dev` at once instead of after the cluster came up.
    static func load(_ paths: [String]) throws -> [DevObject] {
        var objects: [DevObject] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                let hint = DevOptions.defaultFiles.contains(path) ? " (run doze dev from the repository's root, or name App files)" : ""
                throw DevError("cannot read \(path)\(hint)")
            }
            for (i, doc) in DevManifests.documents(String(decoding: data, as: UTF8.self)).enumerated() {
                let object = try YAML.parse(doc, source: "\(path) (document \(i + 1))")
                guard let resource = DevManifests.resource(of: object), object[path: "metadata", "name"].string != nil else {
                    throw DevError("\(path): cannot apply \(object["apiVersion"].string ?? "?") \(object["kind"].string ?? "?") (document \(i + 1))")
                }
                objects.append(DevObject(object: object, resource: resource))
            }
        }
        return objects
    }

    /// Server-side applies the objects in order; returns the Apps as the server stored them.
    func apply(_ objects: [DevObject]) async throws -> [JSON] {
        var apps: [JSON] = []
        for o in objects {
            let stored = try await apply(o.object, as: o.resource)
            if o.resource == .app { apps.append(stored) }
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

/// One document of an App file and the API resource it is applied as.
struct DevObject {
    let object: JSON
    let resource: ResourceType
}

struct DevError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
