import Foundation

/// The `doze` executable the tests run: $DOZE_BIN, else the one built beside this test bundle
/// (`swift build --build-tests` builds both into the same directory), else the directory
/// `swift build --show-bin-path` names.
enum DozeBinary {
    static func path() throws -> String {
        if let bin = ProcessInfo.processInfo.environment["DOZE_BIN"], !bin.isEmpty { return bin }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("doze").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let fromSwift = try showBinPath() + "/doze"
        guard FileManager.default.isExecutableFile(atPath: fromSwift) else {
            throw E2EError("no doze binary beside \(CommandLine.arguments[0]) nor at \(fromSwift): run swift build first")
        }
        return fromSwift
    }

    private static func showBinPath() throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["swift", "build", "--show-bin-path"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
