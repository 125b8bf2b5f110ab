import Foundation
import FoundationNetworking
import Testing
@testable import KubeClient

@Test func configHookProbe() async throws {
    #expect(TLSHook.isActive)
    let before = TLSHook.handlesSeen
    _ = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:9/")!)
    #expect(TLSHook.handlesSeen > before)
}
