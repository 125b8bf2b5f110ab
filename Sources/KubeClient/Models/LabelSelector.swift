import DozeJSON

/// `metav1.LabelSelector` (`matchLabels` plus `matchExpressions`).
public struct LabelSelector: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public init(matchLabels: [String: String]) {
        json = ["matchLabels": JSON(matchLabels)]
    }

    public var matchLabels: [String: String] { get { stringMap("matchLabels") } set { set("matchLabels", newValue) } }
    public var matchExpressions: [JSON] { json["matchExpressions"].array ?? [] }

    /// The selector in the string form list/watch take (`a=b,c=d`, keys sorted), when it has only
    /// matchLabels and `In`/`NotIn`/`Exists`/`DoesNotExist` expressions.
    public var queryString: String {
        var parts = matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for e in matchExpressions {
            guard let key = e["key"].string, let op = e["operator"].string else { continue }
            let values = (e["values"].array ?? []).compactMap(\.string).sorted().joined(separator: ",")
            switch op {
            case "In": parts.append("\(key) in (\(values))")
            case "NotIn": parts.append("\(key) notin (\(values))")
            case "Exists": parts.append(key)
            case "DoesNotExist": parts.append("!\(key)")
            default: continue
            }
        }
        return parts.joined(separator: ",")
    }
}
