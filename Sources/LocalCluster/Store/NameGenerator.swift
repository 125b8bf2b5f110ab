import Foundation

/// kube-apiserver's generateName: the prefix cut to 58 characters plus five characters from an
/// alphabet without vowels (so no words are spelled).
enum NameGenerator {
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    static func name(prefix: String) -> String {
        var g = SystemRandomNumberGenerator()
        return name(prefix: prefix, using: &g)
    }

    static func name<R: RandomNumberGenerator>(prefix: String, using rng: inout R) -> String {
        let base = prefix.count > 58 ? String(prefix.prefix(58)) : prefix
        return base + String((0..<5).map { _ in alphabet.randomElement(using: &rng)! })
    }

    static func uid() -> String { UUID().uuidString.lowercased() }
}
