import Foundation
import Testing
@testable import ShopEngine

/// What only staff see (inactive and archived products, their photos, finding them by code) is
/// decided by the caller's role as it is now, in every process, not by the role remembered in
/// the `Caller` since sign-in.
@Suite("Catalog visibility follows the current role")
struct CatalogVisibilityTests {
    /// A shop with one archived product (ordered, then removed), one inactive one and one for
    /// sale, a staff member, and an admin working through a second `Shop` on the same file,
    /// as another process would.
    final class Fixture {
        let t: TestShop
        let staff: SignIn
        let admin: SignIn
        let other: Shop
        let archived: Product
        let inactive: Product
        let forSale: Product
        static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 64)

        init() throws {
            t = try TestShop()
            staff = try t.staff()
            let customer = try t.customer()
            archived = try t.shop.catalog.create(ProductDraft(sku: "OLD-JAM", barcode: "4006381333931", name: "Old jam", price: 300, stock: 5), caller: staff.caller)
            try t.shop.catalog.setPhoto(productID: archived.id, bytes: Self.png, contentType: "image/png", caller: staff.caller)
            _ = try t.shop.orders.create(OrderRequest(items: [.init(productID: archived.id, quantity: 1)], contact: .sample), caller: customer.caller)
            #expect(try t.shop.catalog.delete(id: archived.id, caller: staff.caller) == .archived)
            inactive = try t.shop.catalog.create(ProductDraft(sku: "DRAFT", name: "Draft tea", price: 100, stock: 5, active: false), caller: staff.caller)
            forSale = try t.shop.catalog.create(ProductDraft(sku: "TEA", name: "Black tea", price: 450, stock: 9), caller: staff.caller)

            other = try Shop(ShopConfiguration(databasePath: t.databasePath, messages: .outbox, passwordIterations: 1_000))
            _ = try other.admin.localSetRole(phone: "+15550007777", role: .admin)
            admin = try other.admin.localSignIn(phone: "+15550007777")
        }

        /// The staff catalog (inactive and archived too), or the error code refusing it.
        func staffList(_ caller: Caller) -> Answer {
            do {
                return .success(Set(try t.shop.catalog.list(ProductQuery(limit: 100, includeInactive: true), caller: caller).items.map(\.sku)))
            } catch {
                return .failure((error as? ShopError)?.code ?? "\(error)")
            }
        }
        enum Answer: Equatable { case success(Set<String>), failure(String) }
        /// The catalog as everyone browses it.
        func listed(_ caller: Caller) throws -> Set<String> {
            Set(try t.shop.catalog.list(ProductQuery(limit: 100), caller: caller).items.map(\.sku))
        }
        func seesArchivedDetail(_ caller: Caller) -> Bool { (try? t.shop.catalog.product(id: archived.id, caller: caller)) != nil }
        func findsArchivedByCode(_ caller: Caller) -> Bool { (try? t.shop.catalog.product(code: "4006381333931", caller: caller)) != nil }
        func seesArchivedPhoto(_ caller: Caller) -> Bool { (try? t.shop.catalog.photo(productID: archived.id, caller: caller)) != nil }

        func setRole(_ role: Role) throws { _ = try other.admin.updateUser(id: staff.user.id, .init(role: role), caller: admin.caller) }
    }

    @Test("staff demoted by an admin in another process stop seeing archived and inactive products on their very next read with the same caller: detail, barcode, photo, staff list")
    func demotionHidesStaffOnlyProducts() throws {
        let f = try Fixture()
        let caller = f.staff.caller
        #expect(f.staffList(caller) == .success(["OLD-JAM", "DRAFT", "TEA"]))
        #expect(try f.listed(caller) == ["TEA"])
        #expect(f.seesArchivedDetail(caller))
        #expect(f.findsArchivedByCode(caller))
        #expect(f.seesArchivedPhoto(caller))

        try f.setRole(.customer)
        #expect(caller.isStaff, "the caller still remembers the role it signed in with")
        #expect(f.staffList(caller) == .failure("forbidden"), "the staff catalog is refused by the role now")
        #expect(try f.listed(caller) == ["TEA"])
        #expect(!f.seesArchivedDetail(caller))
        #expect(!f.findsArchivedByCode(caller), "the counter's barcode lookup follows the role now")
        #expect(!f.seesArchivedPhoto(caller), "and so does the product photo")
        #expect(try f.t.shop.catalog.product(code: "TEA", caller: caller).id == f.forSale.id, "products for sale are still found")

        try f.setRole(.staff)
        #expect(f.staffList(caller) == .success(["OLD-JAM", "DRAFT", "TEA"]), "promoted again: the same caller sees everything again")
        #expect(f.findsArchivedByCode(caller))
    }

    @Test("a staff caller whose account was deactivated or whose session ended gets what customers see, and the staff list is refused")
    func endedOrDeactivatedGetCustomerView() throws {
        let f = try Fixture()
        let caller = f.staff.caller
        _ = try f.other.admin.updateUser(id: f.staff.user.id, .init(active: false), caller: f.admin.caller)
        #expect(f.staffList(caller) == .failure("account_disabled"))
        #expect(try f.listed(caller) == ["TEA"])
        #expect(!f.seesArchivedDetail(caller) && !f.findsArchivedByCode(caller) && !f.seesArchivedPhoto(caller))

        // Another staff member, still staff, whose session is ended from another process.
        let second = try f.t.staff("+15550008888").caller
        #expect(f.staffList(second) == .success(["OLD-JAM", "DRAFT", "TEA"]))
        try f.other.accounts.signOut(caller: second) // signed out elsewhere: this session is over
        #expect(f.staffList(second) == .failure("session_ended"))
        #expect(try f.listed(second) == ["TEA"])
        #expect(!f.seesArchivedDetail(second) && !f.findsArchivedByCode(second) && !f.seesArchivedPhoto(second))
    }

    @Test("guests and customers see the products for sale and are refused the staff catalog")
    func guestsAndCustomers() throws {
        let f = try Fixture()
        let customer = try f.t.customer("+15550002222")
        #expect(f.staffList(f.t.guest) == .failure("sign_in_required"))
        #expect(f.staffList(customer.caller) == .failure("forbidden"))
        for caller in [f.t.guest, customer.caller] {
            #expect(try f.listed(caller) == ["TEA"])
            #expect(!f.seesArchivedDetail(caller) && !f.findsArchivedByCode(caller) && !f.seesArchivedPhoto(caller))
        }
    }
}
