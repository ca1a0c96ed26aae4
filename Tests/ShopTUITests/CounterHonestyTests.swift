import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

/// "What the screen says is what happened" at the counter: money taken in the payment dialog
/// never vanishes without a word, and a refused amount is explained in full.
@Suite("Quick sale: payments say what happened")
struct CounterHonestyTests {
    /// A quick sale of one sourdough bread (4.50) with the payment dialog open.
    private func paying(_ f: StaffFixture, width: Int = 80, height: Int = 24) -> AppDriver {
        let app = AppDriver(f.session(f.staff), width: width, height: height)
        app.openStaff("Quick sale")
        app.scan("BREAD-SD")
        app.press(.function(5))
        return app
    }

    @Test("Backspace in the amount after a cash tender only edits the amount; Ctrl-Z gives the tender back and says so")
    func backspaceKeepsTheTender() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Quick sale")
        app.scan("BREAD-SD"); app.scan("BREAD-SD")           // 9.00
        app.press(.function(5))
        app.type("5"); app.press(.enter)                  // cash 5.00 of 9.00
        #expect(app.text.contains("✓ Cash 5.00"))
        app.type("1"); app.press(.backspace, .backspace)  // one too many Backspaces
        #expect(app.text.contains("✓ Cash 5.00"), "Backspace does not take back money:\n\(app.text)")
        #expect(app.text.contains("Due 4.00 USD"))
        #expect(app.text.contains("Ctrl-Z"), "the footer names the undo key")
        app.press(.ctrl("z"))
        #expect(!app.text.contains("✓ Cash 5.00"))
        #expect(app.text.contains("Gave back Cash 5.00"))
        #expect(app.text.contains("Due 9.00 USD"))
    }

    @Test("Esc with payments taken asks first with the shared prompt; n keeps them, y gives them back and says so")
    func escapeAsksFirst() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Quick sale")
        app.scan("BREAD-SD"); app.scan("BREAD-SD")
        app.press(.function(5))
        app.type("5"); app.press(.enter)
        app.press(.escape)
        #expect(app.text.contains("Take payment"), "still paying after one Esc")
        #expect(app.text.contains("✓ Cash 5.00"))
        #expect(app.text.contains("? Give back Cash 5.00 and return to the sale?"), "the shared ConfirmPrompt")
        app.press(.char("n"))
        #expect(app.text.contains("Take payment") && app.text.contains("✓ Cash 5.00"), "n keeps the payment")
        app.press(.escape)
        app.press(.escape)
        #expect(app.text.contains("Take payment") && app.text.contains("✓ Cash 5.00"), "Esc answers no, as everywhere")
        app.press(.escape)
        app.press(.char("y"))
        #expect(!app.text.contains("Take payment"))
        #expect(app.text.contains("Gave back Cash 5.00"))
    }

    @Test("Esc with nothing taken goes straight back to the sale")
    func escapeWithoutTenders() throws {
        let f = try StaffFixture()
        let app = paying(f)
        app.press(.escape)
        #expect(!app.text.contains("Take payment"))
    }

    @Test("a card amount above what is due says so next to the field and, on Enter, in full")
    func cardAboveDue() throws {
        let f = try StaffFixture()
        let app = paying(f)
        app.press(.tab)                                   // card
        app.type("10")
        #expect(app.text.contains("more than due"))
        #expect(!app.text.contains("less than due"))
        app.press(.enter)
        #expect(app.text.contains("A card payment cannot be more than the amount due (4.50)"), "\(app.text)")
        #expect(try f.orders().isEmpty)
    }
}

@Suite("Quick sale: counter conveniences")
struct CounterConvenienceTests {
    @Test("Ctrl-P on an empty sale prints the previous sale's receipt again, after the next sale started")
    func reprintLastReceipt() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Quick sale")
        app.press(.ctrl("p"))
        #expect(app.text.contains("No sale yet to print a receipt for"))
        app.scan("BREAD-SD")
        app.press(.function(5), .enter)                   // cash, exact
        #expect(app.text.contains("Sale S-000001 complete"))
        let file = f.receiptDirectory + "/S-000001.txt"
        try FileManager.default.removeItem(atPath: file)
        app.press(.enter)                                 // the next sale starts, empty
        #expect(app.text.contains("N*CODE adds N"))
        app.press(.ctrl("p"))
        #expect(FileManager.default.fileExists(atPath: file), "the last receipt printed again")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("Sourdough bread"))
        app.scan("BUTTER")
        try FileManager.default.removeItem(atPath: file)
        app.press(.ctrl("p"))
        #expect(!FileManager.default.fileExists(atPath: file), "not in the middle of a sale")
        #expect(app.text.contains("once this sale is finished or empty"))
    }

    @Test("letters that are no barcode or SKU search the catalog by name and show a pick list; Enter adds the chosen product")
    func findByName() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Quick sale")
        app.scan("sourdough")
        #expect(app.text.contains("Products matching \"sourdough\""), "\(app.text)")
        #expect(app.text.contains("Sourdough bread"))
        app.press(.enter)
        #expect(!app.text.contains("Products matching"))
        #expect(app.screen().contains { $0.contains("Sourdough bread") && $0.contains(" 1 ") })
        app.scan("2*cake")                                // a name with variants: then which one
        #expect(app.text.contains("Chocolate cake"))
        app.press(.enter)
        #expect(app.text.contains("Which Chocolate cake?"))
        app.press(.enter)
        #expect(app.screen().contains { $0.contains("Chocolate cake (1 kg)") && $0.contains(" 2 ") }, "\(app.text)")
        app.scan("nothing like it")
        #expect(app.text.contains("No product with barcode, SKU or name \"nothing like it\""))
    }
}

@Suite("Quick sale: a new customer from F2")
struct CounterNewCustomerTests {
    @Test("a phone nobody has asks for a name; Enter adds the customer, the sale is theirs, and the next search finds them")
    func createFromF2() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Quick sale")
        app.scan("BREAD-SD")
        app.press(.function(2))
        app.type("+15550108888"); app.press(.enter)
        #expect(app.text.contains("No customer yet: type a name to add one"), "\(app.text)")
        #expect(app.text.contains("Enter add customer"), "the footer says what Enter does now")
        app.press(.enter)
        #expect(app.text.contains("Type the customer's name"))
        app.type("Maya Lee"); app.press(.enter)
        #expect(app.text.contains("Added customer Maya Lee"), "\(app.text)")
        #expect(app.text.contains("Customer: Maya Lee"))
        app.press(.enter, .enter)                         // pay, cash exact
        #expect(app.text.contains("Sale S-000001 complete"))
        let order = try #require(try f.orders().first)
        #expect(order.firstName == "Maya" && order.lastName == "Lee" && order.phone == "+15550108888")
        app.press(.enter)                                 // next sale
        app.press(.function(2))
        app.type("+15550108888"); app.press(.enter)
        #expect(app.text.contains("Maya Lee"))
        #expect(try f.shop.admin.findCustomer(phone: "+15550108888", caller: f.staff.caller).items.count == 1)
    }
}
