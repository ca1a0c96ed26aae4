import Testing
@testable import ShopTUI
@Test func moduleLoads() { #expect(true) }
