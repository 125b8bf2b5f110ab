import DozeJSON
import HTTPCore

/// Building responses the way kube-apiserver sends them.
enum Respond {
    static func json(_ body: JSON, status: Int = 200, warnings: [String] = [], pretty: Bool = false) -> HTTPResponse {
        var r = HTTPResponse(status: status, contentType: "application/json",
                             body: pretty ? Array(body.prettyPrinted().utf8) : body.serializedBytes())
        for w in warnings { r.headers.add("Warning", warningValue(w)) }
        return r
    }

    static func error(_ e: APIError) -> HTTPResponse {
        json(e.status, status: e.code)
    }

    /// `299 - "text"`, with `"` and `\` escaped, as kube-apiserver formats warnings.
    static func warningValue(_ text: String) -> String {
        var escaped = ""
        for c in text {
            if c == "\"" || c == "\\" { escaped.append("\\") }
            escaped.append(c)
        }
        return "299 - \"\(escaped)\""
    }

    static func text(_ s: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(s.utf8))
    }

    /// The Success Status of an immediate delete.
    static func deleteSuccess(_ gvr: GroupVersionResource, _ obj: JSON) -> JSON {
        var details: JSON = ["name": obj["metadata"]["name"], "kind": .string(gvr.resource), "uid": obj["metadata"]["uid"]]
        if !gvr.group.isEmpty { details["group"] = .string(gvr.group) }
        return ["kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Success", "details": details]
    }
}
