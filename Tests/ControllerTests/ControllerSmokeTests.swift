import Testing
@testable import Controller

@Test func ControllerModuleLinks() { _ = ControllerModule.self }
