import Testing
@testable import ShopTUI

@Suite("Widgets")
struct WidgetTests {
    @Test("Block draws a border with the title and gives its inner area")
    func block() {
        var b = blank(12, 4)
        let block = Block(title: "Cart")
        block.render(into: &b, area: b.area)
        expectGrid(b, ["┌ Cart ────┐",
                       "│          │",
                       "│          │",
                       "└──────────┘"])
        #expect(block.inner(b.area) == Rect(x: 1, y: 1, width: 10, height: 2))
    }

    @Test("Paragraph wraps by display width and splits words longer than a line")
    func paragraph() {
        var b = blank(8, 5)
        Paragraph("Fresh bread 漢字漢字漢 abcdefghij").render(into: &b, area: b.area)
        expectGrid(b, ["Fresh", "bread", "漢字漢字", "漢", "abcdefgh"])
        #expect(Paragraph.wrap("a\n\nb", width: 5) == ["a", "", "b"])
    }

    @Test("Paragraph right-aligns a Persian line and shows it in visual order")
    func paragraphRTL() {
        var b = blank(12, 2)
        Paragraph("کیک شکلاتی\nCake").render(into: &b, area: b.area)
        expectGrid(b, ["  یتالکش کیک", "Cake"])
    }

    @Test("ListView marks the selected row and indents the others")
    func listView() {
        var b = blank(14, 3)
        ListView(items: ["Bread", "کیک شکلاتی", "抹茶ラテ"]).render(into: &b, area: b.area, state: ListState(selected: 1))
        expectGrid(b, ["  Bread", "› یتالکش کیک", "  抹茶ラテ"])
        #expect(b[5, 1].style == Theme.selection)
        #expect(b[5, 0].style == .plain)
    }

    @Test("ListView scrolls so the selection stays in view")
    func listScrolls() {
        let items = (1...10).map { "Item \($0)" }
        var b = blank(10, 3)
        ListView(items: items).render(into: &b, area: b.area, state: ListState(selected: 6))
        expectGrid(b, ["  Item 5", "  Item 6", "› Item 7"])
    }

    @Test("ListState moves within bounds and keeps the offset minimal")
    func listState() {
        var s = ListState()
        s.moveSelection(by: 5, count: 10, visibleRows: 3)
        #expect(s.selected == 5 && s.offset == 3)
        s.moveSelection(by: -1, count: 10, visibleRows: 3)
        #expect(s.selected == 4 && s.offset == 3)      // still visible: no scroll
        s.moveSelection(by: -2, count: 10, visibleRows: 3)
        #expect(s.selected == 2 && s.offset == 2)
        s.moveSelection(by: 100, count: 10, visibleRows: 3)
        #expect(s.selected == 9 && s.offset == 7)
        s.select(3, count: 0)
        #expect(s.selected == nil)
    }

    @Test("Table shows a header, right-aligns numbers and highlights the selected row")
    func table() {
        var b = blank(24, 4)
        Table(columns: [.init("Product", width: .fill(1)), .numeric("Qty", width: 3), .numeric("Price", width: 6)],
              rows: [["Bread", "2", "3.00"], ["کیک", "1", "12.50"], ["抹茶ラテ", "10", "5.75"]])
            .render(into: &b, area: b.area, state: ListState(selected: 2))
        expectGrid(b, ["Product       Qty  Price",
                       "Bread           2   3.00",
                       "کیک             1  12.50",
                       "抹茶ラテ       10   5.75"])
        #expect(b[0, 3].style == Theme.selection && b[12, 3].style == Theme.selection)
        #expect(b[0, 0].style == Theme.header)
    }

    @Test("TextField shows placeholder, text, mask and error, and places the cursor")
    func textField() {
        var b = blank(12, 2)
        var state = TextFieldState()
        TextField(placeholder: "phone").render(into: &b, area: b.area, state: state)
        expectGrid(b, ["phone", ""])

        state.setText("1234")
        state.isMasked = true
        state.error = "Wrong code"
        b = blank(12, 2)
        let field = TextField()
        field.render(into: &b, area: b.area, state: state)
        expectGrid(b, ["••••", "Wrong code"])
        #expect(field.cursorPosition(area: b.area, state: state)! == (4, 0))
        #expect(TextField(isFocused: false).cursorPosition(area: b.area, state: state) == nil)
    }

    @Test("TextField scrolls long text so the cursor stays visible")
    func textFieldScroll() {
        var b = blank(6, 1)
        let state = TextFieldState(text: "abcdefghij")
        TextField().render(into: &b, area: b.area, state: state)
        expectGrid(b, ["fghij"])
        #expect(TextField().cursorPosition(area: b.area, state: state)! == (5, 0))
    }

