import Foundation
import Testing
@testable import ShopEngine

/// Product CSV import and the streamed exports, on real files and real databases.
@Suite("Import and export")
struct ImportExportTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func ledger(_ shop: Shop) throws -> [(product: Int64, variant: Int64?, delta: Int64, reason: String, user: Int64?)] {
        try shop.store.read { db in
            try db.query("SELECT product_id, variant_id, delta, reason, user_id FROM stock_ledger ORDER BY id") {
                (product: $0.int64(0), variant: $0.optionalInt64(1), delta: $0.int64(2), reason: $0.string(3), user: $0.optionalInt64(4))
            }
        }
    }

    func product(_ shop: Shop, _ code: String, _ caller: Caller) throws -> Product { try shop.catalog.product(code: code, caller: caller) }

    // MARK: - Import

    @Test("a CSV with a BOM, quotes, commas, line breaks and Persian names imports; an existing SKU is updated and its stock moves through the ledger")
    func importsAndUpdates() throws {
        let t = try TestShop()
        let staff = try t.staff()
        let existing = try t.shop.catalog.create(ProductDraft(sku: "A-1", name: "Old name", category: "Old", price: 1000, stock: 5), caller: staff.caller)
        let csv = "\u{FEFF}name,sku,price,stock,description,variant,barcode\r\n"
            + "\"Cake, chocolate\",a-1,12.50,8,\"two\r\nlines with \"\"quotes\"\"\",,12345678\r\n"
            + "کیک زعفرانی,B-2,3,2,,۱ کیلو,\r\n"
            + "کیک زعفرانی,B-2,5.25,1,,۲ کیلو,\r\n"
        let report = try t.shop.catalog.importProducts(csv: Self.bytes(csv), caller: staff.caller)
        #expect(report.problems == [])
        #expect(report.written && report.created == 1 && report.updated == 1 && report.rows == 3 && report.products == 2)

        let cake = try product(t.shop, "A-1", staff.caller)
        #expect(cake.id == existing.id, "the SKU matched without regard to case")
        #expect(cake.name == "Cake, chocolate" && cake.price == 1250 && cake.stock == 8 && cake.barcode == "12345678")
        #expect(cake.description == "two\nlines with \"quotes\"", "a quoted CRLF is kept as a line break")
        #expect(cake.category == "Old", "a column the file leaves out stays as it was")
        let saffron = try product(t.shop, "B-2", staff.caller)
        #expect(saffron.name == "کیک زعفرانی")
        #expect(saffron.variants.map(\.name) == ["۱ کیلو", "۲ کیلو"] && saffron.variants.map(\.price) == [300, 525] && saffron.variants.map(\.stock) == [2, 1])

        let moves = try ledger(t.shop).filter { $0.reason == "import" }
        #expect(moves.count == 3)
        #expect(moves.first { $0.product == cake.id }.map { $0.delta == 3 && $0.user == staff.user.id } == true,
                "the file's stock minus the current stock, by the staff member who imported")
        #expect(try t.shop.catalog.list(ProductQuery(text: "زعفران"), caller: t.guest).items.map(\.sku) == ["B-2"], "imported products are searchable")

        // The same file again changes nothing.
        t.clock.advance(60)
        let again = try t.shop.catalog.importProducts(csv: Self.bytes(csv), caller: staff.caller)
        #expect(again.written && again.updated == 0 && again.unchanged == 2 && again.stockChanges == 0)
        #expect(try product(t.shop, "A-1", staff.caller).updatedAt == cake.updatedAt, "nothing written for an unchanged product")
        #expect(try ledger(t.shop).filter { $0.reason == "import" }.count == 3)
    }

    @Test("check reports every bad line with its number and reason, and writes nothing")
    func checkReportsEveryBadLine() throws {
        let t = try TestShop()
        let staff = try t.staff()
        let csv = """
            sku,name,price,stock
            OK-1,Good,1.00,1
            BAD-PRICE,Cake,12.5x,1
            NEG,Cake,-3,1
            CENTS,Cake,1.005,1
            BAD-STOCK,Cake,1,lots
            MINUS,Cake,1,-2
            FIELDS,Cake,1
            OK-1,Again,2,2
            QUOTE,"Cake "with" quotes,1,1
            OPEN,"never closed,1,1
            still inside the quote

            """
        let report = try t.shop.catalog.importProducts(csv: Self.bytes(csv), check: true, caller: staff.caller)
        #expect(!report.written)
        let lines = report.problems.map(\.line)
        #expect(lines == [3, 4, 5, 6, 7, 8, 9, 10, 11], "\(report.problems)")
        let text = report.problems.map(\.description).joined(separator: "\n")
        #expect(text.contains("line 3: price \"12.5x\" is not an amount in USD"))
        #expect(text.contains("line 6: stock \"lots\" is not a whole number"))
        #expect(text.contains("line 8: expected 4 fields"))
        #expect(text.contains("line 9: duplicate SKU OK-1 (also on line 2)"))
        #expect(text.contains("line 11: the quoted field starting on line 11 is never closed"))
        #expect(try t.shop.catalog.list(ProductQuery(), caller: t.guest).items.isEmpty)

        // A real import of the same file writes nothing either; a check of a good file neither.
        #expect(try !t.shop.catalog.importProducts(csv: Self.bytes(csv), caller: staff.caller).written)
        let good = try t.shop.catalog.importProducts(csv: Self.bytes("sku,name,price\nX,Y,1\n"), check: true, caller: staff.caller)
        #expect(good.problems.isEmpty && good.created == 1 && !good.written)
        #expect(try t.shop.catalog.list(ProductQuery(), caller: t.guest).items.isEmpty)
        #expect(try ledger(t.shop).isEmpty)
    }

    @Test("missing, unknown and doubled columns are refused naming them; customers cannot import")
    func headerProblems() throws {
        let t = try TestShop()
        let staff = try t.staff(), customer = try t.customer()
        func message(_ csv: String) -> String {
            do { _ = try t.shop.catalog.importProducts(csv: Self.bytes(csv), caller: staff.caller); return "imported" } catch let e as ShopError { return e.code + ": " + e.message } catch { return "\(error)" }
        }
        #expect(message("sku,name\nA,B\n").hasPrefix("missing_column: line 1: missing column price"))
        #expect(message("sku,price\nA,1\n").contains("missing column name"))
        #expect(message("sku,name,price,colour,size\nA,B,1,red,L\n").contains("unknown columns \"colour\", \"size\""))
        #expect(message("sku,name,price,price\nA,B,1,2\n").contains("column price appears twice"))
        #expect(message("").hasPrefix("empty_file"))
        expectError("forbidden") { try t.shop.catalog.importProducts(csv: Self.bytes("sku,name,price\nA,B,1\n"), caller: customer.caller) }
    }

    @Test("a file in another encoding (Latin-1, UTF-16) is refused with the line and byte")
    func otherEncodings() throws {
        let t = try TestShop()
        let staff = try t.staff()
        var latin1 = Self.bytes("sku,name,price\nA,Caf")
        latin1 += [0xE9] + Self.bytes(" au lait,1\n")
        let error = try #require(throws: ShopError.self) { try t.shop.catalog.importProducts(csv: latin1, caller: staff.caller) }
        #expect(error.code == "not_utf8")
        #expect(error.message.contains("line 2, byte 6 (0xE9)"), "\(error.message)")
        let utf16 = [UInt8]([0xFF, 0xFE]) + "sku,name,price\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let wide = try #require(throws: ShopError.self) { try t.shop.catalog.importProducts(csv: utf16, caller: staff.caller) }
        #expect(wide.message.contains("UTF-16"))
        let noMark = Array(utf16.dropFirst(2))
        let nul = try #require(throws: ShopError.self) { try t.shop.catalog.importProducts(csv: noMark, caller: staff.caller) }
        #expect(nul.message.contains("line 1, byte 2"), "\(nul.message)")
    }

    @Test("an import that fails half way writes nothing, as a second connection sees")
    func allOrNothing() throws {
        let t = try TestShop()
        let staff = try t.staff()
        _ = try t.shop.catalog.create(ProductDraft(sku: "TAKEN", barcode: "99990000", name: "Has the barcode", price: 100, stock: 2), caller: staff.caller)
        var csv = "sku,name,price,stock,barcode\n"
        for i in 1...300 { csv += "N-\(i),Product \(i),1.\(i % 100),\(i % 7),\(10_000_000 + i)\n" }
        csv += "N-301,Clashes,1,1,99990000\n"            // passes parsing; the database refuses it (line 302)
        for i in 302...400 { csv += "N-\(i),Product \(i),1,1,\n" }
        let report = try t.shop.catalog.importProducts(csv: Self.bytes(csv), caller: staff.caller)
        #expect(!report.written)
        #expect(report.problems.map(\.line) == [302])
        #expect(report.problems.first?.message.contains("barcode 99990000") == true, "\(report.problems)")
        let other = try t.openAgain()
        let counts = try other.store.read { db in
            (try db.scalarInt("SELECT count(*) FROM products"), try db.scalarInt("SELECT count(*) FROM stock_ledger"), try db.scalarInt("SELECT count(*) FROM products_fts"))
        }
        #expect(counts.0 == 1 && counts.1 == 1 && counts.2 == 1, "only the product made before: \(counts)")
    }

    @Test("variants: rows share the SKU, a second row of a plain SKU is a duplicate, variant stock moves through the ledger")
    func variants() throws {
        let t = try TestShop(currency: Currency(code: "IRR", minorDigits: 0))
        let staff = try t.staff()
        let first = "sku,name,price,stock,variant\nCAKE,کیک,450000,3,1 kg\nCAKE,,800000,1,2 kg\n"
        #expect(try t.shop.catalog.importProducts(csv: Self.bytes(first), caller: staff.caller).written)
        let update = "sku,name,price,stock,variant\nCAKE,کیک,460000,5,1 kg\nCAKE,کیک,900000,,3 kg\n"
        let report = try t.shop.catalog.importProducts(csv: Self.bytes(update), caller: staff.caller)
        #expect(report.problems == [] && report.written)
        let cake = try product(t.shop, "CAKE", staff.caller)
        #expect(cake.variants.map(\.name) == ["1 kg", "3 kg"] && cake.variants.map(\.price) == [460_000, 900_000])
        #expect(cake.variants.map(\.stock) == [5, 0] && cake.stock == 5)
        // 1 kg: +3 then +2; the removed 2 kg variant takes its ledger rows with it (as editing does).
        #expect(try ledger(t.shop).filter { $0.reason == "import" }.map(\.delta) == [3, 2])

        let bad = "sku,name,price,variant\nP,Plain,1,\nP,Plain,2,\nV,Cake,1,a\nV,Cake,2,A\nV,Other name,3,b\nP,Plain,1,x\n"
        let problems = try t.shop.catalog.importProducts(csv: Self.bytes(bad), check: true, caller: staff.caller).problems.map(\.description)
        #expect(problems == ["line 3: duplicate SKU P (also on line 2)", "line 5: variant \"A\" of SKU V is also on line 4",
                             "line 6: name differs from line 4, the first row of SKU V", "line 7: duplicate SKU P (line 2 gives it without a variant)"])
        let irr = try t.shop.catalog.importProducts(csv: Self.bytes("sku,name,price\nX,Y,12.50\n"), check: true, caller: staff.caller)
        #expect(irr.problems.first?.message == "price \"12.50\" is not an amount in IRR (like 125000)")
    }

    @Test("the one-pass search folding gives what folding digits, lowercasing and mapping letters in turn gives")
    func searchFoldingUnchanged() {
        func reference(_ s: String) -> String {
            let folded = Text.foldDigits(s).lowercased()
            return String(String.UnicodeScalarView(folded.unicodeScalars.map { scalar -> Unicode.Scalar in
                switch scalar.value {
                case 0x064A, 0x0649: "\u{06CC}"
                case 0x0643: "\u{06A9}"
                case 0x200C: " "
                default: scalar
                }
            }))
        }
        for text in ["Chocolate CAKE 12", "كيك شكلاتي ۱۲۳ ٤٥", "کیک‌خامه‌ای", "İSTANBUL Straße ΣΟΦΙΑ", "Ünïcödé ÀÉÎ \u{212A}elvin", "مي ۹ kg", "\u{1F600} emoji"] {
            #expect(Text.searchFold(text) == reference(text), "\(text)")
        }
    }

    // MARK: - Export

    /// Exports into memory.
    func export(_ shop: Shop, _ request: ExportRequest, _ caller: Caller) throws -> String {
        var out: [UInt8] = []
        _ = try shop.exports.write(request, caller: caller) { out.append(contentsOf: $0) }
        return String(decoding: out, as: UTF8.self)
    }

    @Test("Persian names and variants round-trip through a products export and an import into another shop")
    func productsRoundTrip() throws {
        let t = try TestShop()
        let staff = try t.staff()
        _ = try t.shop.catalog.create(ProductDraft(sku: "C-1", barcode: "6260001", name: "کیک شکلاتی", description: "خامه‌ای، تازه\nline two, \"quoted\"", category: "نانوایی",
                                                   variants: [VariantDraft(name: "۱ کیلو", price: 45_050, stock: 3), VariantDraft(name: "2 kg", price: 80_000, stock: 1)]), caller: staff.caller)
        _ = try t.shop.catalog.create(ProductDraft(sku: "F-1", name: "=HYPERLINK(\"x\")", description: " padded ", price: 99, stock: 7, active: false), caller: staff.caller)
        let csv = try export(t.shop, ExportRequest(kind: .products, excel: true), staff.caller)
        #expect(csv.hasPrefix("\u{FEFF}sku,name,description,category,price,stock,barcode,variant,active\r\n"))
        #expect(csv.contains("450.50,3,6260001,۱ کیلو,yes\r\n"), "major units with the currency's digits")
        #expect(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), "a formula is guarded for spreadsheets")

        let other = try TestShop()
        let otherStaff = try other.staff()
        let report = try other.shop.catalog.importProducts(csv: Self.bytes(csv), caller: otherStaff.caller)
        #expect(report.problems == [] && report.created == 2)
        for sku in ["C-1", "F-1"] {
            let a = try product(t.shop, sku, staff.caller), b = try product(other.shop, sku, otherStaff.caller)
            #expect([a.name, a.description, a.category, a.barcode ?? ""] == [b.name, b.description, b.category, b.barcode ?? ""])
            #expect(a.price == b.price && a.stock == b.stock && a.active == b.active)
            #expect(a.variants.map(\.name) == b.variants.map(\.name) && a.variants.map(\.price) == b.variants.map(\.price) && a.variants.map(\.stock) == b.variants.map(\.stock))
        }

        let json = try export(t.shop, ExportRequest(kind: .products, format: .json), staff.caller)
        let objects = try json.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.count == 2)
        #expect(objects[0]["name"] as? String == "کیک شکلاتی" && (objects[0]["variants"] as? [[String: Any]])?.count == 2)
    }

    @Test("orders export with their lines and payments parses back as CSV and JSON; since and until filter; staff only")
    func ordersExport() throws {
        let t = try TestShop()
        let staff = try t.staff(), customer = try t.customer()
        let cake = try t.shop.catalog.create(ProductDraft(sku: "CAKE", name: "کیک, \"ویژه\"", price: 1250, stock: 100), caller: staff.caller)
        let tea = try t.shop.catalog.create(ProductDraft(sku: "TEA", name: "Tea", price: 300, stock: 100), caller: staff.caller)
        let old = try t.shop.orders.create(OrderRequest(items: [.init(productID: cake.id, quantity: 2)], contact: .sample), caller: customer.caller)
        t.clock.advance(86_400 * 3)
        let cutoff = t.clock.now()
        let order = try t.shop.orders.create(OrderRequest(items: [.init(productID: cake.id, quantity: 1), .init(productID: tea.id, quantity: 3)], contact: .sample), caller: customer.caller)
        _ = try t.shop.payments.create(orderID: order.id, amount: 2150, method: .cash, completed: true, caller: staff.caller)

        let csv = try export(t.shop, ExportRequest(kind: .orders), staff.caller)
        #expect(csv.hasSuffix("\r\n") && !csv.hasPrefix("\u{FEFF}"))
        let records = CSV.records(Array(csv.utf8))
        let header = try #require(records.first?.fields)
        #expect(header == ExportQueries.orderColumns)
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.fields)) }
        #expect(rows.count == 3, "one row per order line")
        #expect(rows.map { $0["number"]! } == [old.number, order.number, order.number], "oldest first, the order's columns repeated")
        #expect(rows[0]["line_name"] == "کیک, \"ویژه\"" && rows[0]["unit_price"] == "12.50" && rows[0]["line_total"] == "25.00")
        #expect(rows[1]["total"] == "21.50" && rows[1]["paid"] == "21.50" && rows[1]["payments"] == "21.50 cash completed")
        #expect(rows[0]["paid"] == "0.00" && rows[0]["payments"] == "")
        #expect(rows[1]["created_at"] == ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(cutoff))), "ISO 8601, UTC")
        #expect(rows[2]["line_sku"] == "TEA" && rows[2]["quantity"] == "3")

        let since = try export(t.shop, ExportRequest(kind: .orders, since: cutoff), staff.caller)
        #expect(CSV.records(Array(since.utf8)).dropFirst().allSatisfy { $0.fields[1] == order.number })
        let until = try export(t.shop, ExportRequest(kind: .orders, until: cutoff), staff.caller)
        #expect(CSV.records(Array(until.utf8)).count == 2)

        let json = try export(t.shop, ExportRequest(kind: .orders, format: .json), staff.caller)
        let objects = try json.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.count == 2)
        #expect((objects[1]["items"] as? [[String: Any]])?.map { $0["sku"] as? String } == ["CAKE", "TEA"])
        #expect((objects[1]["payments"] as? [[String: Any]])?.first?["amount"] as? Int == 2150 && objects[1]["paid"] as? Int == 2150)

        let payments = try export(t.shop, ExportRequest(kind: .payments), staff.caller)
        #expect(CSV.records(Array(payments.utf8)).last?.fields[5] == "21.50")
        expectError("forbidden") { try export(t.shop, ExportRequest(kind: .orders), customer.caller) }
        expectError("forbidden", "customers' details are for admins") { try export(t.shop, ExportRequest(kind: .customers), staff.caller) }
        let admin = try t.staff("+15550007777", role: .admin)
        let customers = try export(t.shop, ExportRequest(kind: .customers), admin.caller)
        #expect(customers.contains(customer.user.phone ?? "?") && !customers.contains("hash"))
        #expect(throws: ShopError.self) { try ExportRequest.parseDate("21/11/2026") }
        #expect(try ExportRequest.parseDate("2026-11-21T14:30:00Z") == CivilDate("2026-11-21")!.startUTC + 52_200)
    }

    @Test("an export to a file is atomic and private; an unwritable target fails clearly and leaves nothing")
    func exportFiles() throws {
        let t = try TestShop()
        let staff = try t.staff()
        _ = try t.shop.catalog.create(ProductDraft(sku: "A", name: "A", price: 1, stock: 1), caller: staff.caller)
        let path = t.directory.appendingPathComponent("products.csv").path
        let summary = try t.shop.exports.writeFile(ExportRequest(kind: .products), to: path, caller: staff.caller)
        #expect(summary.records == 1)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("sku,name"))

        let missing = try #require(throws: ShopError.self) {
            try t.shop.exports.writeFile(ExportRequest(kind: .products), to: t.directory.path + "/no/such/folder/x.csv", caller: staff.caller)
        }
        #expect(missing.code == "unwritable_target" && missing.message.contains("the folder does not exist"))
        let folder = try #require(throws: ShopError.self) { try t.shop.exports.writeFile(ExportRequest(kind: .products), to: t.directory.path, caller: staff.caller) }
        #expect(folder.message.contains("is a folder"))

        // A failure part way leaves the old file as it was and no temporary file behind.
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try AtomicFile.write(path) { write in
                try Array("half".utf8).withUnsafeBytes { try write($0) }
                throw Boom()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("sku,name"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: t.directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        // A customer's refused export leaves no file either.
        let customer = try t.customer()
        let refused = t.directory.appendingPathComponent("refused.csv").path
        expectError("forbidden") { try t.shop.exports.writeFile(ExportRequest(kind: .orders), to: refused, caller: customer.caller) }
        #expect(!FileManager.default.fileExists(atPath: refused))
    }
}
