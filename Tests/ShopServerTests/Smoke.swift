import Testing
@testable import ShopServer
@Test func moduleLoads() { #expect(true) }
