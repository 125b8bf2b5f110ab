import DozeJSON
import KubeClient

/// Where the proxy replicas' admin endpoints are (contract §4): the EndpointSlices of the proxy
/// admin Service, every endpoint that is ready (or still serving while it terminates: it may hold
/// requests the sleep decision must see), on the slice port named `admin`.
public enum ProxyDiscovery {
    public static let portName = "admin"

    /// The proxy admin Service, `NS/NAME` as `--proxy-service` gives it.
    public struct ServiceRef: Sendable, Hashable, CustomStringConvertible {
        public var namespace: String
        public var name: String

        public init(namespace: String, name: String) {
            self.namespace = namespace
            self.name = name
        }

        /// Parses `NS/NAME`; nil when either part is missing.
        public init?(parsing text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            self.init(namespace: parts[0], name: parts[1])
        }

        /// The label selector of the Service's EndpointSlices.
        public var sliceSelector: String { "\(EndpointSlice.serviceNameLabel)=\(name)" }
        public var description: String { "\(namespace)/\(name)" }
    }

    /// Every admin base URL (`http://IP:PORT`) the slices name, sorted and without duplicates.
    public static func adminURLs(_ slices: [JSON]) -> [String] {
        var urls = Set<String>()
        for slice in slices {
            let ports = slice["ports"].array ?? []
            guard let port = ports.first(where: { $0["name"].string == portName })?["port"].int else { continue }
            for endpoint in slice["endpoints"].array ?? [] where usable(endpoint["conditions"]) {
                for address in endpoint["addresses"].array?.compactMap(\.string) ?? [] {
                    urls.insert("http://\(host(address)):\(port)")
                }
            }
        }
        return urls.sorted()
    }

    /// Ready (a missing `ready` means ready, as the API says) or serving.
    static func usable(_ conditions: JSON) -> Bool {
        (conditions["ready"].bool ?? true) || conditions["serving"].bool == true
    }

    static func host(_ address: String) -> String { address.contains(":") ? "[\(address)]" : address }
}
