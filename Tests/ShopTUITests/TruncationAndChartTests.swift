import Testing
@testable import ShopTUI

@Suite("Text cut honestly, amounts never cut, bar charts")
struct TruncationAndChartTests {
    // MARK: - TextWidth.truncate

    @Test("text that does not fit is cut at the last word boundary and ends with …")
    func wordBoundary() {
        #expect(TextWidth.truncate("Receipt saved to receipts/S-000007.txt", width: 20) == "Receipt saved to…")
        #expect(TextWidth.truncate("payments, cancel", width: 13) == "payments…")     // no dangling comma
        #expect(TextWidth.truncate("Bread", width: 5) == "Bread")                     // fits: unchanged
        #expect(TextWidth.truncate("Bread and butter", width: 1) == "…")
        #expect(TextWidth.truncate("Bread", width: 0) == "")
    }

    @Test("a single word longer than the room is cut inside the word")
    func singleLongWord() {
        #expect(TextWidth.truncate("Supercalifragilistic", width: 8) == "Superca…")
        #expect(TextWidth.of(TextWidth.truncate("Supercalifragilistic", width: 8)) == 8)
    }

    @Test("wide characters count two columns and are never halved")
    func wideCharacters() {
        #expect(TextWidth.truncate("漢字漢字", width: 6) == "漢字…")
        #expect(TextWidth.truncate("漢字漢字", width: 4) == "漢…")
        #expect(TextWidth.truncate("抹茶 ラテ", width: 7) == "抹茶…")
    }

    @Test("right-to-left text is cut in logical order: its start survives, the rest of the word is not split")
    func rightToLeft() {
        let bread = "نان سنگک تازه"
        let cut = TextWidth.truncate(bread, width: 10)
        #expect(cut == "نان سنگک…")
        #expect(bread.hasPrefix(String(cut.dropLast())))
    }

    @Test("text given a width is cut at a word with … by default (every screen's sentences); .clip cuts at the edge")
    func setStringEllipsis() {
        var b = blank(20, 2)
        b.setString(0, 0, "Receipt saved to receipts/S-000007.txt", maxWidth: 20)
        b.setString(0, 1, "Receipt saved to receipts/S-000007.txt", maxWidth: 20, truncation: .clip)
        expectGrid(b, ["Receipt saved to…", "Receipt saved to rec"])
    }

    @Test("a notice longer than its line ends with … at a word boundary")
    func bannerCutsAtWord() {
        var b = blank(40, 1)
        Banner("Receipt saved to /tmp/shop/receipts/S-000007.txt and printed", kind: .success).render(into: &b, area: b.area)
        expectGrid(b, [" ✓ Receipt saved to…"])
    }

    // MARK: - Amounts never give way

    @Test("a numeric table column is as wide as its widest amount; the name beside it gives way with …")
    func numericColumnFitsWidestAmount() {
        var b = blank(24, 2)
        Table(columns: [.init("Product", width: .fill(1)), .numeric("Amount", width: 5)], rows: [["Chocolate cake large", "1,199,999.80"]])
            .render(into: &b, area: b.area, state: ListState(selected: nil))
        expectGrid(b, ["Product           Amount",
                       "Chocolate…  1,199,999.80"])
    }

    @Test("pieces of a totals line that do not fit go whole to the next line")
    func piecesWrapWhole() {
        var b = blank(24, 3)
        let rows = b.setPieces(["Subtotal 1,199,999.80", "Total 1,199,999.80 USD", "Paid 0.00"], x: 0, y: 0, width: 24)
        #expect(rows == 3)
        expectGrid(b, ["Subtotal 1,199,999.80", "Total 1,199,999.80 USD", "Paid 0.00"])
        var wide = blank(40, 2)
        #expect(wide.setPieces(["Subtotal 9.00", "Total 9.00 USD", "Paid 9.00"], x: 0, y: 0, width: 40) == 1)
        expectGrid(wide, ["Subtotal 9.00  Total 9.00 USD  Paid 9.00", ""])
    }

    // MARK: - BarChart

    @Test("BarChart draws bars in eighths with the scale on the left and a label under each bar")
    func barChart() {
        var b = blank(10, 3)
        BarChart(bars: [.init("a", 1), .init("b", 4), .init("c", 2), .init("d", 0)]).render(into: &b, area: b.area)
        expectGrid(b, ["4┤  █",
                       "0┤▄ █ █",
                       " └a b c d"])
    }

    @Test("BarChart writes values with the given format and leaves out labels that would touch, keeping the latest")
    func barChartFormatAndLabels() {
        var b = blank(20, 4)
        BarChart(bars: [.init("9", 1000), .init("10", 0), .init("11", 1250)], format: { String(format: "%d.%02d", $0 / 100, $0 % 100) })
            .render(into: &b, area: b.area)
        expectGrid(b, ["12.50┤▃   █",
                       "     │█   █",
                       " 0.00┤█   █",
                       "     └9   11"])
    }

    @Test("BarChart bars narrow, then lose their gap, when the room is short")
    func barChartNarrow() {
        var b = blank(5, 2)
        BarChart(bars: [.init("10", 2), .init("11", 1), .init("12", 2)], barWidth: 2).render(into: &b, area: b.area)
        expectGrid(b, ["2┤█▄█", " └ 11"])
        let chart = BarChart(bars: [], barWidth: 2)
        #expect(chart.geometry(count: 14, width: 42).bar == 2 && chart.geometry(count: 14, width: 42).gap == 1)
        #expect(chart.geometry(count: 14, width: 27).bar == 1 && chart.geometry(count: 14, width: 27).gap == 1)
        #expect(chart.geometry(count: 24, width: 30).bar == 1 && chart.geometry(count: 24, width: 30).gap == 0)
    }
}
