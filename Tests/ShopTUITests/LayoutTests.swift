import Testing
@testable import ShopTUI

@Suite("Layout and Rect")
struct LayoutTests {
    let area = Rect(x: 0, y: 0, width: 80, height: 24)

    @Test("a vertical split gives fixed rows their length and the rest to fill")
    func vertical() {
        let rows = Layout.vertical([.length(1), .fill(1), .length(1)]).split(area)
        #expect(rows == [Rect(x: 0, y: 0, width: 80, height: 1),
                         Rect(x: 0, y: 1, width: 80, height: 22),
                         Rect(x: 0, y: 23, width: 80, height: 1)])
    }

    @Test("percentages, weighted fills and spacing split columns")
    func horizontal() {
        let cols = Layout.horizontal([.percentage(25), .fill(1), .fill(2)], spacing: 1).split(area)
        // 78 usable: 19 (25%), then 59 shared 1:2 → 19 and 40
        #expect(cols.map(\.width) == [19, 19, 40])
        #expect(cols.map(\.x) == [0, 20, 40])
    }

    @Test("min takes at least its length and shares the leftover")
    func minConstraint() {
        #expect(Layout.horizontal([.length(10), .min(5)]).sizes(total: 30) == [10, 20])
        #expect(Layout.horizontal([.length(28), .min(5)]).sizes(total: 30) == [28, 2])
    }

    @Test("fixed parts shrink when the area is too small")
    func overflow() {
        #expect(Layout.vertical([.length(5), .length(5), .fill(1)]).sizes(total: 7) == [5, 2, 0])
    }

    @Test("inner, centered and split helpers")
    func rectHelpers() {
        #expect(area.inner(1) == Rect(x: 1, y: 1, width: 78, height: 22))
        #expect(area.centered(width: 20, height: 4) == Rect(x: 30, y: 10, width: 20, height: 4))
        let (top, rest) = area.splitTop(3)
        #expect(top.height == 3 && rest.y == 3 && rest.height == 21)
        #expect(Rect(width: 2, height: 2).inner(3).isEmpty)
    }
}
