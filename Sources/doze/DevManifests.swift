import Foundation
import DozeJSON
import KubeClient

/// Pure helpers of `doze dev`: YAML streams into documents, documents into API resources, Apps
/// into the URLs printed for them, and the objects that register the in-process proxy.
enum DevManifests {
    /// Splits a YAML stream on `---` lines (KubeClient's parser reads one document at a time).
    /// Documents that are only comments or blank are dropped.
    static func documents(_ text: String) -> [String] {
        var docs: [String] = [], current: [Substring] = []
        func flush() {
            if current.contains(where: { let t = $0.trimmingCharacters(in: .whitespaces); return !t.isEmpty && !t.hasPrefix("#") }) {
                docs.append(current.joined(separator: "\n") + "\n")
            }
            current = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "---" || trimmed.hasPrefix("--- ") || trimmed == "..." { flush() } else { current.append(line) }
        }
        flush()
        return docs
    }

    /// The kinds `doze dev` applies from files: Apps and what an App may reference.
    static let kinds: [ResourceType] = [.app, .namespace, .secret, .configMap, .service, .deployment,
                                         .persistentVolumeClaim, .customResourceDefinition]

    static func resource(of object: JSON) -> ResourceType? {
        let apiVersion = object["apiVersion"].string, kind = object["kind"].string
        return kinds.first { $0.apiVersion == apiVersion && $0.kind == kind }
    }

    /// `http://HOST:PORT/PATH` for an App: its route host (`localhost` when absent or a wildcard,
    /// since `*.localhost` names resolve to loopback) and path, with a trailing slash so a
    /// path-routed app gets its directory.
    static func url(of app: JSON, proxyPort: Int) -> String {
        let route = app[path: "spec", "route"]
        var host = route["host"].string ?? "localhost"
        if host.hasPrefix("*.") { host = "localhost" }
        var path = route["path"].string ?? "/"
        if !path.hasSuffix("/") { path += "/" }
        return "http://\(host):\(proxyPort)\(path)"
    }

    static let systemNamespace = "doze-system"
    static let proxyAdminService = "doze-proxy-admin"

    static func namespace(_ name: String) -> JSON {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
    }

    /// A selector-less Service for the proxy's admin port: the controller finds proxies through
    /// its EndpointSlices, which `doze dev` writes by hand (contract §4).
    static func proxyAdminServiceObject(adminPort: Int) -> JSON {
        ["apiVersion": "v1", "kind": "Service",
         "metadata": ["name": .string(proxyAdminService), "namespace": .string(systemNamespace),
                      "labels": ["app.kubernetes.io/name": "doze-proxy", "app.kubernetes.io/managed-by": "doze-dev"]],
         "spec": ["ports": [["name": "admin", "port": JSON(adminPort), "targetPort": JSON(adminPort), "protocol": "TCP"]]]]
    }

    /// The EndpointSlice naming one proxy replica's admin address. `replica` tells slices of
    /// several replicas apart (the in-process proxy is `dev`).
    static func proxyAdminSlice(replica: String, host: String = "127.0.0.1", adminPort: Int) -> JSON {
        ["apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": ["name": .string("\(proxyAdminService)-\(replica)"), "namespace": .string(systemNamespace),
                      "labels": ["kubernetes.io/service-name": .string(proxyAdminService),
                                 "endpointslice.kubernetes.io/managed-by": "doze-dev"]],
         "addressType": "IPv4",
         "endpoints": [["addresses": [.string(host)],
                        "conditions": ["ready": true, "serving": true, "terminating": false]]],
         "ports": [["name": "admin", "port": JSON(adminPort), "protocol": "TCP"]]]
    }
}
