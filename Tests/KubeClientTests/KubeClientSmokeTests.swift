import Testing
@testable import KubeClient

@Test func KubeClientModuleLinks() { _ = KubeClientModule.self }
