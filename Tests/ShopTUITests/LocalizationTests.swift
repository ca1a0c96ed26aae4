import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

/// The message catalogs (assets/locales) against each other and against the code that uses them.
@Suite("Message catalogs: complete in both languages, every key used, placeholders matching")
struct LocalizationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func catalog(_ language: Language) throws -> MessageCatalog {
        let url = root.appendingPathComponent("assets/locales/\(language.rawValue).txt")
        return try parse(String(contentsOf: url, encoding: .utf8), name: url.lastPathComponent)
    }

    /// The terminal's catalogs as `L` reads them (the engine's parser, lowercase keys).
    static func parse(_ text: String, name: String) throws -> MessageCatalog {
        try MessageCatalog(parsing: text, source: name, lowercaseKeys: true)
    }

    /// Every `L.t("key"` and `L.plural("key"` in Sources/ShopTUI (comment lines skipped), with
    /// plural keys expanded to their `.one` and `.other` forms; and any call whose key is not a literal.
    static func keysUsedInSources() throws -> (keys: [String: String], notLiteral: [String]) {
        let sources = root.appendingPathComponent("Sources/ShopTUI")
        var keys: [String: String] = [:]
        var notLiteral: [String] = []
        let call = try Regex(#"L\.(t|plural)\(("([a-z0-9_.]+)")?"#)
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        for file in files {
            for (n, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("//") { continue }
                let place = "\(file.lastPathComponent):\(n + 1)"
                for match in line.matches(of: call) {
                    guard let key = match.output[3].substring.map(String.init) else { notLiteral.append(place); continue }
                    if match.output[1].substring == "plural" {
                        keys[key + ".one"] = place
                        keys[key + ".other"] = place
                    } else {
                        keys[key] = place
                    }
                }
            }
        }
        return (keys, notLiteral)
    }

    @Test("English and Persian have exactly the same keys")
    func sameKeys() throws {
        let en = Set(try Self.catalog(.en).entries.keys), fa = Set(try Self.catalog(.fa).entries.keys)
        #expect(en.subtracting(fa).sorted() == [], "missing in fa.txt")
        #expect(fa.subtracting(en).sorted() == [], "missing in en.txt")
        #expect(en.count > 20)
    }

    @Test("a message has the same placeholders in both languages")
    func samePlaceholders() throws {
        let en = try Self.catalog(.en).entries, fa = try Self.catalog(.fa).entries
        for (key, english) in en.sorted(by: { $0.key < $1.key }) {
            guard let persian = fa[key] else { continue }
            #expect(MessageCatalog.placeholders(in: english) == MessageCatalog.placeholders(in: persian), "\(key): en \"\(english)\" vs fa \"\(persian)\"")
        }
    }

    @Test("every key the code asks for is in the catalog, and every catalog key is asked for somewhere")
    func keysMatchTheCode() throws {
        let (used, notLiteral) = try Self.keysUsedInSources()
        let catalog = Set(try Self.catalog(.en).entries.keys)
        #expect(notLiteral == [], "keys must be written literally (L.t(\"a.key\")) so this test can see them")
        let missing = used.filter { !catalog.contains($0.key) }.map { "\($0.key) (\($0.value))" }.sorted()
        #expect(missing == [], "used in Sources/ShopTUI but not in assets/locales")
        #expect(catalog.subtracting(used.keys).sorted() == [], "in assets/locales but used nowhere")
        #expect(used["keys.quit"] != nil, "the scan finds the keys (ShopApp's quit key)")
    }

    @Test("the checks above can fail: a missing key, a renamed placeholder and a bad line are caught")
    func checksCanFail() throws {
        let en = try Self.parse("a.b = Added {qty} × {name}\nc = x\n", name: "en.txt")
        let fa = try Self.parse("a.b = {count} {name} افزوده شد\n", name: "fa.txt")
        #expect(Set(en.entries.keys) != Set(fa.entries.keys))
        #expect(MessageCatalog.placeholders(in: en.entries["a.b"]!) != MessageCatalog.placeholders(in: fa.entries["a.b"]!))
        #expect(throws: CatalogError.self) { try Self.parse("ok = fine\nno equals sign here\n", name: "en.txt") }
        do {
            _ = try Self.parse("ok = fine\nok = twice\n", name: "fa.txt")
            Issue.record("a key given twice was accepted")
        } catch {
            #expect("\(error)" == "fa.txt:2: ok is given twice", "the error names the file and line")
        }
        #expect(throws: CatalogError.self) { try Self.parse("Cart.Title = Cart\n", name: "en.txt") }
    }

    @Test("values keep their words: placeholders filled, \\s keeps an edge space, unknown placeholders stay visible")
    func formatting() throws {
        let c = try Self.parse("a = Added {qty} × {name}\nb = \\s› {title}\n", name: "t")
        #expect(c.format("a", ["qty": "2", "name": "Black tea"]) == "Added 2 × Black tea")
        #expect(c.format("b", ["title": "Cart"]) == " › Cart")
        #expect(c.format("a", ["qty": "2"]) == "Added 2 × {name}")
        #expect(c.format("missing", [:]) == nil)
    }

    @Test("L.t answers in the task's language; English needs one/other after a number, Persian does not")
    func languages() {
        L.withLanguage(.en) {
            #expect(L.t("keys.quit") == "quit")
            #expect(L.t("app.signed_in", ["name": "Ann"]) == "Signed in as Ann")
            #expect(L.plural("app.exit.idle", count: 1).hasPrefix("Session ended after 1 minute without"))
            #expect(L.plural("app.exit.idle", count: 30).hasPrefix("Session ended after 30 minutes without"))
            #expect(L.t("no.such.key") == "no.such.key", "a missing key shows itself, never crashes")
        }
        L.withLanguage(.fa) {
            #expect(L.t("keys.quit") == "خروج")
            #expect(L.plural("app.exit.idle", count: 1).hasPrefix("نشست پس از ۱ دقیقه"))
            #expect(L.plural("app.exit.idle", count: 1_234).hasPrefix("نشست پس از ۱۲۳۴ دقیقه"))
            L.setLanguage(.en)   // switches this test's scope only
            #expect(L.t("keys.quit") == "quit")
        }
    }

    @Test("--lang, then SHOP_LANG, then LC_ALL / LC_MESSAGES / LANG, else English; a bad --lang is an error")
    func choosingTheLanguage() throws {
        #expect(try Language.choose(flag: "fa", environment: ["LANG": "en_US.UTF-8"]) == .fa)
        #expect(try Language.choose(flag: nil, environment: ["SHOP_LANG": "FA"]) == .fa)
        #expect(try Language.choose(flag: nil, environment: ["LANG": "fa_IR.UTF-8"]) == .fa)
        #expect(try Language.choose(flag: nil, environment: ["LC_MESSAGES": "fa_IR", "LANG": "en_GB.UTF-8"]) == .fa)
        #expect(try Language.choose(flag: nil, environment: ["LC_ALL": "C.UTF-8", "LANG": "fa_IR.UTF-8"]) == .en, "LC_ALL wins, as in POSIX")
        #expect(try Language.choose(flag: nil, environment: [:]) == .en)
        #expect(throws: LanguageError.self) { try Language.choose(flag: "de", environment: [:]) }
        #expect("\(LanguageError(value: "de"))" == "--lang must be one of en, fa, got \"de\"")
    }

    @Test("--bidi auto gives the terminal the work in VTE terminals, Konsole and mlterm; Shop does it elsewhere")
    func choosingBidi() {
        #expect(BidiMode.choose(flag: nil, environment: ["VTE_VERSION": "7600"]) == .terminal)
        #expect(BidiMode.choose(flag: "auto", environment: ["KONSOLE_VERSION": "230804"]) == .terminal)
        #expect(BidiMode.choose(flag: nil, environment: ["TERM": "mlterm"]) == .terminal)
        #expect(BidiMode.choose(flag: nil, environment: ["TERM": "xterm-256color"]) == .app)
        #expect(BidiMode.choose(flag: "app", environment: ["VTE_VERSION": "7600"]) == .app)
        #expect(BidiMode.choose(flag: "both", environment: [:]) == nil)
    }

    @Test("numbers: Persian digits and separators in fa, today's text in en; any digits typed read as ASCII")
    func numbers() throws {
        let usd = Currency(code: "USD", minorDigits: 2)
        L.withLanguage(.en) {
            #expect(Format.money(119_999_980, usd) == "1,199,999.80")
            #expect(Format.number(42) == "42")
        }
        L.withLanguage(.fa) {
            #expect(Format.money(119_999_980, usd) == "۱٬۱۹۹٬۹۹۹٫۸۰")
            #expect(Format.number(42) == "۴۲")
            #expect(TextWidth.of(Format.money(119_999_980, usd)) == TextWidth.of("1,199,999.80"), "columns keep their width")
        }
        #expect(Numerals.ascii("۱۲٫۵") == "12.5")
        #expect(Numerals.int("٣٤") == 34)
        #expect(Numerals.int(" ۷ ") == 7)
        #expect(Numerals.int("x") == nil)
    }

    @Test("shop --lang xx and --bidi xx are usage errors (exit 64) that name the choices")
    func badFlags() throws {
        for (args, words) in [(["--lang", "de"], "--lang must be one of en, fa"), (["--bidi", "left"], "--bidi must be auto, app or terminal")] {
            let process = Process()
            process.executableURL = TmuxHarness.shopBinary
            process.arguments = args
            let err = Pipe()
            process.standardError = err
            process.standardOutput = Pipe()
            try process.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 64, "\(args)")
            #expect(text.contains(words), "\(text)")
        }
    }
}
