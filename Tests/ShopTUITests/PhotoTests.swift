import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

/// Photos as pictures: the escape sequences, which terminals get them, and the screens that
/// record image placements (or show a text marker) and the runner that sends them.
@Suite("Photos on the terminal")
struct PhotoTests {
    /// A valid 1×1 PNG (real bytes, CRCs included).
    static let png: [UInt8] = Array(Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!)
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 1, count: 60)
    static let esc: UInt8 = 0x1B

    /// The kitty commands in `bytes`: (control keys, payload) for each `ESC _G keys;payload ESC \`.
    static func kittyCommands(_ bytes: [UInt8]) -> [(keys: String, payload: String)] {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.components(separatedBy: "\u{1B}\\").dropLast().map { piece in
            #expect(piece.hasPrefix("\u{1B}_G"), "each command starts with ESC _G: \(piece.prefix(20))")
            let body = piece.dropFirst(3)
            let parts = body.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    // MARK: - Escape sequences

    @Test("kitty: a big PNG goes as base64 in pieces of at most 4096 bytes, m=1 on all but the last (m=0), decoding back to the same bytes")
    func kittyChunking() throws {
        let big = Self.png + [UInt8](repeating: 0xAB, count: 10_000)
        let bytes = TerminalGraphics.kittyDisplay(png: big, id: 7, columns: 20, rows: 8)
        let commands = Self.kittyCommands(bytes)
        #expect(commands.count == 4, "13 404 base64 bytes: 4096 + 4096 + 4096 + 1116")
        #expect(commands[0].keys == "a=T,f=100,i=7,c=20,r=8,C=1,q=2,m=1")
        #expect(commands.dropFirst().dropLast().allSatisfy { $0.keys == "m=1,q=2" })
        #expect(commands.last?.keys == "m=0,q=2")
        #expect(commands.allSatisfy { $0.payload.utf8.count <= 4096 && $0.payload.utf8.count % 4 == 0 })
        #expect(commands.dropLast().allSatisfy { $0.payload.utf8.count == 4096 })
        let joined = commands.map(\.payload).joined()
        #expect(Data(base64Encoded: joined).map(Array.init) == big)
    }

    @Test("kitty: a small PNG is one command with m=0; deleting an image is a=d,d=I by id, quiet")
    func kittySmallAndDelete() {
        let commands = Self.kittyCommands(TerminalGraphics.kittyDisplay(png: Self.png, id: 3, columns: 4, rows: 2))
        #expect(commands.count == 1)
        #expect(commands[0].keys == "a=T,f=100,i=3,c=4,r=2,C=1,q=2,m=0")
        #expect(commands[0].payload == Data(Self.png).base64EncodedString())
        #expect(String(decoding: TerminalGraphics.kittyDelete(id: 3), as: UTF8.self) == "\u{1B}_Ga=d,d=I,i=3,q=2\u{1B}\\")
    }

    @Test("iTerm2: one OSC 1337 with inline=1, the byte size, width and height in cells, aspect kept, ended by BEL; JPEG as it is")
    func itermInline() {
        let text = String(decoding: TerminalGraphics.itermInline(Self.jpeg, columns: 22, rows: 8), as: UTF8.self)
        #expect(text == "\u{1B}]1337;File=inline=1;size=64;width=22;height=8;preserveAspectRatio=1;doNotMoveCursor=1:" + Data(Self.jpeg).base64EncodedString() + "\u{07}")
    }

    @Test("a picture is written at its cell with the cursor saved and restored around it, so ncurses' cursor stays true")
    func positioned() {
        let text = String(decoding: TerminalGraphics.atPosition(x: 55, y: 3, Array("X".utf8)), as: UTF8.self)
        #expect(text == "\u{1B}7\u{1B}[4;56HX\u{1B}8")
    }

    @Test("a PNG's size comes from its header; kitty gets cells that keep the aspect ratio (a cell is twice as tall as wide)")
    func fitting() throws {
        let image = try #require(TerminalImage(key: "p", bytes: Self.png))
        #expect(image.pixelSize! == (1, 1))
        #expect(TerminalGraphics.fitted(pixels: (100, 100), columns: 22, rows: 8) == (16, 8))
        #expect(TerminalGraphics.fitted(pixels: (400, 100), columns: 22, rows: 8) == (22, 3))
        #expect(TerminalGraphics.fitted(pixels: nil, columns: 22, rows: 8) == (22, 8))
        #expect(TerminalImage(key: "x", bytes: Array("GIF89a".utf8)) == nil, "only PNG and JPEG are pictures")
        #expect(TerminalImage(key: "j", bytes: Self.jpeg)?.format == .jpeg)
    }

    // MARK: - Which terminals

    @Test("detection: xterm and unknown terminals get the marker, xterm-kitty kitty, iTerm and WezTerm iTerm2, tmux nothing; --images forces or turns off")
    func detection() {
        func detect(_ env: [String: String], flag: String? = nil) -> ImageProtocol? { ImageProtocol.detect(flag: flag, environment: env) }
        #expect(detect(["TERM": "xterm"]) == ImageProtocol.none)
        #expect(detect(["TERM": "xterm-256color"]) == ImageProtocol.none)
        #expect(detect(["TERM": "vt100"]) == ImageProtocol.none)
        #expect(detect([:]) == ImageProtocol.none)
        #expect(detect(["TERM": "xterm-kitty"]) == .kitty, "kitty's TERM, as SSH carries it")
        #expect(detect(["TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"]) == .kitty)
        #expect(detect(["TERM": "xterm-ghostty"]) == .kitty)
        #expect(detect(["TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"]) == .iterm)
        #expect(detect(["TERM": "xterm-256color", "LC_TERMINAL": "iTerm2"]) == .iterm, "iTerm2's LC_TERMINAL reaches SSH sessions")
        #expect(detect(["TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"]) == .iterm)
        #expect(detect(["TERM": "xterm-256color", "KONSOLE_VERSION": "230805"]) == .kitty)
        #expect(detect(["TERM": "xterm-256color", "KONSOLE_VERSION": "211200"]) == ImageProtocol.none, "Konsole before 22.04 has no kitty graphics")
        #expect(detect(["TERM": "tmux-256color", "TMUX": "/tmp/x", "KITTY_WINDOW_ID": "1"]) == ImageProtocol.none, "inside tmux the escapes would not get through")
        #expect(detect(["TERM": "screen"]) == ImageProtocol.none)
        #expect(detect(["TERM": "xterm-kitty"], flag: "off") == ImageProtocol.none)
        #expect(detect(["TERM": "xterm"], flag: "kitty") == .kitty)
        #expect(detect(["TERM": "xterm"], flag: "iterm") == .iterm)
        #expect(detect(["TERM": "xterm-kitty"], flag: "auto") == .kitty)
        #expect(detect(["TERM": "xterm"], flag: "sixel") == nil, "an unknown value is an error, not a guess")
        #expect(ImageProtocol.kitty.shows(.png) && !ImageProtocol.kitty.shows(.jpeg), "kitty f=100 takes PNG only")
        #expect(ImageProtocol.iterm.shows(.jpeg) && !ImageProtocol.none.shows(.png))
    }

    // MARK: - Buffer

    @Test("a buffer records placements clipped to its area; an overlay filled over one removes it")
    func bufferPlacements() throws {
        let image = try #require(TerminalImage(key: "p", bytes: Self.png))
        var buffer = Buffer(area: Rect(width: 40, height: 10))
        buffer.placeImage(image, in: Rect(x: 30, y: 2, width: 20, height: 4))
        #expect(buffer.images == [ImagePlacement(image, in: Rect(x: 30, y: 2, width: 10, height: 4))])
        buffer.placeImage(image, in: Rect(x: 50, y: 2, width: 5, height: 5))
        #expect(buffer.images.count == 1, "outside the area: nothing")
        buffer.fill(Rect(x: 0, y: 0, width: 5, height: 5))
        #expect(buffer.images.count == 1, "an overlay elsewhere leaves it")
        buffer.fill(Rect(x: 25, y: 4, width: 10, height: 3))
        #expect(buffer.images.isEmpty, "an overlay over it hides it")
    }

    // MARK: - Screens

    static func harnessWithPhotos() throws -> AppHarness {
        let h = try AppHarness()
        try h.shop.catalog.setPhoto(productID: h.products["TEA"]!.id, bytes: png, contentType: "image/png", caller: h.staff.caller)
        try h.shop.catalog.setPhoto(productID: h.products["SANGAK"]!.id, bytes: jpeg, contentType: "image/jpeg", caller: h.staff.caller)
        return h
    }

    static func session(_ h: AppHarness, images: ImageProtocol) -> Session {
        var settings = SessionSettings()
        settings.images = images
        return Session(shop: h.shop, settings: settings)
    }

    static func open(_ d: AppDriver, _ query: String) {
        d.press(.char("/")); d.type(query); d.press(.enter, .enter)
    }

    @Test("on a kitty terminal the product page records the photo's placement in a box beside the description")
    func productPlacementOnKitty() throws {
        let h = try Self.harnessWithPhotos()
        let d = AppDriver(Self.session(h, images: .kitty), width: 100, height: 30)
        Self.open(d, "Black tea")
        let frame = d.frame()
        #expect(d.text.contains("SKU TEA"))
        let placement = try #require(frame.images.first, "no placement:\n\(d.text)")
        #expect(frame.images.count == 1)
        #expect(placement.image.bytes == Self.png && placement.image.format == .png)
        #expect(placement.rect.width == PhotoBox.width - 2 && placement.rect.height == PhotoBox.height - 2)
        #expect(placement.rect.x > 100 - PhotoBox.width - 3, "in the box at the right edge")
        #expect(!d.lines[placement.rect.y].prefix(placement.rect.x - 2).contains("│"), "beside the text, not over it")
        #expect(d.text.contains("Photo"), "the box is framed and titled")
        #expect(!d.text.contains(PhotoBox.marker))
    }

    @Test("on a terminal without pictures the product page shows the marker and records nothing; a product without a photo shows neither")
    func productMarkerWithoutImages() throws {
        let h = try Self.harnessWithPhotos()
        let d = AppDriver(Self.session(h, images: .none), width: 100, height: 30)
        Self.open(d, "Black tea")
        #expect(d.text.contains("Black tea"))
        #expect(d.text.contains("▣ photo available"))
        #expect(d.frame().images.isEmpty)

        let plain = AppDriver(Self.session(h, images: .kitty), width: 100, height: 30)
        Self.open(plain, "cake")
        #expect(plain.text.contains("Chocolate cake"))
        #expect(plain.frame().images.isEmpty && !plain.text.contains(PhotoBox.marker) && !plain.text.contains("Photo "))
    }

    @Test("a JPEG on a kitty terminal is not placed (f=100 is PNG only): the box says why; iTerm2 places it")
    func jpegOnKitty() throws {
        let h = try Self.harnessWithPhotos()
        let kitty = AppDriver(Self.session(h, images: .kitty), width: 100, height: 30)
        Self.open(kitty, "سنگک")
        #expect(kitty.frame().images.isEmpty)
        #expect(kitty.text.contains(PhotoBox.marker) && kitty.text.contains("JPEG"))
        let iterm = AppDriver(Self.session(h, images: .iterm), width: 100, height: 30)
        Self.open(iterm, "سنگک")
        #expect(iterm.frame().images.map(\.image.format) == [.jpeg])
    }

    @Test("the picture box keeps its frame at 80×24 (lines below the description stop at it)")
    func boxFrameIntact() throws {
        let h = try Self.harnessWithPhotos()
        let d = AppDriver(Self.session(h, images: .kitty), width: 80, height: 24)
        Self.open(d, "Black tea")
        let placement = try #require(d.frame().images.first)
        let bottom = d.lines[placement.rect.bottom]
        let frame = bottom.dropFirst(placement.rect.x - 1).prefix(placement.rect.width + 2)
        #expect(frame == "└" + String(repeating: "─", count: placement.rect.width) + "┘", "\(d.text)")
    }

    @Test("through the real runner a kitty backend gets the picture once while it stays, and it is cleared on leaving the page")
    func runnerSendsOnChangeOnly() throws {
        let h = try Self.harnessWithPhotos()
        let backend = TestBackend(width: 100, height: 30, script: [.waitFor("products", timeoutMs: 10_000), .key(.char("/"))]
                                  + TestBackend.Step.type("Black tea") + [.key(.enter), .key(.enter), .waitFor("SKU TEA", timeoutMs: 10_000),
                                  .wait(ms: 300), .key(.char("+")), .key(.char("+")), .wait(ms: 300)],
                                  endsWhenScriptIsDone: true, imageProtocol: .kitty)
        let runner = Runner(program: ShopApp(session: Self.session(h, images: .kitty)), backend: backend)
        _ = runner.run()
        #expect(backend.images.map(\.image.bytes) == [Self.png], "the photo is on screen")
        #expect(backend.imageShowCount == 1, "sent once although several frames were drawn (\(runner.framesDrawn))")
        #expect(backend.imageClearCount == 0)

        let leaving = TestBackend(width: 100, height: 30, script: [.waitFor("products", timeoutMs: 10_000), .key(.char("/"))]
                                  + TestBackend.Step.type("Black tea") + [.key(.enter), .key(.enter), .waitFor("SKU TEA", timeoutMs: 10_000),
                                  .wait(ms: 200), .key(.escape), .wait(ms: 200)],
                                  imageProtocol: .kitty)
        _ = Runner(program: ShopApp(session: Self.session(h, images: .kitty)), backend: leaving).run()
        #expect(leaving.imageShowCount == 1 && leaving.imageClearCount == 1 && leaving.images.isEmpty)
    }

    @Test("a backend that shows no pictures is never asked to, whatever the screens record")
    func runnerSendsNothingToPlainTerminal() throws {
        let h = try Self.harnessWithPhotos()
        let backend = TestBackend(width: 100, height: 30, script: [.waitFor("products", timeoutMs: 10_000), .key(.char("/"))]
                                  + TestBackend.Step.type("Black tea") + [.key(.enter), .key(.enter), .waitFor("SKU TEA", timeoutMs: 10_000), .wait(ms: 200)])
        // The session claims kitty (so the screen records a placement); the terminal says none.
        _ = Runner(program: ShopApp(session: Self.session(h, images: .kitty)), backend: backend).run()
        #expect(backend.imageShowCount == 0 && backend.images.isEmpty)
    }

    @Test("the profile shows the customer's own photo: a placement on kitty, the marker elsewhere")
    func profilePhoto() throws {
        let h = try AppHarness()
        let customer = try h.customerSession()
        try h.shop.accounts.setPhoto(Self.png, contentType: "image/png", caller: customer.caller)
        var settings = SessionSettings(); settings.images = .kitty
        let kittySession = Session(shop: h.shop, settings: settings)
        kittySession.signedIn(customer.signIn!)
        let d = AppDriver(kittySession, width: 100, height: 30)
        d.press(.char("p"))
        #expect(d.text.contains("Your photo"), "\(d.text)")
        #expect(d.frame().images.map(\.image.bytes) == [Self.png])

        let plain = AppDriver(customer, width: 100, height: 30)
        plain.press(.char("p"))
        #expect(plain.text.contains("Photo") && plain.text.contains(PhotoBox.marker))
        #expect(plain.frame().images.isEmpty)
    }

    @Test("an admin sets a customer's photo from a file on the Users screen: a bad file sets nothing and says why; the photo then shows beside the list")
    func usersScreenSetsPhoto() throws {
        let f = try StaffFixture()
        let customer = try f.person("+15550101234", role: .customer)
        let admin = try f.person("+15550100999", role: .admin)
        let good = f.directory.appendingPathComponent("maya.png").path
        let bad = f.directory.appendingPathComponent("notes.txt").path
        try Data(Self.png).write(to: URL(fileURLWithPath: good))
        try Data("not a picture".utf8).write(to: URL(fileURLWithPath: bad))
        let session = f.session(admin)
        let app = AppDriver(Session(shop: f.shop, settings: { var s = session.settings; s.images = .kitty; return s }()), width: 100, height: 30)
        app.session.signedIn(admin)
        app.openStaff("Users")
        app.press(.char("/")); app.type("0101234"); app.press(.enter)
        app.press(.char("f"))
        #expect(app.text.contains("Photo file for"))
        app.type(bad); app.press(.enter)
        #expect(app.text.contains("Only PNG and JPEG images are accepted"), "\(app.text)")
        #expect(try f.shop.admin.listUsers(query: "0101234", caller: admin.caller).items[0].hasPhoto == false, "nothing written")
        app.press(.ctrl("u")); app.type(good); app.press(.enter)
        #expect(app.text.contains("Photo set for"), "\(app.text)")
        #expect(try f.shop.admin.userPhoto(userID: customer.user.id, caller: admin.caller).bytes == Self.png)
        #expect(app.screen().contains { $0.contains("▣") && $0.contains("customer") }, "the list marks who has a photo")
        #expect(app.frame().images.map(\.image.bytes) == [Self.png], "and the selected person's photo is placed beside it")
    }
}

/// Staff (not only admins) set a customer's photo at the counter: the Customer photo screen.
@Suite("Customer photo at the counter")
struct CustomerPhotoScreenTests {
    @Test("staff find a customer by phone and set their photo from a file; a bad path or file sets nothing; another staff member's photo is refused")
    func staffSetsPhoto() throws {
        let f = try StaffFixture()
        let customer = try f.person("+15550101234", role: .customer)
        _ = try f.person("+15550104321", role: .staff)
        let good = f.directory.appendingPathComponent("maya.png").path
        try Data(PhotoTests.png).write(to: URL(fileURLWithPath: good))
        let app = AppDriver(f.session(f.staff), width: 100, height: 30)
        app.openStaff("Customer photo")
        #expect(app.text.contains("Set a customer's profile photo"))
        app.type("+15550101234"); app.press(.enter)
        #expect(app.text.contains("no photo yet"), "\(app.text)")
        app.type(f.directory.appendingPathComponent("missing.png").path); app.press(.enter)
        #expect(app.text.contains("No file at"))
        #expect(try !f.shop.admin.findCustomer(phone: "+15550101234", caller: f.staff.caller).items[0].hasPhoto, "nothing written")
        app.press(.ctrl("u")); app.type(good); app.press(.enter)
        #expect(app.text.contains("Photo set for"), "\(app.text)")
        #expect(try f.shop.admin.userPhoto(userID: customer.user.id, caller: f.staff.caller).bytes == PhotoTests.png)
        #expect(app.text.contains(PhotoBox.marker), "a terminal without pictures shows the marker")

        app.press(.tab); app.press(.ctrl("u")); app.type("+15550104321"); app.press(.enter)
        app.type(good); app.press(.enter)
        #expect(app.text.contains("You are not allowed to do this"), "staff may not set a colleague's photo")
    }
}
