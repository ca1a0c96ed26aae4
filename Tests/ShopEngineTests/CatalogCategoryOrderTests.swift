import Foundation
import Testing
@testable import ShopEngine

/// A category's pages in every sort order, with a price range: the products a shopper pages
/// through, and a page read from an index in that order rather than by sorting the category.
@Suite("Catalog pages within a category")
struct CatalogCategoryOrderTests {
    struct Item { let id: Int64; let name: String; let category: String; let price: Int64 }

    /// 240 products in three categories, names and prices shuffled against the ids.
    func seeded() throws -> (TestShop, [Item]) {
        let t = try TestShop()
        var items: [Item] = []
        try t.shop.store.write { db in
            for i in 1...240 {
                let name = "item \((i * 37) % 240 + 1000)"
                let category = ["Bakery", "Drinks", "Dairy"][i % 3]
                let price = Int64((i * 7919) % 500) // repeats: ties broken by id
                try db.run("INSERT INTO products(id, sku, name, sort_name, description, category, price, stock, created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, ?, 1, 0, 0)",
                           Int64(i), "S-\(i)", name, Text.searchFold(name), category, price)
                items.append(Item(id: Int64(i), name: name, category: category, price: price))
            }
        }
        return (t, items)
    }

    func expected(_ items: [Item], category: String, min: Int64, max: Int64, sort: ProductQuery.Sort) -> [Int64] {
        let chosen = items.filter { $0.category == category && $0.price >= min && $0.price <= max }
        let sorted: [Item]
        switch sort {
        case .name: sorted = chosen.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        case .price: sorted = chosen.sorted { ($0.price, $0.id) < ($1.price, $1.id) }
        case .priceDesc: sorted = chosen.sorted { ($0.price, $0.id) > ($1.price, $1.id) }
        case .newest: sorted = chosen.sorted { $0.id > $1.id }
        }
        return sorted.map(\.id)
    }

    @Test("paging through a category in each sort order, within a price range, shows each product once, in order",
          arguments: ProductQuery.Sort.allCases)
    func pagesInOrder(_ sort: ProductQuery.Sort) throws {
        let (t, items) = try seeded()
        for (min, max) in [(Int64(0), Int64(499)), (100, 300), (250, 499)] {
            var seen: [Int64] = []
            var cursor: String?
            repeat {
                let page = try t.shop.catalog.list(ProductQuery(category: "Drinks", minPrice: min, maxPrice: max, sort: sort, limit: 7, cursor: cursor), caller: t.guest)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            let want = expected(items, category: "Drinks", min: min, max: max, sort: sort)
            #expect(!want.isEmpty)
            #expect(seen == want, "Drinks by \(sort), prices \(min)…\(max)")
        }
    }

    /// Sorting a whole category for each page took 60–130 ms at 100,000 products: a page must
    /// be read from an index in its order (no temporary sort), however the range narrows it.
    @Test("a category page in each sort order with a price range is read in index order, never sorted whole",
          arguments: ProductQuery.Sort.allCases)
    func noSortOfTheCategory(_ sort: ProductQuery.Sort) throws {
        let (t, _) = try seeded()
        let (filter, order) = CatalogService.browse(ProductQuery(category: "Drinks", minPrice: 100, maxPrice: 300, sort: sort), after: nil)
        let plan = try t.shop.store.read { db in
            try db.query("EXPLAIN QUERY PLAN SELECT p.id FROM products p \(filter.whereClause) ORDER BY \(order) LIMIT 21",
                         arguments: filter.arguments) { $0.string("detail") }
        }
        #expect(!plan.joined(separator: "\n").contains("TEMP B-TREE"), "\(sort): \(plan)")
    }
}
