import Foundation
import Testing
@testable import ShopEngine

/// The API's error catalogs (assets/locales/api-en.txt, api-fa.txt) against the codes the
/// engine and server throw: a new code without a Persian text, or a translation whose
/// placeholders differ from the English one, fails here.
@Suite("Error message catalogs")
struct ErrorCatalogTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func catalog(_ language: Language) throws -> MessageCatalog {
        let url = root.appendingPathComponent("assets/locales/api-\(language.rawValue).txt")
        return try MessageCatalog(parsing: try String(contentsOf: url, encoding: .utf8), source: url.lastPathComponent)
    }

    /// Every Swift source of the engine and the server, by path.
    static func sources() throws -> [(path: String, text: String)] {
        try ["Sources/ShopEngine", "Sources/ShopServer"].flatMap { folder -> [(String, String)] in
            let base = root.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(atPath: base.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
            return try files.map { ("\(folder)/\($0)", try String(contentsOf: base.appendingPathComponent($0), encoding: .utf8)) }
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) }
    }

    @Test("every error code the engine and the server throw has an English and a Persian text")
    func everyCodeTranslated() throws {
        var codes: [String: String] = ["internal_error": "HTTPResponse", "email_in_use": "AccountCodes", "phone_in_use": "AccountCodes"]
        for (path, text) in try Self.sources() {
            for pattern in [#"ShopError\(\s*\.\w+\s*,\s*"([a-z0-9_]+)""#, #"\.invalid\(\s*"([a-z0-9_]+)""#] {
                for code in Self.matches(pattern, in: text) { codes[code] = path }
            }
            for what in Self.matches(#"notFound\("([A-Za-z ]+)"\)"#, in: text) {
                codes["not_found." + what.lowercased().replacingOccurrences(of: " ", with: "_")] = path
            }
            if path.hasSuffix("ShopError.swift") {
                for code in Self.matches(#"public static let \w+ = "([a-z0-9_]+)""#, in: text) { codes[code] = path }
            }
        }
        #expect(codes.count > 120, "the scan found the codes")
        for language in Language.allCases {
            let catalog = try Self.catalog(language)
            let missing = codes.keys.filter { catalog[$0] == nil }.sorted()
            #expect(missing.isEmpty, "api-\(language.rawValue).txt lacks: \(missing.map { "\($0) (\(codes[$0]!))" }.joined(separator: ", "))")
        }
    }

    @Test("every field an error can name has a label in both languages")
    func everyFieldLabelled() throws {
        var fields: Set<String> = ["date"]
        for (path, text) in try Self.sources() {
            fields.formUnion(Self.matches(#"field: "([a-z0-9_]+)""#, in: text))
            if path.contains("/API/") {
                fields.formUnion(Self.matches(#"\.(?:string|optionalString|int|optionalInt|optionalBool|oneOf|optionalOneOf|optionalObjects|queryInt|queryBool)\("([a-z0-9_]+)""#, in: text))
            }
        }
        #expect(fields.contains("first_name") && fields.contains("delivery_date"))
        for language in Language.allCases {
            let catalog = try Self.catalog(language)
            let missing = fields.filter { catalog["field.\($0)"] == nil }.sorted()
            #expect(missing.isEmpty, "api-\(language.rawValue).txt lacks labels: \(missing.joined(separator: ", "))")
        }
    }

    @Test("both catalogs have the same keys, with the same placeholders")
    func samePlaceholders() throws {
        let en = try Self.catalog(.en), fa = try Self.catalog(.fa)
        let onlyEnglish = Set(en.entries.keys).subtracting(fa.entries.keys).sorted(), onlyPersian = Set(fa.entries.keys).subtracting(en.entries.keys).sorted()
        #expect(onlyEnglish.isEmpty, "keys missing in api-fa.txt")
        #expect(onlyPersian.isEmpty, "keys missing in api-en.txt")
        for (key, english) in en.entries {
            guard let persian = fa[key] else { continue }
            #expect(MessageCatalog.placeholders(in: english) == MessageCatalog.placeholders(in: persian), "\(key): \(english) | \(persian)")
            if key.hasPrefix("kind.") { #expect(MessageCatalog.placeholders(in: english).isEmpty, "\(key) is the last resort: no placeholders") }
        }
        // No English left in the Persian texts (names of formats such as JSON or SKU may stay).
        for (key, persian) in fa.entries where !key.hasPrefix("field.") {
            #expect(persian.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) }, "\(key) is not Persian: \(persian)")
        }
    }

    @Test("a catalog reads the same with Windows line ends, tabs, escapes and Persian text")
    func catalogText() throws {
        let text = "# comment\r\n\r\n\tgreeting\t=  Hello,\\s{name}!\\nBye \r\nfa.word = نان سنگک\r\npath = C:\\\\shop\\\\\nlast = end"
        let catalog = try MessageCatalog(parsing: text, source: "x.txt", lowercaseKeys: true)
        #expect(catalog.entries == ["greeting": "Hello, {name}!\nBye", "fa.word": "نان سنگک", "path": "C:\\shop\\", "last": "end"])
        #expect(catalog.text("greeting", ["name": "Ali"]) == "Hello, Ali!\nBye")
        #expect(catalog.format("fa.word", [:]) == "نان سنگک", "a text without placeholders comes back as written")
        // Line numbers count every line, blank and comment ones too, whatever the line ends.
        #expect { try MessageCatalog(parsing: "a = 1\r\n\r\nmy key = 2", source: "x.txt") } throws: {
            ($0 as! CatalogError).message == "x.txt:3: a key is one word before ="
        }
        #expect { try MessageCatalog(parsing: "ok = 1\nBad.Key = 2", source: "x.txt", lowercaseKeys: true) } throws: {
            ($0 as! CatalogError).message == "x.txt:2: \"Bad.Key\" is not a key (lowercase letters, digits, _ and dots)"
        }
        #expect { try MessageCatalog(parsing: "ok = 1\n = 2", source: "x.txt") } throws: { ($0 as! CatalogError).message == "x.txt:2: a key is one word before =" }
    }

    @Test("a malformed catalog line or a repeated key is refused with its line number")
    func malformedCatalog() {
        #expect { try MessageCatalog(parsing: "# comment\n\na = b\nno equals here", source: "x.txt") } throws: {
            ($0 as! CatalogError).message == "x.txt:4: expected key = value"
        }
        #expect { try MessageCatalog(parsing: "a = 1\na = 2", source: "x.txt") } throws: { ($0 as! CatalogError).message == "x.txt:2: a is given twice" }
        let catalog = try? MessageCatalog(parsing: "greeting = Hello, {name}!\\nBye")
        #expect(catalog?.text("greeting", ["name": "Ali"]) == "Hello, Ali!\nBye")
        #expect(catalog?.text("greeting") == nil, "a placeholder without a value gives no half-filled text")
    }

    @Test("an error's Persian message fills its field, numbers in Persian digits, and falls back to plainer texts")
    func persianMessages() throws {
        let messages = ErrorMessages(catalogs: [.en: try Self.catalog(.en), .fa: try Self.catalog(.fa)])
        func fa(_ error: ShopError) -> String { messages.message(for: error, in: .fa) }
        #expect(fa(ShopError(.conflict, "out_of_stock", "Only 2 left of Cake", parameters: ShopError.stockParameters(name: "کیک", left: 2))) == "از «کیک» فقط ۲ عدد مانده است")
        #expect(fa(ShopError(.conflict, "out_of_stock", "Cake is out of stock", parameters: ShopError.stockParameters(name: "کیک", left: 0))) == "«کیک» تمام شده است")
        #expect(fa(ShopError(.conflict, "out_of_stock", "Only 2 left")) == "موجودی کافی نیست")
        #expect(fa(ShopError.tooMany("Please wait 42 s", retryAfter: 42)) == "لطفاً ۴۲ ثانیه صبر کنید و دوباره امتحان کنید")
        #expect(fa(ShopError(.invalid, "missing_first_name", "First name is required", field: "first_name")) == "«نام» لازم است")
        #expect(throws: ShopError.self) { try Validate.text(String(repeating: "a", count: 101), field: "last_name", label: "Last name", max: 100) }
        do { _ = try Validate.text(String(repeating: "a", count: 101), field: "last_name", label: "Last name", max: 100) } catch let e as ShopError {
            #expect(fa(e) == "«نام خانوادگی» حداکثر ۱۰۰ نویسه می‌تواند باشد")
            #expect(messages.message(for: e, in: .en) == "Last name must be at most 100 characters", "English keeps the engine's message")
        }
        #expect(fa(ShopError.notFound("Cart line")) == "این قلم در سبد خرید نیست")
        #expect(fa(ShopError(.invalid, "otp_invalid", "Wrong code; 4 tries left", field: "code", parameters: ["reason": "tries_left", "left": "4"]))
                == "کد نادرست است؛ ۴ بار دیگر می‌توانید امتحان کنید")
        #expect(fa(ShopError(.gone, "brand_new_code", "Something")) == "این دیگر در دسترس نیست", "an unknown code falls back to its kind")
        #expect(fa(ShopError(.invalid, "invalid_widget", "bad", field: "widget")) == "«widget» معتبر نیست")
        // A language without a loaded catalog answers in English.
        #expect(ErrorMessages(catalogs: [:]).message(for: ShopError.forbidden, in: .fa) == ShopError.forbidden.message)
        #expect(ErrorMessages(catalogs: [:]).language(for: .fa) == .en)
    }
}
