import Foundation
import Testing
@testable import ShopEngine
import ShopTestSupport

/// The engine tests' shop: `TemporaryShop` (ShopTestSupport) on a manual clock, with local
/// phone forms read as Iranian numbers (`0914…` → `+98914…`).
typealias TestShop = TemporaryShop<ManualClock>

extension TemporaryShop where Clock == ManualClock {
    convenience init(defaultCountry: String? = "+98", signinLimit: Int = 1000, currency: Currency? = nil,
                     configure: (inout ShopConfiguration) -> Void = { _ in }) throws {
        try self.init(clock: ManualClock(), prefix: "shop-engine", defaultCountry: defaultCountry, currency: currency,
                      signinLimit: signinLimit, configure: configure)
    }
}

/// Expects `body` to throw a `ShopError` with this stable code.
func expectError<R>(_ code: String, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> R) {
    do {
        _ = try body()
        Issue.record("expected error \(code), but it succeeded \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as ShopError {
        #expect(error.code == code, "\(error.message) \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected error \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
