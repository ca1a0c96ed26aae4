import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

@Suite("The storefront app, driven by keys")
struct ShopAppTests {
    @Test("browse lists products with prices and stock; Persian names in visual order; CJK measured wide")
    func browse() throws {
        let h = try AppHarness()
        let lines = h.driver(width: 80, height: 24).lines
        #expect(lines[0].hasPrefix(" Shop › Browse"))
        #expect(lines[0].contains("guest"))
        let body = lines.joined(separator: "\n")
        #expect(body.contains("Black tea"))
        #expect(body.contains(Bidi.visualOrder("نان سنگک")), "RTL text shown reversed for display")
        #expect(!body.contains("نان سنگک"), "never in logical order on screen")
        let matcha = try #require(lines.first { $0.contains("抹茶ラテ") })
        #expect(TextWidth.of(matcha) == 80, "wide characters take two columns; the row still fits the screen")
        #expect(matcha.contains("sold out"))
        #expect(lines[23].contains("Enter open") && lines[23].contains("? more"), "the footer shows the keys, and that there are more")
    }

    @Test("the first frame through the real runner shows the catalog")
    func runnerFirstFrame() throws {
        let h = try AppHarness()
        let backend = TestBackend(width: 80, height: 24, script: [.waitFor("products", timeoutMs: 10_000), .key(.char("q"))])
        let runner = Runner(program: ShopApp(session: Session(shop: h.shop)), backend: backend)
        #expect(runner.run() == .finished)
        #expect(backend.lines.joined().contains("Black tea"))
    }

    @Test("searching narrows the list as you type")
    func search() throws {
        let h = try AppHarness()
        let d = h.driver()
        d.press(.char("/"))
        d.type("choc")
        #expect(d.text.contains("Chocolate cake"))
        #expect(!d.text.contains("Black tea"))
        d.press(.escape)
        #expect(d.text.contains("Black tea"), "Esc clears the search")
    }

    @Test("the search waits for a pause in typing: only the last key's query runs, 0.15 s after it")
    func searchDebounce() throws {
        let h = try AppHarness()
        let d = h.driver()
        d.holdsTimers = true
        d.press(.char("/"))
        d.type("ch")
        #expect(d.timerCount == 2, "one pause timer per key")
        d.advance(by: 0.1)
        #expect(d.text.contains("Black tea"), "still typing: the list has not reloaded")
        d.type("o")
        d.advance(by: 0.1)   // the timers of "c" and "h" fall due, but a key came after them
        #expect(d.text.contains("Black tea"), "a timer older than the last key does not reload")
        #expect(d.timerCount == 1)
        d.advance(by: 0.05)  // 0.15 s after "o"
        #expect(d.text.contains("Chocolate cake"))
        #expect(!d.text.contains("Black tea"), "the pause after the last key ran the search")
        #expect(d.timerCount == 0)
    }

    @Test("a guest who adds to the cart signs in by code, comes back to the product, and it is added")
    func guestSignsInToAdd() throws {
        let h = try AppHarness()
        let phone = "+15550004444"
        let d = h.driver()
        d.press(.char("/")); d.type("tea"); d.press(.enter, .enter)
        #expect(d.lines[0].contains("Black tea"))
        d.press(.enter)                                  // add as a guest
        #expect(d.lines[0].contains("Sign in"))
        d.type(phone); d.press(.enter)
        #expect(d.text.contains("We sent a 6-digit code to \(phone)"))
        #expect(d.text.contains("expires in 4:5") || d.text.contains("expires in 5:00"))
        let code = try #require(h.code(for: phone))
        d.type(code == "000000" ? "111111" : "000000"); d.press(.enter)
        #expect(d.text.contains("Wrong code"))
        #expect(!d.session.isSignedIn)
        d.type(code); d.press(.enter)
        #expect(d.session.isSignedIn)
        #expect(d.lines[0].contains("Black tea"), "back on the product page")
        #expect(try h.shop.carts.cart(caller: d.session.caller).items.map(\.name) == ["Black tea"])
    }

