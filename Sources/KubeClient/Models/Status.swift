import DozeJSON

/// `metav1.Status`: what the API server sends for errors (and for some deletes).
public struct Status: JSONView, CustomStringConvertible {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public init(code: Int, reason: String, message: String) {
        json = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                "code": JSON(code), "reason": JSON(reason), "message": JSON(message)]
    }

    /// `Success` or `Failure`.
    public var status: String? { string("status") }
    public var code: Int? { int("code") }
    /// Machine-readable cause: `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`...
    public var reason: String? { string("reason") }
    public var message: String? { string("message") }
    public var details: StatusDetails? { json["details"].isNull ? nil : view("details") }

    /// Whether a body is a Status at all (an error from a proxy in between may be HTML).
    public static func isStatus(_ json: JSON) -> Bool { json["kind"].string == "Status" }

    public var description: String {
        if status == "Success" { return "Success" }
        return "\(reason ?? "Failure") (\(code.map(String.init) ?? "?")): \(message ?? "")"
    }
}

public struct StatusDetails: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    public var name: String? { string("name") }
    public var group: String? { string("group") }
    public var kind: String? { string("kind") }
    public var uid: String? { string("uid") }
    public var retryAfterSeconds: Int? { int("retryAfterSeconds") }
    public var causes: [StatusCause] { views("causes") }
}

/// One field-level cause of an Invalid or Conflict error.
public struct StatusCause: JSONView {
    public var json: JSON
    public init(json: JSON) { self.json = json }

    /// `FieldValueRequired`, `FieldValueInvalid`, `FieldManagerConflict`...
    public var reason: String? { string("reason") }
    public var message: String? { string("message") }
    /// `spec.replicas`, `metadata.name`...
    public var field: String? { string("field") }
}
