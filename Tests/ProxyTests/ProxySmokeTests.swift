import Testing
@testable import Proxy

@Test func ProxyModuleLinks() { _ = ProxyModule.self }