    @Test("a guest who signs in by typing the six digits then Enter, as the footer says, gets the item once: the Enter does not add it again")
    func codeThenEnterAddsOnce() throws {
        let h = try AppHarness()
        let phone = "+15550004445"
        let d = h.driver(width: 80, height: 24)
        d.press(.char("/")); d.type("tea"); d.press(.enter, .enter)
        #expect(d.lines[0].contains("Black tea"))
        d.press(.enter)                                  // add as a guest
        d.type(phone); d.press(.enter)
        let code = try #require(h.code(for: phone))
        d.type(code)
        #expect(!d.session.isSignedIn, "the sixth digit does not submit by itself")
        #expect(d.text.contains("Enter sign in"), "the footer says what Enter does:\n\(d.text)")
        #expect(d.text.contains("Press Enter to sign in"))
        d.press(.enter)
        #expect(d.session.isSignedIn)
        #expect(d.lines[0].contains("Black tea"), "back on the product page")
        let lines = try h.shop.carts.cart(caller: d.session.caller).items
        #expect(lines.count == 1)
        #expect(lines.first?.quantity == 1, "one Enter, one item: \(lines.map { ($0.name, $0.quantity) })")
    }

    @Test("sign in by password from the sign-in screen")
    func passwordSignIn() throws {
        let h = try AppHarness()
        _ = try h.shop.accounts.register(.init(username: "maya", email: "maya@example.com", password: "s3cret-pass", passwordConfirm: "s3cret-pass", firstName: "Maya", lastName: "Lee"), caller: .guest())
        let d = h.driver()
        d.press(.char("p"), .function(2))
        d.type("maya"); d.press(.tab); d.type("wrong-pass"); d.press(.enter)
        #expect(d.text.contains("Wrong login or password"))
        d.press(.backTab, .tab)
        for _ in 0..<10 { d.press(.backspace) }
        d.type("s3cret-pass"); d.press(.enter)
        #expect(d.session.user?.username == "maya")
    }

