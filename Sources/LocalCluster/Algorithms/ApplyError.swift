import DozeJSON

/// A failed server-side apply. For conflicts: 409 `Conflict` with one `FieldManagerConflict`
/// cause per field, and the message kube-apiserver writes
/// (`Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`).
public struct ApplyError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case conflict
        // The applied configuration cannot be typed (a list element without its key, duplicate
        // keys, a field a CRD schema does not declare): upstream returns it as a plain error, 500.
        case typedPatch
    }
    private let kind: Kind
    /// Each conflicting field with the manager that owns it, as printed (`"kubectl" `, or
    /// `"mgr" using apps/v1` for Update managers), field like `.spec.replicas`.
    public let conflicts: [(manager: String, field: String)]
    public let message: String

    public static func == (a: ApplyError, b: ApplyError) -> Bool {
        a.kind == b.kind && a.message == b.message
            && a.conflicts.map { "\($0.manager)\u{0}\($0.field)" } == b.conflicts.map { "\($0.manager)\u{0}\($0.field)" }
    }

    public var code: Int { kind == .conflict ? 409 : 500 }
    /// `Conflict`, or empty for the plain 500 kube-apiserver returns for an untypable body.
    public var reason: String { kind == .conflict ? "Conflict" : "" }
    public var description: String { "\(code) \(reason): \(message)" }

    /// The Status `details.causes[]`.
    public var causes: [FieldCause] {
        conflicts.map { FieldCause(reason: "FieldManagerConflict", message: "conflict with \($0.manager)", field: $0.field) }
    }

    /// `failed to create typed patch object (ns/name; apps/v1, Kind=Deployment): <problem>`.
    static func typedPatch(_ applied: JSON, _ problem: String) -> ApplyError {
        let meta = applied["metadata"]
        let name = (meta["namespace"].string ?? "") + "/" + (meta["name"].string ?? "")
        let gv = applied["apiVersion"].string ?? ""
        let gvText = gv.contains("/") ? gv : "/" + gv
        let message = "failed to create typed patch object (\(name); \(gvText), Kind=\(applied["kind"].string ?? "")): \(problem)"
        return ApplyError(kind: .typedPatch, conflicts: [], message: message)
    }

    private init(kind: Kind, conflicts: [(manager: String, field: String)], message: String) {
        self.kind = kind
        self.conflicts = conflicts
        self.message = message
    }

    /// Conflicts sorted by manager then field, in upstream's message layout: one line for a
    /// single conflict, else a `conflicts with <manager>:` line per manager followed by `- <field>` lines.
    static func conflicts(_ list: [(manager: String, field: String)]) -> ApplyError {
        let sorted = list.sorted { ($0.manager, $0.field) < ($1.manager, $1.field) }
        let text: String
        if sorted.count == 1 {
            text = "Apply failed with 1 conflict: conflict with \(sorted[0].manager): \(sorted[0].field)"
        } else {
            var lines: [String] = []
            var last: String?
            for c in sorted {
                if c.manager != last { lines.append("conflicts with \(c.manager):"); last = c.manager }
                lines.append("- \(c.field)")
            }
            text = "Apply failed with \(sorted.count) conflicts: " + lines.joined(separator: "\n")
        }
        return ApplyError(kind: .conflict, conflicts: sorted, message: text)
    }
}
