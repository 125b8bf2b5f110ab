import DozeJSON

/// JSON merge patch (RFC 7386), what `kubectl patch --type merge` and client-side apply of
/// custom resources send: objects merge recursively, `null` deletes a key, anything else
/// (arrays included) replaces the target value whole.
public enum MergePatch {
    public static func apply(_ patch: JSON, to target: JSON) -> JSON {
        guard case .object(let members) = patch else { return patch }
        var result = target.object ?? [:]
        for (key, value) in members {
            if value.isNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
