import ShopEngine

/// The finished sale: the receipt (scrollable), the payments, the change to hand back. Enter
/// or the next scan starts a new sale; Ctrl-P prints again.
struct SaleReceipt {
    let sale: CounterSale
    let receipt: String
    let customerName: String?
    var printed: String?
    private var scroll = 0

    enum Action { case none, leave, print, newSale(then: Key) }

    static var bindings: [KeyBinding] {
        [KeyBinding(keys: [.enter], label: L.t("sale_receipt.keys.enter_label"), help: L.t("sale_receipt.keys.new_sale")),
         KeyBinding(keys: [.ctrl("p")], help: L.t("sale_receipt.keys.print_again")), KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("sale_receipt.keys.scroll"))]
    }

    init(sale: CounterSale, receipt: String, customerName: String?) {
        self.sale = sale
        self.receipt = receipt
        self.customerName = customerName
    }

    mutating func handle(_ key: Key) -> Action {
        switch key {
        case .escape: return .leave
        case .up: scroll = max(0, scroll - 1)
        case .down: scroll = min(max(0, receipt.split(separator: "\n").count - 5), scroll + 1)
        case .ctrl("p"): return .print
        case .enter, .char: return .newSale(then: key)
        default: break
        }
        return .none
    }

    func render(into buffer: inout Buffer, area: Rect, currency: Currency) {
        let order = sale.order
        // As wide as the receipt (border and padding: 4) so no amount is cut, leaving the
        // summary on the right at least 30 columns.
        let receiptWidth = max(min(44, area.width / 2 + 4), min(Receipt.width(of: receipt) + 4, area.width - 30))
        let (left, right) = area.splitLeft(receiptWidth)
        Block(title: L.t("sale_receipt.title")).render(into: &buffer, area: left)
        Receipt.render(receipt, into: &buffer, area: left.inner(1).inner(horizontal: 1, vertical: 0), scroll: scroll)
        let x = right.x + 2, width = max(0, right.width - 2)
        var y = right.y + 1
        buffer.setString(x, y, L.t("sale_receipt.complete", ["number": order.number]), style: Theme.title, maxWidth: width)
        y += 2
        buffer.setString(x, y, L.t("sale_receipt.total", ["total": Format.money(order.total, currency, withCode: true)]), maxWidth: width)
        y += 1
        for p in sale.payments {
            let given = p.tendered.flatMap { $0 > p.amount ? $0 : nil }
            let line = given.map { L.t("sale_receipt.payment_given", ["method": Words.method(p.method), "amount": Format.money(p.amount, currency), "given": Format.money($0, currency)]) }
                ?? L.t("sale_receipt.payment", ["method": Words.method(p.method), "amount": Format.money(p.amount, currency)])
            buffer.setString(x, y, line, maxWidth: width)
            y += 1
        }
        y += 1
        if sale.change > 0 {
            buffer.setString(x, y, " " + L.t("sale_receipt.change_due", ["amount": Format.money(sale.change, currency)]) + " ", style: Theme.success.bold(), maxWidth: width)
            y += 2
        }
        if let customerName { buffer.setString(x, y, L.t("quick_sale.customer", ["name": customerName]), maxWidth: width); y += 1 }
        if let printed {
            Paragraph(printed, style: Theme.muted).render(into: &buffer, area: Rect(x: x, y: y, width: width, height: max(0, min(4, right.bottom - 4 - y))))
        }
        buffer.setString(x, right.bottom - 3, L.t("sale_receipt.hint.next"), style: Theme.title, maxWidth: width)
        buffer.setString(x, right.bottom - 2, L.t("sale_receipt.hint.print"), style: Theme.muted, maxWidth: width)
    }
}
