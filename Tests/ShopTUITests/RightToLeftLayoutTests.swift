import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

@Suite("Persian screens mirror right to left in the render core")
struct RightToLeftLayoutTests {
    func rtl(_ width: Int, _ height: Int) -> Buffer { Buffer(area: Rect(width: width, height: height), layout: .rightToLeft) }

    @Test("a write lands at the mirrored columns, returns the same end as left to right, and reads right to left")
    func mirroredWrites() {
        var b = rtl(12, 2)
        #expect(b.setString(0, 0, "سلام") == 4)
        #expect(b.setString(4, 0, " دنیا") == 9, "the next write continues after it, as widgets expect")
        b.setString(1, 1, "abc")
        expectGrid(b, ["   ایند مالس", "        abc "])
    }

    @Test("each write is its own paragraph: store name and title, and a contact line, never reordered as one line")
    func separateRuns() {
        var b = rtl(40, 2)
        let x = b.setString(1, 0, "Shop — Demo Bakery & Deli", maxWidth: 26)
        b.setString(x, 0, " › سبد خرید")
        // Right to left: the store name (in its own Latin order) at the right edge, then the title.
        #expect(b.lines[0] == "   دیرخ دبس ‹ Shop — Demo Bakery & Deli ")
        var c = rtl(43, 1)
        let after = c.setString(0, 0, "ارسال به:")
        // A phone is a left-to-right run (never "1234 000 912 +98"): written with leftToRight.
        let phone = c.setString(after + 1, 0, "+98 912 000 1234", leftToRight: true)
        c.setString(phone + 1, 0, "تهران، خیابان ۱۲")
        #expect(c.lines[0] == "۱۲ نابایخ ،نارهت +98 912 000 1234 :هب لاسرا",
                "label, phone and address each keep their order; the phone is never split")
    }

    @Test("box drawing, arrows and pointers are mirrored; a block's corners swap sides")
    func glyphs() {
        var b = rtl(6, 3)
        Block(title: "").render(into: &b, area: Rect(width: 4, height: 3))
        b.set(5, 1, "→")
        expectGrid(b, ["  ┌──┐", "← │  │", "  └──┘"])
        #expect(LayoutDirection.mirrored("├") == "┤")
        #expect(LayoutDirection.mirrored("▶") == "◀")
    }

    @Test("styles, fills, pictures and the cursor follow the mirror")
    func rectsAndCursor() {
        var b = rtl(10, 2)
        b.setStyle(Rect(x: 0, y: 0, width: 3, height: 1), Style().bold())
        #expect(b[9, 0].style.modifiers.contains(.bold) && b[7, 0].style.modifiers.contains(.bold) && !b[6, 0].style.modifiers.contains(.bold))
        b.placeImage(TerminalImage(key: "p", bytes: PhotoTests.png)!, in: Rect(x: 1, y: 0, width: 2, height: 2))
        #expect(b.images.first?.rect == Rect(x: 7, y: 0, width: 2, height: 2), "a photo on the left of a form is on the right in Persian")
        b.cursor = (2, 1)
        #expect(b.cursor! == (7, 1))
    }

    @Test("a table's first column is on the right, and amounts in Persian digits keep their column")
    func table() {
        L.withLanguage(.fa) {
            var b = Buffer(area: Rect(width: 30, height: 3), layout: L.layout)
            let usd = Currency(code: "USD", minorDigits: 2)
            let t = Table(columns: [.init("کالا", width: .fill(1)), .numeric("قیمت", width: 8)],
                          rows: [["نان سنگک", Format.money(250, usd)], ["Black tea", Format.money(1_234_50, usd)]])
            t.render(into: &b, area: b.area, state: ListState())
            // Fully mirrored: amounts, right-aligned in English, align on the left in Persian.
            expectGrid(b, ["تمیق                      الاک",
                           "۲٫۵۰                  کگنس نان",
                           "۱٬۲۳۴٫۵۰             Black tea"])
        }
    }

    @Test("text cut to fit keeps whole Persian words and its … at the end of the reading (the left)")
    func truncation() {
        #expect(TextWidth.truncate("نان سنگک تازه", width: 10) == "نان سنگک…")
        var b = rtl(12, 1)
        b.setString(0, 0, "نان سنگک تازه", maxWidth: 10, truncation: .ellipsis)
        #expect(b.lines[0] == "   …کگنس نان")
    }

    @Test("a bar chart mirrors: scale on the right, axis corners swapped, the latest bar on the left, Persian digits")
    func barChart() {
        L.withLanguage(.fa) {
            var b = Buffer(area: Rect(width: 20, height: 4), layout: L.layout)
            BarChart(bars: [.init(Format.number(9), 1000), .init(Format.number(10), 0), .init(Format.number(11), 1250)],
                     format: { Format.digits(String(format: "%d.%02d", $0 / 100, $0 % 100)) })
                .render(into: &b, area: b.area)
            // The English chart (TruncationAndChartTests) seen in a mirror; the scale hugs its axis.
            expectGrid(b, ["         █   ▃├۱۲٫۵۰",
                           "         █   █│     ",
                           "         █   █├۰٫۰۰ ",
                           "        ۱۱   ۹┘     "])
        }
    }

    @Test("--bidi terminal: cells in logical order, nothing mirrored (the terminal does both)")
    func terminalBidi() {
        L.withLanguage(.fa, bidi: .terminal) {
            var b = Buffer(area: Rect(width: 8, height: 1), layout: L.layout)
            b.setString(0, 0, "سلام")
            #expect(b.lines[0] == "سلام    ")
        }
    }
}

