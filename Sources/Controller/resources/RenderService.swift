import DozeJSON

extension App {
    /// The ClusterIP Service the proxy's EndpointSlice watch follows: port 80 named `http` to the
    /// container port named `http`, so changing `spec.port` needs no Service change.
    func service() -> JSON {
        var s = child("v1", "Service", name: name)
        s["spec"] = [
            "type": "ClusterIP",
            "selector": selector,
            "ports": [["name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"]],
        ]
        return s
    }
}
