import Testing
@testable import ShopTUI

@Suite("Bidi")
struct BidiTests {
    @Test("text without right-to-left letters is unchanged")
    func latin() {
        #expect(Bidi.visualOrder("Hello, world (1.50)") == "Hello, world (1.50)")
    }

    @Test("pure Persian is reversed, words and spaces together")
    func purePersian() {
        #expect(Bidi.visualOrder("کیک شکلاتی") == "یتالکش کیک")
    }

    @Test("digits inside Persian keep their left-to-right order")
    func persianWithDigits() {
        #expect(Bidi.visualOrder("نان سنگک ۲ عدد") == "ددع ۲ کگنس نان")
        #expect(Bidi.visualOrder("قیمت ۱۲۵۰۰ تومان") == "ناموت ۱۲۵۰۰ تمیق")
        #expect(Bidi.visualOrder("سفارش 1042 ثبت شد") == "دش تبث 1042 شرافس")
    }

    @Test("a Latin word inside a Persian line keeps its order")
    func latinInsidePersian() {
        #expect(Bidi.visualOrder("خرید از Shop امروز") == "زورما Shop زا دیرخ")
    }

    @Test("Persian inside a Latin line is reversed in place")
    func persianInsideLatin() {
        #expect(Bidi.visualOrder("Milk: شیر") == "Milk: ریش")
        // A number after a Persian word belongs to its run (as in the Unicode algorithm).
        #expect(Bidi.visualOrder("Price: شیر 12.50") == "Price: 12.50 ریش")
        #expect(Bidi.visualOrder("Added نان سنگک to cart") == "Added کگنس نان to cart")
    }

    @Test("brackets in a right-to-left run are mirrored")
    func mirroring() {
        #expect(Bidi.visualOrder("کیک (بزرگ)") == "(گرزب) کیک")
    }

    @Test("a line that starts with Persian is a right-to-left paragraph")
    func paragraphDirection() {
        #expect(Bidi.isRTLParagraph("۱۲ شیر"))
        #expect(!Bidi.isRTLParagraph("Shop شیر"))
        // RTL paragraph: runs go right to left, so the Latin word that ends the line is leftmost.
        #expect(Bidi.visualOrder("شیر milk") == "milk ریش")
        // LTR paragraph: the same words the other way round.
        #expect(Bidi.visualOrder("milk شیر") == "milk ریش")
        #expect(Bidi.visualOrder("شیر و milk 2") == "milk 2 و ریش")
    }
}


@Suite("Bidi in left-to-right columns")
struct BidiColumnTests {
    @Test("a receipt row keeps quantity left and amount right around a Persian name")
    func receiptRow() {
        var buffer = Buffer(area: Rect(width: 24, height: 1))
        Receipt.render("2 × نان سنگک       5.00", into: &buffer, area: buffer.area)
        #expect(buffer.lines == ["2 × کگنس نان        5.00"])
        #expect(Bidi.visualOrder("2 × نان سنگک", leftToRight: true) == "2 × کگنس نان")
    }
}
