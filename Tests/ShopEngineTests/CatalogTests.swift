import Foundation
import Testing
@testable import ShopEngine

@Suite("Catalog")
struct CatalogTests {
    @Test("staff create products with variants; customers cannot; bad input names the field")
    func createAndAuthorize() throws {
        let t = try TestShop()
        let staff = try t.staff(), customer = try t.customer()
        let cake = try t.shop.catalog.create(ProductDraft(sku: "CAKE-1", barcode: "6260001", name: "کیک شکلاتی", description: "Chocolate cake", category: "Cakes",
                                                          variants: [VariantDraft(name: "1 kg", price: 450_000, stock: 3), VariantDraft(name: "2 kg", price: 800_000, stock: 1)]), caller: staff.caller)
        #expect(cake.variants.map(\.name) == ["1 kg", "2 kg"])
        #expect(cake.price == 450_000, "the lowest variant price")
        #expect(cake.stock == 4, "the sum of variant stock")
        expectError("forbidden") { try t.shop.catalog.create(ProductDraft(sku: "X", name: "X", price: 1), caller: customer.caller) }
        expectError("sign_in_required") { try t.shop.catalog.create(ProductDraft(sku: "X", name: "X", price: 1), caller: t.guest) }
        expectError("invalid_price") { try t.shop.catalog.create(ProductDraft(sku: "X", name: "X", price: -5), caller: staff.caller) }
        expectError("invalid_stock") { try t.shop.catalog.create(ProductDraft(sku: "X", name: "X", price: 5, stock: -1), caller: staff.caller) }
        expectError("missing_name") { try t.shop.catalog.create(ProductDraft(sku: "X", name: "  ", price: 5), caller: staff.caller) }
        expectError("sku_taken") { try t.shop.catalog.create(ProductDraft(sku: "cake-1", name: "Dup", price: 5), caller: staff.caller) }
        expectError("barcode_taken") { try t.shop.catalog.create(ProductDraft(sku: "Y", barcode: "6260001", name: "Dup", price: 5), caller: staff.caller) }
        expectError("duplicate_variant") { try t.shop.catalog.create(ProductDraft(sku: "Z", name: "Z", variants: [.init(name: "a", price: 1), .init(name: "A", price: 2)]), caller: staff.caller) }
        #expect(try t.shop.catalog.list(ProductQuery(), caller: t.guest).items.count == 1)
    }

    @Test("search matches prefixes as you type, in Persian too, with Arabic letter forms folded")
    func search() throws {
        let t = try TestShop()
        let staff = try t.staff()
        for (sku, name, description) in [("A", "Chocolate cake", "rich and dark"), ("B", "Carrot cake", "with walnuts"), ("C", "کیک شکلاتی", "کیک خامه‌ای"), ("D", "نان سنگک", "تازه")] {
            _ = try t.shop.catalog.create(ProductDraft(sku: sku, name: name, description: description, category: "Bakery", price: 100, stock: 1), caller: staff.caller)
        }
        func names(_ q: String) throws -> [String] { try t.shop.catalog.list(ProductQuery(text: q), caller: t.guest).items.map(\.name) }
        #expect(try names("choc") == ["Chocolate cake"])
        #expect(try names("cake") == ["Carrot cake", "Chocolate cake"])
        #expect(try names("ca wal") == ["Carrot cake"])
        #expect(try names("شکل") == ["کیک شکلاتی"])
        #expect(try names("كيك") == ["کیک شکلاتی"], "Arabic Kaf and Yeh find Persian text")
        #expect(try names("خامه") == ["کیک شکلاتی"])
        #expect(try names("\"; DROP TABLE products; --").isEmpty)
        #expect(try names("*").count == 4, "a query with no words lists everything")
    }

