/// Kubelet's `$(VAR)` expansion for command, args and env values.
///
/// The rules follow kubelet's forked `expansion` package: `$(NAME)` is replaced by NAME's value when
/// NAME is defined and left as written when it is not; `$$` is an escaped `$` (so `$$(NAME)` yields
/// the literal `$(NAME)`); any other `$` stays as it is.
enum VarExpansion {
    static func expand(_ input: String, _ lookup: (String) -> String?) -> String {
        let chars = Array(input.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c == "$", i + 1 < chars.count else {
                out.append(c); i += 1; continue
            }
            let next = chars[i + 1]
            if next == "$" {
                out.append("$"); i += 2
            } else if next == "(", let close = chars[(i + 2)...].firstIndex(of: ")") {
                let name = String(String.UnicodeScalarView(chars[(i + 2)..<close]))
                if let value = lookup(name) {
                    out.append(contentsOf: value.unicodeScalars)
                } else {
                    out.append(contentsOf: chars[i...close])
                }
                i = close + 1
            } else {
                // Unterminated `$(` or `$x`: kubelet keeps the characters as written.
                out.append(c); i += 1
            }
        }
        return String(out)
    }

    static func expand(_ input: String, in env: [String: String]) -> String {
        expand(input) { env[$0] }
    }
}
