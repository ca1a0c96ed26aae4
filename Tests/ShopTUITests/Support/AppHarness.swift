import Foundation
@testable import ShopEngine
@testable import ShopTUI
import ShopTestSupport

/// A store on a fresh temporary SQLite file (or PostgreSQL database, see `TestDatabase`) with a few products, and a way to run the real
/// `ShopApp` on a `TestBackend` with scripted keys (waits let engine effects land).
final class AppHarness: @unchecked Sendable {
    /// On the wall clock: the terminal's forms (delivery dates) and screens read it too.
    let temporary: TemporaryShop<SystemClock>
    var shop: Shop { temporary.shop }
    var directory: URL { temporary.directory }
    private(set) var staff: SignIn!
    var products: [String: Product] = [:]

    init() throws {
        temporary = try TemporaryShop(clock: SystemClock(), prefix: "shop-tui")
        staff = try temporary.person("+15550009999", role: .staff)
        for (sku, name, price, stock) in [("TEA", "Black tea", 450, 10), ("SANGAK", "نان سنگک", 250, 3), ("MATCHA", "抹茶ラテ", 575, 0)] as [(String, String, Int64, Int64)] {
            products[sku] = try shop.catalog.create(ProductDraft(sku: sku, name: name, category: "Shop", price: price, stock: stock), caller: staff.caller)
        }
        products["CAKE"] = try shop.catalog.create(ProductDraft(sku: "CAKE", name: "Chocolate cake", category: "Cakes",
                                                              variants: [.init(name: "1 kg", price: 2400, stock: 2), .init(name: "2 kg", price: 4500, stock: 1)]), caller: staff.caller)
    }

    /// The 6-digit code last sent to `phone`.
    func code(for phone: String) -> String? { temporary.lastCode(to: phone) }

    /// A driver for the real `ShopApp` on a session (a guest unless given).
    func driver(_ session: Session? = nil, width: Int = 100, height: Int = 30) -> AppDriver {
        AppDriver(session ?? Session(shop: shop), width: width, height: height)
    }

    /// A signed-in customer session (through the engine's code flow).
    func customerSession(_ phone: String = "+15550001111") throws -> Session {
        let session = Session(shop: shop)
        let request = try shop.accounts.requestCode(phone: phone, caller: .guest())
        session.signedIn(try shop.accounts.verifyCode(requestID: request.requestId, code: code(for: phone)!, caller: .guest()))
        return session
    }
}
