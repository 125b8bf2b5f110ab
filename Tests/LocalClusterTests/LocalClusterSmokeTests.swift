import Testing
@testable import LocalCluster

@Test func LocalClusterModuleLinks() { _ = LocalClusterModule.self }