    @Test("the cart editor changes quantities and variants in place and removes lines")
    func cartEditor() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        _ = try h.shop.carts.add(productID: h.products["TEA"]!.id, quantity: 2, caller: session.caller)
        _ = try h.shop.carts.add(productID: h.products["CAKE"]!.id, variantID: h.products["CAKE"]!.variants[0].id, quantity: 1, caller: session.caller)
        let d = h.driver(session)
        d.press(.char("c"), .up, .char("+"))
        #expect(try h.shop.carts.cart(caller: session.caller).items.first { $0.productId == h.products["TEA"]!.id }?.quantity == 3)
        d.press(.down, .char("v"))
        #expect(d.text.contains("Chocolate cake (2 kg)"), "v switched the variant in place")
        d.press(.delete)
        #expect(d.app.pendingQuestion?.contains("Remove Chocolate cake") == true, "a line is not removed without a word")
        #expect(try h.shop.carts.cart(caller: session.caller).items.count == 2)
        d.press(.char("y"))
        #expect(try h.shop.carts.cart(caller: session.caller).items.count == 1)
        #expect(d.text.contains("Total  13.50 USD"))
    }

    @Test("checkout places exactly one order even when Enter is pressed twice, and the cart empties")
    func checkoutOnce() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        _ = try h.shop.accounts.updateProfile(.init(firstName: "Maya", lastName: "Lee", address: "12 Elm Street"), caller: session.caller)
        session.updateUser(try h.shop.accounts.profile(caller: session.caller))
        _ = try h.shop.carts.add(productID: h.products["TEA"]!.id, quantity: 2, caller: session.caller)
        let d = h.driver(session)
        d.press(.char("c"), .enter, .enter)
        #expect(d.text.contains("Review your order"))
        d.press(.enter, .enter)
        let orders = try h.shop.orders.list(caller: session.caller).items
        #expect(orders.count == 1)
        #expect(d.lines[0].contains("Order \(orders[0].number)"))
        #expect(try h.shop.carts.cart(caller: session.caller).items.isEmpty)
        #expect(try h.shop.catalog.product(id: h.products["TEA"]!.id, caller: session.caller).stock == 8)
    }

    @Test("checkout refuses missing details and says which field; the engine's field errors land on the field")
    func checkoutValidation() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        _ = try h.shop.carts.add(productID: h.products["TEA"]!.id, quantity: 1, caller: session.caller)
        let d = h.driver(session)
        d.press(.char("c"), .enter, .enter)
        #expect(d.text.contains("First name is required"))
        d.type("Maya"); d.press(.tab); d.type("Lee"); d.press(.tab, .tab, .tab); d.type("1 Main St"); d.press(.tab, .tab); d.type("2020-01-01"); d.press(.enter, .enter)
        #expect(d.text.contains("Delivery date must be a date like"), "the engine's message, under the field")
        #expect(try h.shop.orders.list(caller: session.caller).items.isEmpty)
    }

    @Test("order history shows the order; cancelling it from the detail puts stock back")
    func historyAndCancel() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        let order = try h.shop.orders.create(OrderRequest(items: [.init(productID: h.products["SANGAK"]!.id, quantity: 2)], contact: .sample), caller: session.caller)
        let d = h.driver(session)
        d.press(.char("o"))
        #expect(d.text.contains(order.number) && d.text.contains("pending"))
        d.press(.enter, .char("x"))
        #expect(d.text.contains("Cancel order \(order.number)?"))
        d.press(.char("y"))
        #expect(d.text.contains("CANCELLED"))
        #expect(try h.shop.catalog.product(id: h.products["SANGAK"]!.id, caller: session.caller).stock == 3)
    }

    @Test("asking again for a code within the cooldown says when a new one is possible, on the phone step")
    func codeCooldownOnPhoneStep() throws {
        let h = try AppHarness()
        let phone = "+15550004545"
        _ = try h.shop.accounts.requestCode(phone: phone, caller: .guest(address: "203.0.113.9"))   // e.g. before a dropped connection
        let d = h.driver()
        d.press(.char("p"))
        d.type(phone); d.press(.enter)
        #expect(d.text.contains("A code went to this number moments ago. A new one in"))
        #expect(d.text.contains("Please wait"), "the engine's message in the notice line")
        d.press(.backspace)
        #expect(!d.text.contains("moments ago"), "editing the phone clears it")
    }

    @Test("keys typed ahead of slow screens are kept in order: o Enter x y opens the history, the order, and cancels it")
    func cancelTypedAhead() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        let order = try h.shop.orders.create(OrderRequest(items: [.init(productID: h.products["SANGAK"]!.id, quantity: 1)], contact: .sample), caller: session.caller)
        let d = h.driver(session)
        d.holdsEffects = true
        d.press(.char("o"), .enter, .char("x"), .char("y"))   // faster than anything loads
        #expect(!d.text.contains("CANCELLED"))
        d.settle()
        #expect(d.text.contains("CANCELLED"))
        #expect(try h.shop.orders.order(id: order.id, caller: session.caller).status == .cancelled)
    }

    @Test("Esc while a screen loads goes back at once and drops what was typed ahead")
    func escapeWhileLoading() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        _ = try h.shop.orders.create(OrderRequest(items: [.init(productID: h.products["SANGAK"]!.id, quantity: 1)], contact: .sample), caller: session.caller)
        let d = h.driver(session)
        d.holdsEffects = true
        d.press(.char("o"), .enter, .escape)
        #expect(d.lines[0].contains("Browse"), "back at once")
        d.settle()
        #expect(d.lines[0].contains("Browse"), "the queued Enter did not open anything")
    }

    @Test("a session ended elsewhere (signed out on another terminal) returns to browsing as a guest, once, with the reason")
    func sessionEndedElsewhere() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        let d = h.driver(session)
        try h.shop.accounts.signOut(caller: session.caller)   // e.g. signed out on another terminal
        d.press(.char("c"))
        #expect(d.pendingCount == 0, "settled: no reload loop")
        #expect(d.lines[0].contains("Browse") && d.lines[0].contains("guest"))
        #expect(d.text.contains("Your session has ended"))
        #expect(!session.isSignedIn)
    }

    @Test("changing the password in the profile keeps this session signed in (with its new tokens)")
    func passwordChangeKeepsSession() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        let d = h.driver(session)
        d.press(.char("p"), .char("w"))
        d.type("new-secret-1"); d.press(.tab); d.type("new-secret-1"); d.press(.enter)
        #expect(d.text.contains("Password changed"))
        d.press(.char("c"))
        #expect(d.lines[0].contains("Cart"))
        #expect(session.isSignedIn && !d.text.contains("session has ended"))
    }

    @Test("profile edits are validated and saved; sign out returns to browsing as a guest")
    func profile() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        let d = h.driver(session)
        d.press(.char("p"), .char("e"), .tab, .tab)
        d.type("not-an-email"); d.press(.enter)
        #expect(d.text.contains("Enter an email address like"))
        for _ in 0..<12 { d.press(.backspace) }
        d.type("maya@example.com"); d.press(.enter)
        #expect(d.text.contains("Profile saved"))
        #expect(try h.shop.accounts.profile(caller: session.caller).email == "maya@example.com")
        d.press(.char("l"))
        #expect(!session.isSignedIn)
        #expect(d.lines[0].contains("guest"))
    }

    @Test("a phone added in the profile shows as not verified until its code is entered there; then it signs in")
    func verifyPhoneInProfile() throws {
        let h = try AppHarness()
        let session = Session(shop: h.shop)
        session.signedIn(try h.shop.accounts.register(.init(username: "maya", email: "maya@example.com", password: "s3cret-pass", passwordConfirm: "s3cret-pass",
                                                            firstName: "Maya", lastName: "Lee"), caller: .guest()))
        let d = h.driver(session)
        d.press(.char("p"))
        #expect(d.text.contains("(not verified: press v)"))
        d.press(.char("e"), .tab, .tab, .tab)
        d.type("+15550007777"); d.press(.enter)
        #expect(d.text.contains("enter the code sent to your new"))
        #expect(d.text.contains("+15550007777  (not verified: press t)"))
        #expect(throws: ShopError.self, "not a sign-in identity yet") { try h.shop.accounts.login("+15550007777", password: "s3cret-pass", caller: .guest()) }
        d.press(.char("t"))
        #expect(d.text.contains("Enter the code we texted to +15550007777"))
        d.type(try #require(h.code(for: "+15550007777"))); d.press(.enter)
        #expect(d.text.contains("Phone verified"))
        #expect(d.text.contains("+15550007777  (verified)"))
        #expect(try h.shop.accounts.login("+15550007777", password: "s3cret-pass", caller: .guest()).user.username == "maya")
    }

    @Test("a forgotten password is reset from the sign-in screen: login, emailed code, new password twice; unknown logins look the same")
    func forgottenPassword() throws {
        let h = try AppHarness()
        let me = try h.shop.accounts.register(.init(username: "maya", email: "maya@example.com", password: "old-password", passwordConfirm: "old-password",
                                                    firstName: "Maya", lastName: "Lee"), caller: .guest())
        _ = try h.shop.accounts.verifyEmail(code: try #require(h.code(for: "maya@example.com")), caller: me.caller)
        let d = h.driver()
        d.press(.char("p"), .function(2))
        #expect(d.text.contains("F4 sends a code"))
        d.type("nobody"); d.press(.function(4))
        #expect(d.text.contains("Set a new password"))
        d.press(.enter)
        let unknownAnswer = d.lines[1]
        #expect(unknownAnswer.contains("If an account has that login"))
        d.press(.escape)
        for _ in 0..<6 { d.press(.backspace) }
        d.type("maya"); d.press(.enter)
        #expect(d.lines[1] == unknownAnswer, "the same answer for a known login")
        let code = try #require(h.code(for: "maya@example.com"))
        d.type(code == "000000" ? "111111" : "000000"); d.press(.enter)
        d.type("new-password"); d.press(.enter); d.type("new-password"); d.press(.enter)
        #expect(d.text.contains("The code is wrong or has expired"))
        for _ in 0..<6 { d.press(.backspace) }   // the wrong field has the focus again
        d.type(code); d.press(.enter, .enter, .enter)
        #expect(d.text.contains("Password changed: sign in with the new one"))
        #expect(d.text.contains("Sign in with your password"))
        #expect(try h.shop.accounts.login("maya", password: "new-password", caller: .guest()).user.id == me.user.id)
        #expect(throws: ShopError.self) { try h.shop.accounts.login("maya", password: "old-password", caller: .guest()) }
    }

    @Test("where no codes can be sent, sign-in opens on the password form and the phone step says so instead of sending")
    func signInWithoutCodes() throws {
        let h = try AppHarness()
        let noSink = try h.temporary.openAgain { $0.messages = nil }
        let d = h.driver(Session(shop: noSink))
        d.press(.char("p"))
        #expect(d.text.contains("Sign in with your password"))
        #expect(d.text.contains("Codes are not set up on this terminal"))
        d.press(.function(2))
        d.type("+15550001111"); d.press(.enter)
        #expect(d.text.contains(SignInScreen.noCodes))
        #expect(d.text.contains("No codes here: F2"))
        #expect(!d.text.contains("We sent"))
        #expect(try noSink.store.read { try $0.scalarInt("SELECT count(*) FROM otp_requests") } == 0)
    }

    @Test("in the profile, E shows everything the shop holds as JSON and D deletes the account after the confirmation")
    func ownDataAndDeletion() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        _ = try h.shop.accounts.updateProfile(.init(firstName: "Maya", address: "12 Elm Street"), caller: session.caller)
        let d = h.driver(session)
        d.press(.char("p"))
        #expect(d.text.contains("E my data") || d.text.contains("my data"))
        d.press(.char("E"))
        #expect(d.lines[0].contains("Your data (JSON)"))
        #expect(d.text.contains("\"address\" : \"12 Elm Street\""))
        d.press(.escape)
        d.press(.char("D"))
        #expect(d.text.contains("Delete your account"))
        d.type("delete"); d.press(.enter)
        #expect(d.text.contains("Type DELETE to delete your account"))
        #expect(session.isSignedIn)
        for _ in 0..<6 { d.press(.backspace) }
        d.type("DELETE"); d.press(.enter)
        #expect(!session.isSignedIn)
        #expect(d.lines[0].contains("guest"))
        #expect(d.text.contains("Your account was deleted"))
    }

    @Test("one product is '1 product'; an empty filtered order list names its filter")
    func wording() throws {
        let h = try AppHarness()
        let d = h.driver()
        d.press(.char("/")); d.type("Black tea")
        #expect(d.text.contains("1 product") && !d.text.contains("1 products"))
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Orders")
        app.press(.char("f"))
        #expect(app.text.contains("Status: pending"))
        #expect(app.text.contains("No pending orders") && !app.text.contains("No orders yet"))
    }

    @Test("a customer pressing s is told the staff screens are for staff")
    func staffGate() throws {
        let h = try AppHarness()
        let d = h.driver(try h.customerSession())
        d.press(.char("s"))
        #expect(d.lines[1].contains("Staff screens are for shop staff"))
        #expect(d.lines[0].contains("Browse"))
    }

    @Test("? opens the help overlay with the screen's keys and the global ones; Esc closes it")
    func help() throws {
        let h = try AppHarness()
        let d = h.driver()
        d.press(.char("?"))
        #expect(d.text.contains("Keys — Browse"))
        #expect(d.text.contains("search") && d.text.contains("quit") && d.text.contains("cart"))
        d.press(.escape)
        #expect(!d.text.contains("Keys — Browse"))
    }

    @Test("below 80×24 a notice asks for a bigger terminal")
    func tooSmall() throws {
        let h = try AppHarness()
        let text = h.driver(width: 60, height: 20).text
        #expect(text.contains("60×20") && text.contains("80×24"))
    }

    @Test("engine errors appear in place, never as a crash: adding a sold-out item")
    func soldOut() throws {
        let h = try AppHarness()
        let d = h.driver(try h.customerSession())
        d.press(.char("/")); d.type("抹茶"); d.press(.enter, .enter, .enter)
        #expect(d.text.contains("is out of stock"))
    }
}
