import DozeJSON

/// An API failure exactly as kube-apiserver reports it: an HTTP code and a `Status` body.
/// The store throws these, and the HTTP layer sends `status` as the response body.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let reason: String
    public let message: String
    /// The `Status` object (kind Status, apiVersion v1).
    public let status: JSON

    public var description: String { "\(code) \(reason): \(message)" }

    /// One entry of `details.causes`.
    public struct Cause: Sendable, Equatable {
        public var reason: String
        public var message: String
        public var field: String
        public init(reason: String, message: String, field: String) {
            self.reason = reason
            self.message = message
            self.field = field
        }
        var json: JSON { ["reason": .string(reason), "message": .string(message), "field": .string(field)] }
    }

    public init(code: Int, reason: String, message: String, details: JSON = .null) {
        self.code = code
        self.reason = reason
        self.message = message
        var s: JSON = ["kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Failure",
                       "message": .string(message), "code": .int(Int64(code))]
        if !reason.isEmpty { s["reason"] = .string(reason) }
        if case .object(let d) = details, !d.isEmpty { s["details"] = details }
        status = s
    }

    /// Details naming an object by resource plural (NotFound, AlreadyExists, Conflict).
    static func details(_ gvr: GroupVersionResource?, _ name: String?, kind: String? = nil) -> JSON {
        var d = JSON.emptyObject
        if let name, !name.isEmpty { d["name"] = .string(name) }
        if let gvr, !gvr.group.isEmpty { d["group"] = .string(gvr.group) }
        if let k = kind ?? gvr?.resource { d["kind"] = .string(k) }
        return d
    }
}

extension APIError {
    public static func notFound(_ gvr: GroupVersionResource, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(gvr.qualifiedResource) \"\(name)\" not found",
                 details: details(gvr, name))
    }

    /// An unknown path or resource type.
    public static let noSuchResource = APIError(
        code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    public static func alreadyExists(_ gvr: GroupVersionResource, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(gvr.qualifiedResource) \"\(name)\" already exists",
                 details: details(gvr, name))
    }

    public static func conflict(_ gvr: GroupVersionResource, _ name: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(gvr.qualifiedResource) \"\(name)\": the object has been "
                     + "modified; please apply your changes to the latest version and try again",
                 details: details(gvr, name))
    }

    /// 422 Invalid listing each cause; `kind` is the object's Kind and `group` its API group.
    public static func invalid(kind: String, group: String, name: String, causes: [Cause]) -> APIError {
        let shown = group.isEmpty ? kind : "\(kind).\(group)"
        let texts = causes.map { $0.field.isEmpty ? $0.message : "\($0.field): \($0.message)" }
        let joined = texts.count == 1 ? texts[0] : "[\(texts.joined(separator: ", "))]"
        var d: JSON = ["kind": .string(kind), "causes": .array(causes.map(\.json))]
        if !name.isEmpty { d["name"] = .string(name) }
        if !group.isEmpty { d["group"] = .string(group) }
        return APIError(code: 422, reason: "Invalid", message: "\(shown) \"\(name)\" is invalid: \(joined)", details: d)
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    public static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    public static func forbidden(_ gvr: GroupVersionResource, _ name: String, _ why: String) -> APIError {
        APIError(code: 403, reason: "Forbidden", message: "\(gvr.qualifiedResource) \"\(name)\" is forbidden: \(why)",
                 details: details(gvr, name))
    }

    public static func methodNotAllowed(_ verb: String, _ gvr: GroupVersionResource) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed",
                 message: "\(verb) is not supported on resources of kind \"\(gvr.qualifiedResource)\"",
                 details: details(gvr, nil))
    }

    public static func unsupportedMediaType(_ message: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: message)
    }

    public static func notAcceptable(_ message: String) -> APIError {
        APIError(code: 406, reason: "NotAcceptable", message: message)
    }

    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }
}
