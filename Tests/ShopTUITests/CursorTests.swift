import Testing
@testable import ShopTUI
@testable import ShopEngine

/// The terminal cursor comes from `render` (a focused field records it in the buffer), so it
/// is where typing goes without any screen computing its layout a second time.
@Suite("The cursor, where typing goes")
struct CursorTests {
    /// A cursor position as `[x, y]` (tuples are not Equatable; nil stays nil and fails readably).
    private func cell(_ c: (x: Int, y: Int)?) -> [Int]? { c.map { [$0.x, $0.y] } }

    // MARK: - Widgets

    @Test("a focused TextField records the cursor after what is typed, also past wide characters and after moving left")
    func textFieldRecordsCursor() {
        var b = blank(20, 3)
        let area = Rect(x: 5, y: 1, width: 10, height: 1)
        var state = TextFieldState(text: "ab")
        TextField().render(into: &b, area: area, state: state)
        #expect(cell(b.cursor) == [7, 1])

        _ = state.handle(.left)
        b = blank(20, 3)
        TextField().render(into: &b, area: area, state: state)
        #expect(cell(b.cursor) == [6, 1], "between a and b")

        b = blank(20, 3)
        TextField().render(into: &b, area: area, state: TextFieldState(text: "漢字"))
        #expect(cell(b.cursor) == [9, 1], "two wide characters take four columns")
    }

    @Test("an unfocused TextField leaves the cursor alone; the last focused field drawn wins")
    func unfocusedFieldLeavesCursor() {
        var b = blank(20, 3)
        TextField(isFocused: false).render(into: &b, area: Rect(x: 0, y: 0, width: 10, height: 1), state: TextFieldState(text: "abc"))
        #expect(b.cursor == nil)

        TextField().render(into: &b, area: Rect(x: 0, y: 0, width: 10, height: 1), state: TextFieldState(text: "abc"))
        TextField(isFocused: false).render(into: &b, area: Rect(x: 0, y: 2, width: 10, height: 1), state: TextFieldState(text: "x"))
        #expect(cell(b.cursor) == [3, 0], "an unfocused field drawn later keeps it")
        TextField().render(into: &b, area: Rect(x: 2, y: 2, width: 10, height: 1), state: TextFieldState(text: "x"))
        #expect(cell(b.cursor) == [3, 2], "an overlay's focused field drawn later takes it")
    }

    @Test("a Form records the cursor in its focused field, and it follows Tab")
    func formRecordsCursor() {
        var form = FormState([FormField("name", label: "Name"), FormField("code", label: "Code", input: TextFieldState(isMasked: true))])
        for c in "Ali" { _ = form.handle(.char(c)) }
        var b = blank(20, 4)
        Form().render(into: &b, area: b.area, state: form)
        expectGrid(b, ["Name  Ali", "", "Code", ""])
        #expect(cell(b.cursor) == [9, 0])

        _ = form.handle(.tab)
        for c in "12" { _ = form.handle(.char(c)) }
        b = blank(20, 4)
        Form().render(into: &b, area: b.area, state: form)
        expectGrid(b, ["Name  Ali", "", "Code  ••", ""])
        #expect(cell(b.cursor) == [8, 2])
    }

    @Test("two buffers showing the same cells are equal whatever their cursor")
    func cursorIsNotACell() {
        var a = blank(4, 1), b = blank(4, 1)
        a.cursor = (1, 0)
        #expect(a == b)
        b.setString(0, 0, "x")
        #expect(a != b)
    }

    // MARK: - Screens, through the app

    /// The text of the cursor's row left of the cursor: what was typed just before it.
    private func beforeCursor(_ d: AppDriver) -> String? {
        guard let c = d.cursor else { return nil }
        let row = d.lines[c.y]
        return String(row.prefix(c.x))
    }

    @Test("the cursor sits in the search box where the typed text ends, and only while searching")
    func searchBoxCursor() throws {
        let h = try AppHarness()
        let d = h.driver()
        #expect(d.cursor == nil, "browsing: no field has focus")
        d.press(.char("/"))
        #expect(beforeCursor(d)?.hasSuffix("Search ") == true)
        d.type("te")
        #expect(beforeCursor(d)?.hasSuffix("Search te") == true)
        d.press(.left)
        #expect(beforeCursor(d)?.hasSuffix("Search t") == true, "moved left: typing goes between t and e")
        d.press(.function(1))
        #expect(d.cursor == nil, "the help overlay covers the field")
        d.press(.escape)
        #expect(beforeCursor(d)?.hasSuffix("Search t") == true)
        d.press(.enter)
        #expect(d.cursor == nil, "done searching")
    }

    @Test("on the sign-in screen the cursor follows the phone, then the code, then the password fields")
    func signInCursor() throws {
        let h = try AppHarness()
        let d = h.driver()
        d.press(.char("p"))
        #expect(d.lines[0].contains("Sign in"))
        #expect(beforeCursor(d)?.hasSuffix("Phone   ") == true)
        d.type("+15550006161")
        #expect(beforeCursor(d)?.hasSuffix("Phone   +15550006161") == true)
        d.press(.enter)
        #expect(d.text.contains("We sent a 6-digit code"))
        #expect(beforeCursor(d)?.hasSuffix("Code    ") == true)
        d.type("12")
        #expect(beforeCursor(d)?.hasSuffix("Code    12") == true)

        d.press(.escape)            // another phone
        d.press(.function(2))       // use a password
        #expect(d.lines[0].contains("Sign in with password"))
        d.type("maya")
        #expect(beforeCursor(d)?.hasSuffix("maya") == true)
        #expect(beforeCursor(d)?.contains("Username, email or phone") == true)
        d.press(.tab)
        d.type("pw")
        #expect(beforeCursor(d)?.hasSuffix("Password                  ••") == true)
    }
}
