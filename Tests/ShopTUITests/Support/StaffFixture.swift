import Foundation
import Testing
@testable import ShopTUI
import ShopEngine
import ShopTestSupport

/// A `TemporaryShop` (ShopTestSupport) with a small catalog, a staff account, codes kept in the
/// demo outbox, and a folder for receipts.
final class StaffFixture {
    /// On the wall clock: the terminal's forms and receipts read it too.
    let temporary: TemporaryShop<SystemClock>
    var shop: Shop { temporary.shop }
    var directory: URL { temporary.directory }
    let staff: SignIn
    let bread: Product
    let butter: Product
    let cake: Product
    let tart: Product
    var receiptDirectory: String { directory.appendingPathComponent("receipts").path }

    static let staffPhone = "+15550100900"

    init() throws {
        temporary = try TemporaryShop(clock: SystemClock(), prefix: "shop-tui-staff", outbox: true)
        let shop = temporary.shop
        staff = try temporary.person(Self.staffPhone, role: .staff)
        let caller = staff.caller
        bread = try shop.catalog.create(ProductDraft(sku: "BREAD-SD", barcode: "4006381333931", name: "Sourdough bread", category: "Bread", price: 450, stock: 10), caller: caller)
        butter = try shop.catalog.create(ProductDraft(sku: "BUTTER", barcode: "5000112637922", name: "Butter", category: "Dairy", price: 275, stock: 2), caller: caller)
        cake = try shop.catalog.create(ProductDraft(sku: "CAKE-CHOC", barcode: "6260100000017", name: "Chocolate cake", category: "Cakes",
                                                    variants: [VariantDraft(name: "1 kg", price: 2400, stock: 6), VariantDraft(name: "2 kg", price: 4500, stock: 3)]), caller: caller)
        tart = try shop.catalog.create(ProductDraft(sku: "TART-LEM", barcode: "12345670", name: "Lemon tart", category: "Cakes", price: 300, stock: 0), caller: caller)
    }

    /// A session signed in as `signIn` (nil: a guest), printing receipts into the fixture's folder.
    func session(_ signIn: SignIn?, demo: Bool = false) -> Session {
        var settings = SessionSettings(receiptDirectory: receiptDirectory)
        if demo { settings.demoPeople = [] }
        let session = Session(shop: shop, settings: settings)
        if let signIn { session.signedIn(signIn) }
        return session
    }

    /// Signs in someone with `role` (creating the account).
    func person(_ phone: String, role: Role) throws -> SignIn { try temporary.person(phone, role: role) }

    func stock(_ product: Product, variant: String? = nil) throws -> Int64 {
        let fresh = try shop.catalog.product(id: product.id, caller: staff.caller)
        if let variant { return fresh.variants.first { $0.name == variant }!.stock }
        return fresh.stock
    }

    func orders() throws -> [Order] { try shop.orders.list(caller: staff.caller).items }
}

