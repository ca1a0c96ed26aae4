import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

@Suite("Staff: coupons at the terminal")
struct StaffCouponTests {
    @Test("a coupon made on the form is listed with its value, window and uses, and d disables it so checkout refuses it")
    func createListDisable() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Coupons")
        #expect(app.text.contains("No coupons yet"))
        app.press(.char("n"))
        #expect(app.text.contains("A new coupon"))
        app.type("xmas-10"); app.press(.tab)
        app.press(.tab)                                  // kind stays "percent"
        app.type("10"); app.press(.tab)
        app.type("2999-12-01"); app.press(.tab)
        app.type("2999-11-30"); app.press(.tab)          // before the first day: refused under the field
        app.type("3")
        app.press(.enter)
        #expect(app.text.contains("Valid until must not be before valid from"))
        #expect(try f.shop.orders.coupons(caller: f.staff.caller).isEmpty)
        for _ in 0..<10 { app.press(.backspace) }
        app.type("2999-12-31")
        app.press(.enter)
        let listed = app.screen()
        #expect(listed.contains { $0.contains("XMAS-10") && $0.contains("10%") && $0.contains("2999-12-01 – 2999-12-31") && $0.contains("0/3") && $0.contains("not started") },
                "\(listed.joined(separator: "\n"))")
        let coupon = try #require(try f.shop.orders.coupons(caller: f.staff.caller).first)
        #expect(coupon.code == "XMAS-10" && coupon.value == 10 && coupon.maxUses == 3 && coupon.active)

        app.press(.char("d"))
        #expect(app.text.contains("Coupon XMAS-10 disabled"))
        #expect(app.screen().contains { $0.contains("XMAS-10") && $0.contains("disabled") })
        #expect(try f.shop.orders.coupons(caller: f.staff.caller).first?.active == false)
    }

    @Test("the engine's refusal of an existing code lands under the Code field")
    func existingCodeMarked() throws {
        let f = try StaffFixture()
        _ = try f.shop.orders.createCoupon(code: "FIVE", kind: .fixed, value: 500, caller: f.staff.caller)
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Coupons")
        #expect(app.screen().contains { $0.contains("FIVE") && $0.contains("5.00") && $0.contains("always") && $0.contains("running") })
        app.press(.char("n"))
        app.type("five"); app.press(.tab)
        for _ in 0..<7 { app.press(.backspace) }
        app.type("fixed"); app.press(.tab)
        app.type("2.50")
        app.press(.enter)
        #expect(app.text.contains("a code is never issued twice"))
        #expect(try f.shop.orders.coupons(caller: f.staff.caller).count == 1)
    }
}

@Suite("Counter: ESC/POS receipts and the cash drawer")
struct EscPosDrawerTests {
    static let receipt = "  Corner Bakery\n===\n1 × Tea      2.50\nTOTAL USD    2.50\nThank you!\n"

    @Test("an ESC/POS receipt is ESC @, the store name in bold, the lines, TOTAL in bold, three feeds and GS V 66 0")
    func receiptBytes() {
        let bytes = EscPos.receipt(Self.receipt)
        var expected: [UInt8] = [0x1B, 0x40]
        expected += [0x1B, 0x45, 0x01] + Array("  Corner Bakery".utf8) + [0x1B, 0x45, 0x00, 0x0A]
        expected += Array("===\n".utf8) + Array("1 × Tea      2.50\n".utf8)
        expected += [0x1B, 0x45, 0x01] + Array("TOTAL USD    2.50".utf8) + [0x1B, 0x45, 0x00, 0x0A]
        expected += Array("Thank you!\n".utf8) + [0x0A, 0x0A, 0x0A] + [0x1D, 0x56, 0x42, 0x00]
        #expect(bytes == expected)
        #expect(Array("×".utf8) == [0xC3, 0x97], "text goes out as UTF-8 as it is")
        #expect(EscPos.openDrawer == [0x1B, 0x40, 0x1B, 0x70, 0x00, 0x19, 0xFA])
    }

