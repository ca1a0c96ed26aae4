import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

/// "Lists stay in place": back from a product the same row is selected; a page is the rows
/// the table shows at this terminal size; the highlight goes as low as the table does.
@Suite("Lists stay in place")
struct ListPositionTests {
    static func harness() throws -> AppHarness {
        let h = try AppHarness()
        for i in 0..<60 {
            _ = try h.shop.catalog.create(ProductDraft(sku: String(format: "ITEM%02d", i), name: String(format: "Item %02d", i), category: "Shop", price: 100, stock: 5), caller: h.staff.caller)
        }
        return h
    }

    /// The product name on the highlighted row, read from the product screen it opens.
    static func selectedName(_ d: AppDriver) -> String {
        d.press(.enter)
        let title = d.lines[0]
        d.press(.escape)
        return title
    }

    @Test("Esc from a product comes back to the same row, not the first")
    func backKeepsRow() throws {
        let h = try Self.harness()
        let d = h.driver(width: 80, height: 24)
        for _ in 0..<7 { d.press(.down) }
        d.press(.enter)
        let opened = d.lines[0]
        d.press(.escape)
        #expect(Self.selectedName(d) == opened, "still on the product just seen")
        #expect(!opened.contains("Black tea"))
    }

    @Test("PgDn moves by the rows the table shows, at 80×24 and at 120×40")
    func pageBySize() throws {
        let h = try Self.harness()
        for (width, height) in [(80, 24), (120, 40)] {
            let d = h.driver(width: width, height: height)
            let rows = BrowseScreen.visibleRows(in: ShopApp.screenArea(in: Rect(width: width, height: height)))
            #expect(rows == height - 6, "header, notice, footer, search, filters, table header")
            d.press(.pageDown)
            let paged = Self.selectedName(d)
            let fresh = h.driver(width: width, height: height)
            for _ in 0..<rows { fresh.press(.down) }
            #expect(Self.selectedName(fresh) == paged, "\(width)×\(height): PgDn is \(rows) rows")
        }
    }

    @Test("at 40 rows the highlight reaches the bottom of the table before the list scrolls")
    func highlightGoesLow() throws {
        let h = try Self.harness()
        let d = h.driver(width: 120, height: 40)
        for _ in 0..<30 { d.press(.down) }
        let frame = d.frame()
        let highlighted = (5..<39).filter { y in frame[30, y].style == Theme.selection || frame[2, y].style == Theme.selection }
        let row = try #require(highlighted.first, "a highlighted row")
        #expect(row > 20, "the selection sits at row \(row), not held above row 20")
        #expect(d.lines.contains { $0.contains("Item 00") } || d.lines.contains { $0.contains("Black tea") }, "no scrolling yet: the top of the list is still shown")
    }

    @Test("a long text pages by the rows it shows and stops at its last page (80×24 and 120×40)")
    func textViewPages() throws {
        let h = try AppHarness()
        let text = (0..<200).map { String(format: "line %03d", $0) }.joined(separator: "\n")
        for (width, height) in [(80, 24), (120, 40)] {
            let session = Session(shop: h.shop)
            session.terminalSize = (width, height)
            let area = session.screenArea
            var d = ScreenDriver(TextViewScreen(title: "Export", text: text), session: session)
            d.press(.pageDown)
            #expect(d.lines(width: area.width, height: area.height)[0].contains(String(format: "line %03d", area.height)), "\(width)×\(height): one page is \(area.height) rows")
            for _ in 0..<20 { d.press(.pageDown) }
            d.press(.up)
            let shown = d.lines(width: area.width, height: area.height)
            #expect(shown[area.height - 1].contains("line 198"), "paging stopped at the end, so one ↑ scrolls at once: \(shown.last ?? "")")
        }
    }
}