    @Test("TextFieldState edits at the cursor and honours max length and filter")
    func textFieldEditing() {
        var s = TextFieldState(maxLength: 5)
        for c in "helo" { _ = s.handle(.char(c)) }
        _ = s.handle(.left)
        _ = s.handle(.char("l"))
        #expect(s.text == "hello" && s.cursor == 4)
        let consumed = s.handle(.char("!"))     // consumed but refused: max length
        #expect(consumed)
        #expect(s.text == "hello")
        _ = s.handle(.home)
        _ = s.handle(.delete)
        #expect(s.text == "ello" && s.cursor == 0)
        _ = s.handle(.end)
        _ = s.handle(.backspace)
        #expect(s.text == "ell" && s.cursor == 3)
        let enterConsumed = s.handle(.enter)
        #expect(!enterConsumed)
        s.error = "bad"
        _ = s.handle(.char("x"))
        #expect(s.error == nil)

        var code = TextFieldState(filter: .digits)
        for c in "1a2۳" { _ = code.handle(.char(c)) }
        #expect(code.text == "123", "Persian digits are kept as ASCII, so every parse reads them")
        _ = code.handle(.ctrl("u"))
        #expect(code.text.isEmpty)
    }

    @Test("Form moves focus with Tab and Shift-Tab and types into the focused field")
    func form() {
        var form = FormState([FormField("name", label: "Name"),
                              FormField("phone", label: "Phone", input: TextFieldState(filter: .phone)),
                              FormField("code", label: "Code", input: TextFieldState(isMasked: true))])
        for c in "Ali" { _ = form.handle(.char(c)) }
        _ = form.handle(.tab)
        for c in "0912" { _ = form.handle(.char(c)) }
        #expect(form["name"].text == "Ali" && form["phone"].text == "0912")
        _ = form.handle(.backTab)
        #expect(form.focusedID == "name")
        _ = form.handle(.backTab)
        #expect(form.focusedID == "code")          // wraps around
        _ = form.handle(.tab)
        #expect(form.focusedID == "name")
        let enterConsumed = form.handle(.enter)   // left to the screen
        #expect(!enterConsumed)

        form.setError("Required", for: "code")
        form.focus(on: "phone")
        var b = blank(20, 6)
        Form().render(into: &b, area: b.area, state: form)
        expectGrid(b, ["Name   Ali", "", "Phone  0912", "", "Code", "       Required"])
        #expect(Form().cursorPosition(area: b.area, state: form)! == (11, 2))
    }

    @Test("the footer is drawn from the key map and leaves out what does not fit")
    func footer() {
        enum Action { case move, open, help, quit }
        let keys: KeyMap<Action> = [
            (.move, KeyBinding(keys: [.up, .down], label: "↑/↓", help: "move")),
            (.open, KeyBinding(keys: [.enter], help: "open")),
            (.help, KeyBinding(keys: [.char("?")], help: "help", showsInFooter: false)),
            (.quit, KeyBinding(keys: [.char("q")], help: "quit")),
        ]
        #expect(Footer(keys).text(width: 40) == "↑/↓ move  Enter open  q quit")
        #expect(Footer(keys).text(width: 20) == "↑/↓ move  Enter open")
        #expect(keys.action(for: .down) == .move)
        #expect(keys.action(for: .char("q")) == .quit)
        #expect(keys.action(for: .char("x")) == nil)
    }

    @Test("the help overlay lists every binding in a centered box over the screen")
    func helpOverlay() {
        var b = Buffer(lines: Array(repeating: String(repeating: "x", count: 30), count: 8))
        HelpOverlay([KeyBinding(keys: [.up, .down], label: "↑/↓", help: "move"),
                     KeyBinding(keys: [.char("q")], help: "quit")])
            .render(into: &b, area: b.area)
        expectGrid(b, ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                       "xxxx┌ Keys ─────────────┐xxxxx",
                       "xxxx│ ↑/↓   move        │xxxxx",
                       "xxxx│ q     quit        │xxxxx",
                       "xxxx│                   │xxxxx",
                       "xxxx│ Esc or ? to close │xxxxx",
                       "xxxx└───────────────────┘xxxxx",
                       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"])
    }

    @Test("the banner shows its kind as a sign and a style")
    func banner() {
        var b = blank(20, 1)
        Banner("Out of stock", kind: .error).render(into: &b, area: b.area)
        expectGrid(b, [" ✗ Out of stock"])
        #expect(b[19, 0].style == Theme.errorBanner)
    }

    @Test("the too-small notice says the current and the minimum size")
    func tooSmall() {
        var b = blank(40, 5)
        let notice = TooSmallNotice()
        #expect(notice.applies(to: b.area))
        #expect(!notice.applies(to: Rect(width: 80, height: 24)))
        notice.render(into: &b, area: b.area)
        expectGrid(b, ["",
                       "        Terminal too small: 40×5",
                       "          Needs at least 80×24",
                       " Enlarge the window, or press q to quit",
                       ""])
    }

    @Test("StatusBar puts text on both sides")
    func statusBar() {
        var b = blank(20, 1)
        StatusBar(left: "Shop", right: "cart: 2").render(into: &b, area: b.area)
        expectGrid(b, [" Shop        cart: 2"])
    }
}