    /// A temporary folder with a script that records its arguments and stdin.
    struct Bench {
        let directory: URL
        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-drawer-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let script = "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"\(directory.path)/argv\"\ncat > \"\(directory.path)/stdin\"\n"
            try script.write(toFile: self.script, atomically: true, encoding: .utf8)
            chmod(self.script, 0o755)
        }
        var script: String { directory.appendingPathComponent("record.sh").path }
        func file(_ name: String) -> [UInt8]? { FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map(Array.init) }
        func settings(_ configure: (inout SessionSettings) -> Void) -> SessionSettings {
            var s = SessionSettings(receiptDirectory: directory.appendingPathComponent("receipts").path)
            configure(&s)
            return s
        }
    }

    /// Real payments on a real order: a card one and a cash one, completed, and a pending cash one.
    static func payments() throws -> (card: PaymentService.Payment, cash: PaymentService.Payment, pendingCash: PaymentService.Payment, fixture: StaffFixture) {
        let f = try StaffFixture()
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 3)], contact: .sample), caller: f.staff.caller)
        let card = try f.shop.payments.create(orderID: order.id, amount: 100, method: .card, completed: true, caller: f.staff.caller)
        let pending = try f.shop.payments.create(orderID: order.id, amount: 100, method: .cash, caller: f.staff.caller)
        let cash = try f.shop.payments.create(orderID: order.id, amount: 100, method: .cash, completed: true, caller: f.staff.caller)
        return (card, cash, pending, f)
    }

    @Test("a cash quick sale at the counter opens the drawer; a card sale does not")
    func quickSaleOpensTheDrawer() throws {
        let bench = try Bench()
        let f = try StaffFixture()
        var settings = bench.settings { $0.drawerCommand = [bench.script, "kick"] }
        settings.receiptDirectory = f.receiptDirectory
        let session = Session(shop: f.shop, settings: settings)
        session.signedIn(f.staff)
        let app = AppDriver(session)
        app.openStaff("Quick sale")
        app.scan("4006381333931")
        app.press(.enter); app.type("20"); app.press(.enter)
        #expect(app.text.contains("Sale S-000001 complete"))
        #expect(bench.file("argv") == Array("kick\n".utf8), "the drawer command ran after the cash sale")
        unlink(bench.directory.appendingPathComponent("argv").path)
        app.press(.enter)                                   // the next sale, paid by card
        app.scan("4006381333931")
        app.press(.enter, .tab)
        #expect(app.text.contains("Card"))
        app.press(.enter)
        #expect(app.text.contains("Sale S-000002 complete"))
        #expect(bench.file("argv") == nil, "no drawer for a card sale")
    }

    @Test("the drawer command runs directly with its arguments (quotes kept together) after a completed cash payment, and only then")
    func drawerCommandRunsWithArguments() throws {
        let bench = try Bench()
        defer { try? FileManager.default.removeItem(at: bench.directory) }
        let printer = ReceiptPrinter(settings: bench.settings { $0.drawerCommand = ReceiptPrinter.words("\(bench.script) --pin 2 'till one'") })
        let paid = try Self.payments()
        #expect(try printer.openDrawer(after: [paid.card]) == nil)
        #expect(bench.file("argv") == nil, "no drawer for a card payment")
        #expect(try printer.openDrawer(after: [paid.pendingCash]) == nil)
        #expect(bench.file("argv") == nil, "no drawer for a cash payment not completed")
        #expect(try printer.openDrawer(after: [paid.card, paid.cash]) == "Drawer opened")
        #expect(bench.file("argv") == Array("--pin\n2\ntill one\n".utf8))
        #expect(bench.file("stdin") == [])
        let failing = ReceiptPrinter(settings: bench.settings { $0.drawerCommand = ["/bin/false"] })
        #expect(throws: ShopError.self) { try failing.openDrawer() }
    }

    @Test("with ESC/POS and no drawer command, the kick goes to the receipt command and the receipt device; text mode opens nothing")
    func escposKickThroughPrinter() throws {
        let bench = try Bench()
        defer { try? FileManager.default.removeItem(at: bench.directory) }
        let device = bench.directory.appendingPathComponent("lp0").path
        FileManager.default.createFile(atPath: device, contents: Data([0x58]))   // appended to, never truncated
        let escpos = ReceiptPrinter(settings: bench.settings { $0.receiptFormat = .escpos; $0.receiptCommand = [bench.script, "-d", "counter"]; $0.receiptDevice = device })
        #expect(try escpos.openDrawer() == "Drawer opened")
        #expect(bench.file("stdin") == EscPos.openDrawer)
        #expect(bench.file("argv") == Array("-d\ncounter\n".utf8))
        #expect(bench.file("lp0") == [0x58] + EscPos.openDrawer)

        let said = try escpos.print(Self.receipt, name: "R-1")
        #expect(said.contains("sent to \(device)"))
        #expect(bench.file("stdin") == EscPos.receipt(Self.receipt))
        #expect(bench.file("lp0") == [0x58] + EscPos.openDrawer + EscPos.receipt(Self.receipt))
        #expect(bench.file("receipts/R-1.txt") == Array(Self.receipt.utf8), "the saved copy stays plain text")

        let text = ReceiptPrinter(settings: bench.settings { $0.receiptCommand = [bench.script]; $0.receiptDevice = device })
        #expect(try text.openDrawer() == nil)
        _ = try text.print(Self.receipt, name: "R-2")
        #expect(bench.file("stdin") == Array(Self.receipt.utf8))

        let missing = ReceiptPrinter(settings: bench.settings { $0.receiptFormat = .escpos; $0.receiptDevice = bench.directory.appendingPathComponent("nope").path })
        #expect(throws: ShopError.self) { try missing.openDrawer() }
        #expect(!FileManager.default.fileExists(atPath: bench.directory.appendingPathComponent("nope").path), "a mistyped device is never created")
    }
}
