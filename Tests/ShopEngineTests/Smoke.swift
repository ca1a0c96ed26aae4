import Testing
@testable import ShopEngine
@Test func moduleLoads() { #expect(true) }