@Suite("Typing Persian: the caret is drawn where typing lands")
struct RightToLeftTextFieldTests {
    /// The field drawn in a Persian frame: the line shown and the caret's screen column.
    func draw(_ state: TextFieldState, width: Int = 12) -> (line: String, caret: Int) {
        var b = Buffer(area: Rect(width: width, height: 1), layout: .rightToLeft)
        TextField().render(into: &b, area: b.area, state: state)
        return (b.lines[0], b.cursor!.x)
    }

    @Test("the issue's example: امین + ' جان', the caret moved two places into جان, ز lands in جان where the caret is")
    func issueExample() {
        var s = TextFieldState()
        for ch in "امین جان" { _ = s.handle(.char(ch), layout: .rightToLeft) }
        var (line, caret) = draw(s)
        #expect(line == "    ناج نیما")
        #expect(caret == 3, "at the end of the text: left of its last letter (the text reads right to left)")
        _ = s.handle(.left, layout: .rightToLeft)
        #expect(s.cursor == 8, "← at the left end goes nowhere (arrows move on screen)")
        _ = s.handle(.right, layout: .rightToLeft)
        _ = s.handle(.right, layout: .rightToLeft)
        (line, caret) = draw(s)
        #expect(s.cursor == 6 && caret == 5, "two → moved the caret onto the ا of جان")
        _ = s.handle(.char("ز"), layout: .rightToLeft)
        #expect(s.text == "امین جزان", "the letter lands in the word the caret was in, before the letter it stood on")
        (line, caret) = draw(s)
        #expect(line == "   نازج نیما")
        #expect(caret == 4, "the caret stays on the same ا (one cell further left: the text grew leftwards)")
    }

    @Test("Latin and digits inside Persian: arrows walk the screen one cell at a time, every position reachable")
    func mixedWalk() {
        var s = TextFieldState(text: "کد 123 ok")
        var seen: Set<Int> = [s.cursor]
        for _ in 0..<12 { _ = s.handle(.right, layout: .rightToLeft); seen.insert(s.cursor) }
        #expect(seen == Set(0...9), "→ from the end reaches every caret position")
        #expect(s.cursor == 0, "and ends at the start of the text (the right edge)")
        #expect(draw(s).caret == 11, "the start is the rightmost cell")
    }

    @Test("digits typed in Persian or Arabic-Indic are kept as ASCII and shown in Persian in fa")
    func digits() {
        var s = TextFieldState(filter: .digits)
        for ch in "۱٢3" { _ = s.handle(.char(ch), layout: .rightToLeft) }
        #expect(s.text == "123")
        L.withLanguage(.fa) { #expect(draw(s).line.hasSuffix("۱۲۳")) }
        L.withLanguage(.en) { #expect(draw(s).line.hasSuffix("123")) }
    }

    @Test("left to right text in an English frame moves and draws as before")
    func leftToRightUnchanged() {
        var s = TextFieldState(text: "abc")
        _ = s.handle(.left, layout: .leftToRight)
        #expect(s.cursor == 2)
        var b = Buffer(area: Rect(width: 10, height: 1))
        TextField().render(into: &b, area: b.area, state: s)
        #expect(b.cursor! == (2, 0))
    }
}

@Suite("The app in Persian at 80×24")
struct PersianAppSnapshotTests {
    @Test("the chrome mirrors: title at the right edge, footer's first key on the right, the table's first column on the right, Persian digits")
    func browseInPersian() throws {
        let h = try AppHarness()
        try L.withLanguage(.fa) {
            let d = h.driver(width: 80, height: 24)
            let lines = d.lines
            #expect(lines[0].hasSuffix("‹ Shop "), "the store name at the right edge of the header:\n\(d.text)")
            #expect(lines[0].hasPrefix(" " + Bidi.visualOrder("مهمان")), "who is signed in at the left: \(lines[0])")
            #expect(lines[0].contains(Bidi.visualOrder("b فروشگاه", paragraph: .rightToLeft)))
            let footer = lines[23]
            let firstKey = try #require(d.app.footerKeys().screen.first)
            // Key and words are two writes: the key at the right, its Persian words left of it.
            #expect(footer.replacingTrailingSpaces().hasSuffix("\(Bidi.visualOrder(firstKey.help, paragraph: .rightToLeft)) \(firstKey.label)"),
                    "the screen's first key at the right end of the footer: \(footer)")
            #expect(footer.hasPrefix(Bidi.visualOrder("? بیشتر", paragraph: .rightToLeft)), "the help key, in Persian, at the left: \(footer)")
            let tea = try #require(lines.first { $0.contains("Black tea") })
            #expect(tea.replacingTrailingSpaces().hasSuffix("Black tea"), "the first column (name) on the right: \(tea)")
            #expect(tea.hasPrefix(" ۱۰ "), "the last column (stock) on the left, in Persian digits: \(tea)")

            d.press(.char("?"))
            #expect(d.text.contains(Bidi.visualOrder("برای بستن Esc یا ?", paragraph: .rightToLeft)), "help in Persian:\n\(d.text)")
        }
    }

    @Test("an amount through the session's money format shows Persian digits (the cart's total after adding)")
    func persianDigits() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        L.withLanguage(.fa) {
            let d = h.driver(session, width: 80, height: 24)
            d.press(.enter)   // Black tea
            d.press(.enter)   // add one
            #expect(d.lines[1].contains("۴٫۵۰"), "the notice's cart total in Persian digits:\n\(d.text)")
        }
    }

