import DozeJSON

/// The `pod-template-hash` label: a 32-bit FNV-1a hash of the pod template (and the Deployment's
/// collisionCount), written with the API server's safe alphabet as Kubernetes does. The hash input
/// is our sorted-key JSON of the template rather than Go's struct dump, so values differ from a
/// real cluster's, but they are stable and change exactly when the template does.
enum PodTemplateHash {
    static func of(_ template: JSON, collisionCount: Int? = nil) -> String {
        var hash: UInt32 = 2_166_136_261
        func feed(_ bytes: some Sequence<UInt8>) {
            for b in bytes {
                hash ^= UInt32(b)
                hash = hash &* 16_777_619
            }
        }
        feed(ReplicaSetMirror.semantic(template).serializedBytes())
        if let collisionCount { feed(Array(String(collisionCount).utf8)) }
        // rand.SafeEncodeString over the decimal form.
        let alphabet = NameSuffix.alphabet
        return String(String(hash).utf8.map { alphabet[Int($0) % alphabet.count] })
    }
}

/// `intstr` values of maxSurge / maxUnavailable: an integer, or a percentage of the replicas,
/// rounded up for surge and down for unavailability, as the deployment controller does.
enum IntOrPercent {
    static func resolve(_ value: JSON, total: Int, roundUp: Bool, default fallback: String) -> Int {
        if let n = value.int { return max(0, n) }
        let text = value.string ?? fallback
        if let n = Int(text) { return max(0, n) }
        guard text.hasSuffix("%"), let percent = Int(text.dropLast()) else { return 0 }
        let product = percent * total
        return max(0, roundUp ? (product + 99) / 100 : product / 100)
    }

    /// (maxSurge, maxUnavailable); both zero is not allowed, so unavailability becomes 1.
    static func rollingBounds(_ deployment: JSON, replicas: Int) -> (surge: Int, unavailable: Int) {
        let rolling = deployment[path: "spec", "strategy", "rollingUpdate"]
        let surge = resolve(rolling["maxSurge"], total: replicas, roundUp: true, default: "25%")
        var unavailable = resolve(rolling["maxUnavailable"], total: replicas, roundUp: false, default: "25%")
        if surge == 0 && unavailable == 0 { unavailable = 1 }
        return (surge, min(unavailable, replicas))
    }
}
