import Testing
@testable import ShopTUI

@Suite("Buffer")
struct BufferTests {
    @Test("setString writes text and returns the column after it")
    func writesText() {
        var b = blank(10, 2)
        let end = b.setString(2, 1, "shop")
        #expect(end == 6)
        expectGrid(b, ["", "  shop"])
    }

    @Test("setString clips at maxWidth when asked to, and at the right edge")
    func clips() {
        var b = blank(8, 2)
        b.setString(0, 0, "abcdefgh", maxWidth: 3, truncation: .clip)
        b.setString(5, 1, "abcdefgh")
        expectGrid(b, ["abc", "     abc"])
    }

    @Test("a wide character takes two cells, the second a continuation")
    func wideCells() {
        var b = blank(6, 1)
        let end = b.setString(0, 0, "漢字a")
        #expect(end == 5)
        #expect(b[0, 0].symbol == "漢")
        #expect(b[1, 0].isContinuation)
        #expect(b[2, 0].symbol == "字")
        #expect(b[4, 0].symbol == "a")
        expectGrid(b, ["漢字a "])
    }

    @Test("a wide character that does not fit in maxWidth is left out, not cut in half")
    func wideAtMaxWidth() {
        var b = blank(6, 1)
        let end = b.setString(0, 0, "漢字漢", maxWidth: 5, truncation: .clip)
        #expect(end == 4)
        expectGrid(b, ["漢字  "])
        #expect(!b[4, 0].isContinuation)
    }

    @Test("a wide character at the right edge of the buffer is not cut in half")
    func wideAtEdge() {
        var b = blank(5, 1)
        b.setString(0, 0, "ab漢字")
        expectGrid(b, ["ab漢 "])
        #expect(b[4, 0] == Cell.blank)
    }

    @Test("overwriting half of a wide character blanks the other half")
    func overwriteHalf() {
        var b = blank(4, 1)
        b.setString(0, 0, "漢字")
        b.set(1, 0, "x")
        expectGrid(b, [" x字"])
        b.set(2, 0, "y")
        expectGrid(b, [" xy "])
    }

    @Test("combining marks stay with their letter and emoji are two columns wide")
    func graphemes() {
        var b = blank(6, 1)
        let end = b.setString(0, 0, "e\u{301}👍!")
        #expect(end == 4)
        #expect(b[0, 0].symbol == "e\u{301}")
        expectGrid(b, ["e\u{301}👍!  "])
    }

    @Test("newlines and controls are not drawn")
    func controls() {
        var b = blank(6, 1)
        b.setString(0, 0, "a\nb\tc")
        expectGrid(b, ["abc"])
    }

    @Test("Persian text is written in visual order")
    func persianVisualOrder() {
        var b = blank(10, 1)
        b.setString(0, 0, "سلام")
        expectGrid(b, ["مالس"])
    }

    @Test("diff lists only the cells that changed")
    func diffOnlyChanges() {
        var a = blank(10, 3)
        a.setString(0, 0, "hello")
        var b = a
        b.setString(1, 0, "a")
        b.setString(9, 2, "!", style: Style().bold())
        let changes = b.diff(a)
        #expect(changes == [CellChange(x: 1, y: 0, cell: Cell("a")),
                            CellChange(x: 9, y: 2, cell: Cell("!", style: Style().bold()))])
        #expect(a.diff(a).isEmpty)
    }

    @Test("diff against a buffer of another size lists every cell")
    func diffResized() {
        let a = blank(3, 2)
        let b = blank(4, 2)
        #expect(b.diff(a).count == 8)
    }

    @Test("diff of a wide character replacing two narrow ones lists the wide cell only")
    func diffWide() {
        var a = blank(4, 1)
        a.setString(0, 0, "abcd")
        var b = a
        b.setString(1, 0, "字")
        let changes = b.diff(a)
        #expect(changes.map(\.x) == [1])
        #expect(changes.first?.cell.symbol == "字")
        // And back: both halves must be redrawn.
        #expect(a.diff(b).map(\.x) == [1, 2])
    }

    @Test("fill clears a rect, and setStyle keeps the symbols")
    func fillAndStyle() {
        var b = Buffer(lines: ["abcd", "efgh"])
        b.fill(Rect(x: 1, y: 0, width: 2, height: 1))
        b.setStyle(Rect(x: 0, y: 1, width: 1, height: 1), Style(fg: .red))
        expectGrid(b, ["a  d", "efgh"])
        #expect(b[0, 1].style.foreground == .red)
        #expect(b[1, 1].style == .plain)
    }
}