    @Test("L keeps a signed-in customer's choice in the profile; signing in applies the stored language")
    func accountLanguage() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        try L.withLanguage(.en) {
            let d = h.driver(session, width: 80, height: 24)
            d.press(.char("L"))
            #expect(L.language == .fa)
            #expect(try h.shop.accounts.profile(caller: session.caller).language == .fa, "stored for the next sign-in")
            L.setLanguage(.en)
            L.applyAccountLanguage(try h.shop.accounts.profile(caller: session.caller).language)
            #expect(L.language == .fa, "the stored language wins at sign-in")
        }
    }

    @Test("L switches between English and Persian at any time, and the frame mirrors at once")
    func switchKey() throws {
        let h = try AppHarness()
        L.withLanguage(.en) {
            let d = h.driver(width: 80, height: 24)
            #expect(d.lines[0].hasPrefix(" Shop › Browse"))
            d.press(.char("L"))
            #expect(L.language == .fa)
            #expect(d.lines[0].hasSuffix("‹ Shop "), "\(d.lines[0])")
            d.press(.char("L"))
            #expect(d.lines[0].hasPrefix(" Shop › Browse"), "and back")
        }
    }
}

@Suite("Brackets in mixed text")
struct BidiBracketTests {
    @Test("a Latin name with brackets keeps them in a Persian line; Persian in brackets gets mirrored ones")
    func brackets() {
        #expect(Bidi.visualOrder("Green tea (sencha)", paragraph: .rightToLeft) == "Green tea (sencha)")
        #expect(Bidi.visualOrder("Price (USD)", paragraph: .rightToLeft) == "Price (USD)")
        #expect(Bidi.visualOrder("چای (سبز)", paragraph: .rightToLeft) == "(زبس) یاچ")
        var b = Buffer(area: Rect(width: 23, height: 1), layout: .rightToLeft)
        let x = b.setString(0, 0, "Green tea (sencha)")
        b.setString(x + 1, 0, "2 kg")
        #expect(b.lines[0] == "2 kg Green tea (sencha)", "Latin-only writes keep their own order")
    }
}

@Suite("Shared widgets speak the session's language")
struct LocalizedWidgetTests {
    @Test("the size notice, a yes/no question and the help box's close hint come from the catalog, numbers in Persian digits")
    func widgetsInPersian() {
        L.withLanguage(.fa) {
            let lines = TooSmallNotice().lines(for: Rect(width: 60, height: 20))
            #expect(lines[0] == "پایانه خیلی کوچک است: ۶۰×۲۰")
            #expect(lines[1] == "دست‌کم ۸۰×۲۴ لازم است")
            let prompt = ConfirmPrompt(question: "حذف شود؟", yes: "حذف")
            #expect(prompt.no == "بدون تغییر")
            var b = Buffer(area: Rect(width: 40, height: 1), layout: L.layout)
            prompt.render(into: &b, area: b.area)
            #expect(b.lines[0].hasSuffix(Bidi.visualOrder("? حذف شود؟", paragraph: .rightToLeft) + " "), "the question at the right: \(b.lines[0])")
            #expect(HelpOverlay([]).closeHint == "برای بستن Esc یا ?")
        }
        L.withLanguage(.en) {
            #expect(TooSmallNotice().lines(for: Rect(width: 60, height: 20))[0] == "Terminal too small: 60×20")
            #expect(ConfirmPrompt(question: "Remove?", yes: "remove").no == "keep as is")
        }
    }
}
