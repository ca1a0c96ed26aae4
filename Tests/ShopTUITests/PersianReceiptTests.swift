import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

/// Persian receipts: right-to-left lines, Persian words and digits, the Solar Hijri date, and
/// amounts still in one column on a thermal printer's fixed width.
@Suite("Persian receipts")
struct PersianReceiptTests {
    /// A real counter sale (2 × bread and a cake, 50.00 cash given) in a real shop file.
    static func sale(_ f: StaffFixture) throws -> CounterSale {
        let items = [OrderRequest.Item(productID: f.bread.id, quantity: 2),
                     OrderRequest.Item(productID: f.cake.id, variantID: f.cake.variants[0].id, quantity: 1)]
        return try f.shop.orders.counterSale(CounterSaleRequest(lines: items, tenders: [.init(method: .cash, amount: 3300, tendered: 5000)]),
                                             caller: f.staff.caller)
    }

    static let persianDigits = Set("۰۱۲۳۴۵۶۷۸۹")

    @Test("a fa receipt is aligned at 32, 42 and 48 columns by display width, in Persian words and digits, dated in Solar Hijri")
    func alignedAtPrinterWidths() throws {
        let f = try StaffFixture()
        let sold = try Self.sale(f)
        let jalali = JalaliDate(CivilDate(local: sold.order.createdAt)).formatted()
        for width in [32, 42, 48] {
            let text = Receipt(storeName: "نانوایی سنگک", order: sold.order, payments: sold.payments, currency: f.shop.currency,
                               width: width, language: .fa).text
            let lines = text.split(separator: "\n").map(String.init)
            // Every line but the rules is a right-to-left paragraph.
            for line in lines where !line.allSatisfy({ "=-".contains($0) }) {
                #expect(line.first == Receipt.rightToLeftMark, "\(width): \(line)")
            }
            // Lines with an amount fill the paper exactly: the amounts share the left-hand column.
            let rows = lines.map { Receipt.direction(of: $0).line }.filter { Receipt.columns($0).right != nil }
            #expect(rows.count == 7, "2 lines, subtotal, total, cash, given, change:\n\(rows.joined(separator: "\n"))")
            for row in rows { #expect(TextWidth.of(row) == width, "\(width) columns: «\(row)» is \(TextWidth.of(row))") }
            #expect(lines.contains { $0.contains("رسید \(sold.order.number)") }, "\(text)")
            #expect(lines.contains { $0.contains(jalali) }, "the Solar Hijri date \(jalali):\n\(text)")
            #expect(text.contains("۲ × Sourdough bread"))
            #expect(text.range(of: #"جمع کل USD\x{200F} +۳۳٫۰۰"#, options: .regularExpression) != nil, "\(text)")
            #expect(text.range(of: #"مبلغ دریافتی\x{200F} +۵۰٫۰۰"#, options: .regularExpression) != nil, "\(text)")
            #expect(text.range(of: #"باقی‌مانده\x{200F} +۱۷٫۰۰"#, options: .regularExpression) != nil, "\(text)")
            // No ASCII digit outside the order number and the product names: every amount is Persian.
            let asciiDigits = sold.order.items.reduce(text.replacingOccurrences(of: sold.order.number, with: "")) { $0.replacingOccurrences(of: $1.name, with: "") }.filter(\.isASCII).filter(\.isNumber)
            #expect(asciiDigits.isEmpty, "ASCII digits \(asciiDigits) in\n\(text)")
        }
    }

    @Test("English receipts are as before: no marks, Gregorian date, ASCII digits")
    func englishUnchanged() throws {
        let f = try StaffFixture()
        let sold = try Self.sale(f)
        let text = Receipt(storeName: "Bakery", order: sold.order, payments: sold.payments, currency: f.shop.currency, language: .en).text
        #expect(!text.contains(Receipt.rightToLeftMark))
        #expect(text.contains(Format.timestamp(sold.order.createdAt)))
        #expect(text.range(of: #"TOTAL USD +33\.00"#, options: .regularExpression) != nil, "\(text)")
        #expect(!text.contains { Self.persianDigits.contains($0) })
    }

    @Test("ESC/POS gets a Persian line in visual order: the amount on the left, the words reversed, no mark, TOTAL in bold")
    func escPosVisualOrder() throws {
        let f = try StaffFixture()
        let sold = try Self.sale(f)
        let text = Receipt(storeName: "نانوایی", order: sold.order, payments: sold.payments, currency: f.shop.currency, width: 32, language: .fa).text
        let bytes = EscPos.receipt(text)
        let printed = String(decoding: bytes, as: UTF8.self)
        #expect(!printed.contains(Receipt.rightToLeftMark))
        // "جمع کل USD ... ۳۳٫۰۰" printed left to right: the amount first, then USD, then the words read from the right.
        let total = printed.split(separator: "\n").map(String.init).first { $0.contains("USD") }
        #expect(total?.contains("۳۳٫۰۰") == true && total?.hasSuffix(String("جمع کل".reversed()) + "\u{1B}E\u{0}") == true, "\(total ?? printed)")
        #expect(total.map { $0.firstIndex(of: "۳")! < $0.range(of: "USD")!.lowerBound } == true, "amount left of the words: \(total ?? "")")
        #expect(total.map { TextWidth.of($0.replacingOccurrences(of: "\u{1B}E\u{1}", with: "").replacingOccurrences(of: "\u{1B}E\u{0}", with: "")) } == 32)
    }

    @Test("a Persian return slip: Persian words and digits, Solar Hijri date, amounts aligned")
    func returnSlip() throws {
        let f = try StaffFixture()
        let sold = try Self.sale(f)
        let breadLine = sold.order.items.first { $0.productId == f.bread.id }!
        let done = try f.shop.orders.returnItems(orderID: sold.order.id, lines: [ReturnLine(orderLineID: breadLine.id, quantity: 1)], refundMethod: .cash, caller: f.staff.caller)
        let text = ReturnReceipt(storeName: "نانوایی", order: done.order, record: done.record, currency: f.shop.currency, width: 42, language: .fa).text
        #expect(text.contains("مرجوعی ۱ از سفارش \(sold.order.number)"), "\(text)")
        #expect(text.contains(JalaliDate(CivilDate(local: done.record.createdAt)).formatted()))
        #expect(text.range(of: #"بازپرداخت نقدی\x{200F} +۴٫۵۰"#, options: .regularExpression) != nil, "\(text)")
        let rows = text.split(separator: "\n").map { Receipt.direction(of: String($0)).line }.filter { Receipt.columns($0).right != nil }
        for row in rows { #expect(TextWidth.of(row) == 42, "«\(row)»") }
    }
}
