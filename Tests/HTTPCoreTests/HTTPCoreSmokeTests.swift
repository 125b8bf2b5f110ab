import Testing
@testable import HTTPCore

@Test func HTTPCoreModuleLinks() { _ = HTTPCoreModule.self }
