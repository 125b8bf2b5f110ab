import DozeJSON

/// Decides whether a rendered child must be applied, so that a converged App costs no writes.
///
/// Two checks, both on what the cache already holds:
/// - every field we render is present in the live object with the same value (catches drift:
///   someone edited a field we own, or the object is missing);
/// - the live object carries the hash of the last desired state we applied (catches fields we
///   stopped rendering, which a containment check cannot see, across controller restarts too).
/// `spec.replicas` is outside the hash: it follows the live value (wake and sleep set it).
public enum ChildDiff {
    public static let appliedHashAnnotation = "doze.dev/applied-hash"

    /// The desired object with the applied-hash annotation set.
    public static func stamped(_ desired: JSON) -> JSON {
        var d = desired
        d[path: "metadata", "annotations", appliedHashAnnotation] = .string(hash(of: desired))
        return d
    }

    /// The hash of a desired object, without its replica count and our own annotation.
    public static func hash(of desired: JSON) -> String {
        var d = desired
        d[path: "spec", "replicas"] = .null
        d[path: "metadata", "annotations", appliedHashAnnotation] = .null
        if d[path: "metadata", "annotations"] == .emptyObject { d[path: "metadata", "annotations"] = .null }
        return FNV1a.hex(d.serialized())
    }

    /// Whether `stamped` (from `stamped(_:)`) differs from `live` in anything we manage.
    public static func needsApply(_ stamped: JSON, live: JSON?) -> Bool {
        guard let live else { return true }
        return !contains(live, stamped)
    }

    /// Whether every member of `desired` is in `live` with an equal value: objects by key (live
    /// may have more), arrays element by element (same length: a list we render is ours whole),
    /// numbers by value.
    public static func contains(_ live: JSON, _ desired: JSON) -> Bool {
        switch desired {
        case .object(let d):
            guard case .object(let l) = live else { return false }
            for (k, v) in d where !v.isNull {
                guard let lv = l[k], contains(lv, v) else { return false }
            }
            return true
        case .array(let d):
            guard case .array(let l) = live, l.count == d.count else { return false }
            return zip(l, d).allSatisfy { contains($0, $1) }
        case .int, .double:
            guard let a = live.double, let b = desired.double else { return false }
            return a == b
        default:
            return live == desired
        }
    }
}
