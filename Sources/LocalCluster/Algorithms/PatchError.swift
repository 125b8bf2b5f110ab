import DozeJSON

/// Why a patch could not be applied, carrying what the HTTP handler needs to build a Kubernetes
/// `Status`: the HTTP code, the Status `reason` (empty for the plain errors kube-apiserver turns
/// into a bare 500), the Status `message`, and `detail`, the underlying patch library's text.
///
/// kube-apiserver hides the json-patch library's text behind a generic 422 message; `detail`
/// keeps it so the handler can put it in a cause (`UnexpectedServerResponse`) as the real one does.
public struct PatchError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case badRequest       // malformed patch document: 400
        case unprocessable    // well-formed but cannot be applied (failed test, missing path): 422
        case plain            // errors kube-apiserver does not classify: 500, empty reason
    }
    private let kind: Kind
    /// The underlying error text, e.g. `testing value /spec/replicas failed: test failed`.
    public let detail: String

    private init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    static func badRequest(_ detail: String) -> PatchError { PatchError(.badRequest, detail) }
    static func unprocessable(_ detail: String) -> PatchError { PatchError(.unprocessable, detail) }
    static func plain(_ detail: String) -> PatchError { PatchError(.plain, detail) }

    /// HTTP status code of the response.
    public var code: Int {
        switch kind {
        case .badRequest: return 400
        case .unprocessable: return 422
        case .plain: return 500
        }
    }

    /// The Status `reason` (`BadRequest`, `Invalid`, or empty for an unclassified error).
    public var reason: String {
        switch kind {
        case .badRequest: return "BadRequest"
        case .unprocessable: return "Invalid"
        case .plain: return ""
        }
    }

    /// The Status `message`, worded as kube-apiserver words it.
    public var message: String {
        switch kind {
        case .badRequest, .plain: return detail
        case .unprocessable: return "the server rejected our request due to an error in our request"
        }
    }

    public var description: String { "\(code) \(reason): \(detail)" }
}