    @Test("filters and sorts combine, and keyset pages cover every product exactly once")
    func filtersSortsPages() throws {
        let t = try TestShop()
        let staff = try t.staff()
        for i in 0..<25 {
            _ = try t.shop.catalog.create(ProductDraft(sku: "P\(i)", name: "Item \(String(format: "%02d", i))", category: i % 2 == 0 ? "Even" : "Odd",
                                                       price: Int64(1000 - i * 10), stock: Int64(i % 3)), caller: staff.caller)
        }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try t.shop.catalog.list(ProductQuery(sort: .price, limit: 7, cursor: cursor), caller: t.guest)
            seen += page.items.map(\.sku)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.count == 25 && Set(seen).count == 25)
        #expect(seen.first == "P24" && seen.last == "P0", "cheapest first")
        let newest = try t.shop.catalog.list(ProductQuery(sort: .newest, limit: 3), caller: t.guest)
        #expect(newest.items.map(\.sku) == ["P24", "P23", "P22"])
        let filtered = try t.shop.catalog.list(ProductQuery(category: "Even", minPrice: 900, maxPrice: 960, inStockOnly: true, sort: .priceDesc), caller: t.guest)
        #expect(filtered.items.allSatisfy { $0.category == "Even" && (900...960).contains($0.price) && $0.stock > 0 })
        #expect(filtered.items.map(\.price) == filtered.items.map(\.price).sorted(by: >))
        expectError("invalid_limit") { try t.shop.catalog.list(ProductQuery(limit: 0), caller: t.guest) }
        expectError("invalid_cursor") { try t.shop.catalog.list(ProductQuery(cursor: "not-a-cursor"), caller: t.guest) }
        expectError("invalid_price_range") { try t.shop.catalog.list(ProductQuery(minPrice: 10, maxPrice: 5), caller: t.guest) }
        #expect(try t.shop.catalog.categories(caller: t.guest).map(\.name) == ["Even", "Odd"])
    }

    @Test("stock changes go through the ledger with a reason and never below zero")
    func stockLedger() throws {
        let t = try TestShop()
        let staff = try t.staff()
        let tea = try t.shop.catalog.create(ProductDraft(sku: "TEA", name: "Tea", price: 100, stock: 5), caller: staff.caller)
        #expect(try t.shop.catalog.adjustStock(productID: tea.id, delta: 3, reason: "delivery", caller: staff.caller).stock == 8)
        expectError("insufficient_stock") { try t.shop.catalog.adjustStock(productID: tea.id, delta: -9, reason: "breakage", caller: staff.caller) }
        expectError("missing_reason") { try t.shop.catalog.adjustStock(productID: tea.id, delta: -1, reason: " ", caller: staff.caller) }
        let history = try t.shop.catalog.stockHistory(productID: tea.id, caller: staff.caller)
        #expect(history.map(\.reason) == ["delivery", "initial stock"])
        #expect(history.reduce(0) { $0 + $1.delta } == 8, "the ledger adds up to the stock")
    }

    @Test("deleting a product that orders reference archives it; otherwise it is gone")
    func deleteOrArchive() throws {
        let t = try TestShop()
        let staff = try t.staff(), customer = try t.customer()
        let sold = try t.shop.catalog.create(ProductDraft(sku: "S", name: "Sold", price: 100, stock: 5), caller: staff.caller)
        let unsold = try t.shop.catalog.create(ProductDraft(sku: "U", name: "Unsold", price: 100, stock: 5), caller: staff.caller)
        _ = try t.shop.orders.create(OrderRequest(items: [.init(productID: sold.id, quantity: 1)], contact: .sample), caller: customer.caller)
        #expect(try t.shop.catalog.delete(id: sold.id, caller: staff.caller) == .archived)
        #expect(try t.shop.catalog.delete(id: unsold.id, caller: staff.caller) == .deleted)
        expectError("not_found") { try t.shop.catalog.product(id: sold.id, caller: customer.caller) }
        #expect(try t.shop.catalog.product(id: sold.id, caller: staff.caller).archived)
        #expect(try t.shop.orders.list(caller: customer.caller).items.first?.items.first?.name == "Sold", "order history keeps the line")
    }

    @Test("editing variants keeps stock in the ledger and refuses to drop variants with orders")
    func editVariants() throws {
        let t = try TestShop()
        let staff = try t.staff(), customer = try t.customer()
        let cake = try t.shop.catalog.create(ProductDraft(sku: "C", name: "Cake", variants: [.init(name: "1 kg", price: 100, stock: 2), .init(name: "2 kg", price: 180, stock: 2)]), caller: staff.caller)
        _ = try t.shop.orders.create(OrderRequest(items: [.init(productID: cake.id, variantID: cake.variants[1].id, quantity: 1)], contact: .sample), caller: customer.caller)
        expectError("variant_in_use") { try t.shop.catalog.update(id: cake.id, ProductChanges(variants: [.init(id: cake.variants[0].id, name: "1 kg", price: 100)]), caller: staff.caller) }
        let edited = try t.shop.catalog.update(id: cake.id, ProductChanges(name: "Birthday cake", variants: [.init(id: cake.variants[1].id, name: "1 kg", price: 190), .init(id: cake.variants[0].id, name: "2 kg", price: 100), .init(name: "3 kg", price: 250, stock: 4)]), caller: staff.caller)
        #expect(edited.variants.map(\.name) == ["1 kg", "2 kg", "3 kg"])
        #expect(edited.stock == 7)
        #expect(try t.shop.catalog.list(ProductQuery(text: "birthday"), caller: t.guest).items.count == 1, "search follows the new name")
    }

    @Test("the counter finds a product by barcode or SKU")
    func byCode() throws {
        let t = try TestShop()
        let staff = try t.staff()
        let milk = try t.shop.catalog.create(ProductDraft(sku: "MILK-1L", barcode: "6260002000017", name: "Milk", price: 100, stock: 5), caller: staff.caller)
        #expect(try t.shop.catalog.product(code: "6260002000017", caller: staff.caller).id == milk.id)
        #expect(try t.shop.catalog.product(code: "milk-1l", caller: staff.caller).id == milk.id)
        expectError("not_found") { try t.shop.catalog.product(code: "000", caller: staff.caller) }
    }
}
