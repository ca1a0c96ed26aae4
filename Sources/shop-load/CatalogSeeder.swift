import Foundation
import ShopEngine

/// Bulk-generated products for benchmarks: names from a small vocabulary (English and Persian),
/// several categories, prices and stock spread out. Inserted in batches of 10,000 per transaction.
enum CatalogSeeder {
    static let adjectives = ["Fresh", "Golden", "Dark", "Spicy", "Sweet", "Crispy", "Royal", "Tiny", "Giant", "Smoked", "شکلاتی", "تازه"]
    static let nouns = ["cake", "bread", "tea", "coffee", "cookie", "cheese", "honey", "juice", "rice", "saffron", "نان", "کیک"]
    static let categories = ["Bakery", "Drinks", "Dairy", "Pantry", "Sweets", "Spices", "نانوایی", "Snacks"]

    static func seed(_ store: Store, count: Int) throws {
        let now = Int64(Date().timeIntervalSince1970)
        var done = 0
        let start = (try store.read { try $0.scalarInt("SELECT ifnull(max(id), 0) FROM products") } ?? 0) + 1
        while done < count {
            let batch = min(10_000, count - done)
            try store.write { db in
                for i in 0..<batch {
                    let id = start + Int64(done + i)
                    let name = "\(adjectives[Int(id) % adjectives.count]) \(nouns[Int(id / 7) % nouns.count]) \(id)"
                    let category = categories[Int(id / 3) % categories.count]
                    try db.run("""
                        INSERT INTO products(id, sku, name, sort_name, description, category, price, stock, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [id, "SKU-\(id)", name, Text.searchFold(name), "Generated product number \(id)", category,
                                         Int64(100 + (id * 7919) % 100_000), Int64((id * 31) % 50), now, now])
                    try db.run("INSERT INTO products_fts(rowid, search) VALUES (?, ?)", id, Text.searchFold("\(name) Generated product number \(id) SKU-\(id) \(category)"))
                }
            }
            done += batch
        }
        // The rows went straight into the search index: list its words for prefix search.
        try store.write { try SearchTerms.rebuild($0) }
    }
}

/// Times catalog queries as a customer would make them.
enum BrowseTimer {
    static func run(_ shop: Shop, iterations: Int) throws -> [(String, Int)] {
        let guest = Caller.guest()
        var results: [(String, Int)] = []
        // SHOP_BROWSE_ONLY=TEXT: only the queries whose name holds TEXT (e.g. to profile one).
        let only = ProcessInfo.processInfo.environment["SHOP_BROWSE_ONLY"] ?? ""
        func time(_ name: String, _ body: () throws -> Void) rethrows {
            guard only.isEmpty || name.contains(only) else { return }
            var samples: [Double] = []
            for _ in 0..<iterations {
                let t0 = DispatchTime.now().uptimeNanoseconds
                try body()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1_000)
            }
            samples.sort()
            results.append(("\(name)_median_us", Int(samples[samples.count / 2])))
            results.append(("\(name)_p99_us", Int(samples[min(samples.count - 1, samples.count * 99 / 100)])))
        }
        try time("first_page_by_name") { _ = try shop.catalog.list(ProductQuery(limit: 20), caller: guest) }
        var cursor: String? = nil
        try time("next_page_by_name") {
            let page = try shop.catalog.list(ProductQuery(limit: 20, cursor: cursor), caller: guest)
            cursor = page.nextCursor
        }
        var priceCursor: String? = nil
        try time("next_page_by_price") {
            let page = try shop.catalog.list(ProductQuery(sort: .price, limit: 20, cursor: priceCursor), caller: guest)
            priceCursor = page.nextCursor
        }
        try time("newest_page") { _ = try shop.catalog.list(ProductQuery(sort: .newest, limit: 20), caller: guest) }
        try time("category_in_stock") { _ = try shop.catalog.list(ProductQuery(category: "Dairy", inStockOnly: true, limit: 20), caller: guest) }
        try time("search_rare_word") { _ = try shop.catalog.list(ProductQuery(text: "4242", limit: 20), caller: guest) }
        try time("search_with_word_in_every_product") { _ = try shop.catalog.list(ProductQuery(text: "number 4242", limit: 20), caller: guest) }
        try time("search_common_prefix") { _ = try shop.catalog.list(ProductQuery(text: "spic", limit: 20), caller: guest) }
        try time("search_common_word") { _ = try shop.catalog.list(ProductQuery(text: "cake", limit: 20), caller: guest) }
        try time("search_persian") { _ = try shop.catalog.list(ProductQuery(text: "کیک", limit: 20), caller: guest) }
        // Every product has "number" and "generated"; a 1–2 letter prefix; Persian prefixes, some
        // spread over the name order (کی: a noun), some only where names begin with them, at the
        // end of the name order (شک, تا: adjectives); the same by price and newest.
        for (name, text) in [("word_in_every_product", "number"), ("long_word_in_every_product", "generated"), ("prefix_1_letter", "g"),
                             ("prefix_2_letters", "ch"), ("persian_prefix_1_letter", "ک"), ("persian_prefix_2_letters", "کی"),
                             ("persian_prefix_name_start", "شک"), ("persian_prefix_name_start_2", "تا")] {
            try time("search_\(name)") { _ = try shop.catalog.list(ProductQuery(text: text, limit: 20), caller: guest) }
        }
        try time("search_word_in_every_product_by_price") { _ = try shop.catalog.list(ProductQuery(text: "number", sort: .price, limit: 20), caller: guest) }
        try time("search_persian_prefix_name_start_by_price") { _ = try shop.catalog.list(ProductQuery(text: "شک", sort: .price, limit: 20), caller: guest) }
        try time("search_prefix_1_letter_newest") { _ = try shop.catalog.list(ProductQuery(text: "g", sort: .newest, limit: 20), caller: guest) }
        // Every other order and within a category: the late-sorting Persian words and prefixes,
        // a word in every product, a 1-digit prefix (spelled out by 100,000+ numbers: too many to
        // merge, the walk answers).
        for (name, text, sort) in [("persian_word_newest", "کیک", ProductQuery.Sort.newest), ("persian_word_by_price", "کیک", .price),
                                   ("persian_prefix_name_start_price_desc", "تا", .priceDesc), ("prefix_2_letters_by_price", "ch", .price),
                                   ("word_in_every_product_price_desc", "number", .priceDesc), ("word_in_every_product_newest", "number", .newest),
                                   ("persian_prefix_1_letter_by_price", "ک", .price), ("digit_prefix", "4", .name)] {
            try time("search_\(name)") { _ = try shop.catalog.list(ProductQuery(text: text, sort: sort, limit: 20), caller: guest) }
        }
        for (name, text, category, sort) in [("word_in_every_product", "number", "Dairy", ProductQuery.Sort.name),
                                             ("persian_word", "کیک", "نانوایی", .name), ("persian_prefix_name_start", "شک", "Snacks", .price),
                                             ("prefix_2_letters", "ch", "Drinks", .newest), ("persian_word_other_category", "کیک", "Spices", .priceDesc)] {
            try time("search_in_category_\(name)") { _ = try shop.catalog.list(ProductQuery(text: text, category: category, sort: sort, limit: 20), caller: guest) }
        }
        // Within a category in every order, prefixes of 1 letter and 1–2 digits (a digit begins
        // 111,111 listed numbers), the category's own word, and paging on.
        for (name, text, category, sort) in [("word_in_every_product_by_price", "number", "Dairy", ProductQuery.Sort.price),
                                             ("word_in_every_product_price_desc", "number", "Dairy", .priceDesc),
                                             ("word_in_every_product_newest", "number", "Dairy", .newest),
                                             ("persian_word_newest", "کیک", "Spices", .newest), ("persian_word_by_price", "کیک", "نانوایی", .price),
                                             ("prefix_1_letter", "g", "Sweets", .name), ("persian_prefix_1_letter", "ک", "Drinks", .priceDesc),
                                             ("digit_prefix", "4", "Pantry", .name), ("digit_prefix_newest", "4", "Pantry", .newest),
                                             ("category_word", "dairy", "Dairy", .price), ("two_words", "number ch", "Snacks", .name)] {
            try time("search_in_category_\(name)") { _ = try shop.catalog.list(ProductQuery(text: text, category: category, sort: sort, limit: 20), caller: guest) }
        }
        for (name, text, sort) in [("digit_prefix_by_price", "4", ProductQuery.Sort.price), ("digit_prefix_newest", "4", .newest),
                                   ("digit_prefix_2", "42", .name), ("digit_prefix_2_price_desc", "42", .priceDesc)] {
            try time("search_\(name)") { _ = try shop.catalog.list(ProductQuery(text: text, sort: sort, limit: 20), caller: guest) }
        }
        var categoryCursor: String? = nil
        try time("search_in_category_persian_word_next_pages") {
            let page = try shop.catalog.list(ProductQuery(text: "کیک", category: "Spices", sort: .priceDesc, limit: 20, cursor: categoryCursor), caller: guest)
            categoryCursor = page.nextCursor
        }
        var persianCursor: String? = nil
        try time("search_persian_word_next_pages") {
            let page = try shop.catalog.list(ProductQuery(text: "کیک", limit: 20, cursor: persianCursor), caller: guest)
            persianCursor = page.nextCursor
        }
        var searchCursor: String? = nil
        try time("search_word_in_every_product_next_pages") {
            let page = try shop.catalog.list(ProductQuery(text: "number", limit: 20, cursor: searchCursor), caller: guest)
            searchCursor = page.nextCursor
        }
        try time("product_detail") { _ = try shop.catalog.product(id: 777, caller: guest) }
        return results
    }
}
