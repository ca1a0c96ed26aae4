import ShopEngine

/// Staff recording a payment on an order (all of the balance or a part of it; cash with the
/// amount given, for change): the dialog's state, keys and drawing, shared by the order detail
/// and its payments panel. The owning screen runs the engine call.
struct PaymentEntry {
    private(set) var form: FormState
    private(set) var method: Int

    /// What a key did: nothing more to do, close the dialog, or record this payment.
    enum Outcome { case handled, close, record(amount: Int64, method: PaymentMethod, tendered: Int64?) }

    /// Opens with the balance as the amount and the order's method (cash for cash on delivery).
    init(order: Order, currency: Currency) {
        form = FormState([
            FormField("amount", label: L.t("payment_panel.amount"), input: TextFieldState(maxLength: 16, filter: .decimal)),
            FormField("tendered", label: L.t("receipt.cash_given"), placeholder: L.t("payment_entry.tendered_placeholder"), input: TextFieldState(maxLength: 16, filter: .decimal)),
        ])
        form["amount"].setText(Format.money(order.balance, currency).replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "\u{066C}", with: ""))
        method = PaymentMethod.allCases.firstIndex(of: order.paymentMethod == .cashOnDelivery ? .cash : order.paymentMethod) ?? 0
    }

    var bindings: [KeyBinding] { [KeyBinding(keys: [.tab], help: L.t("payment_panel.keys.method")), KeyBinding(keys: [.enter], help: L.t("payment_entry.keys.record")),
                                  KeyBinding(keys: [.escape], help: L.t("customer_finder.keys.close"))] }

    /// Puts the engine's complaint about the amount or cash given under that field.
    mutating func show(_ error: any Error) {
        if let e = error as? ShopError, let field = e.field, field == "amount" || field == "tendered" { form.setError(ScreenContext.describe(e), for: field) }
    }

    mutating func handle(_ key: Key, currency: Currency) -> Outcome {
        switch key {
        case .escape: return .close
        case .tab: method = (method + 1) % PaymentMethod.allCases.count
        case .enter:
            guard let amount = PaymentPanel.parse(form["amount"].text, currency), amount > 0 else {
                form.setError(L.t("payment_panel.error.amount", ["example": Format.money(1250, currency)]), for: "amount"); return .handled
            }
            var tendered: Int64?
            if !form["tendered"].text.isEmpty {
                guard let given = PaymentPanel.parse(form["tendered"].text, currency) else { form.setError(L.t("payment_entry.error.amount"), for: "tendered"); return .handled }
                tendered = given
            }
            return .record(amount: amount, method: PaymentMethod.allCases[method], tendered: tendered)
        case .up, .down, .backTab:
            _ = form.handle(key == .up ? .backTab : key == .down ? .tab : key)
        default:
            _ = form.handle(key)
        }
        return .handled
    }

    func render(into buffer: inout Buffer, area: Rect, balance: Int64, currency: Currency) {
        let box = area.centered(width: 56, height: 10)
        buffer.fill(box)
        Block(title: L.t("payment_entry.title")).render(into: &buffer, area: box)
        let inner = Block(title: "").inner(box)
        buffer.setString(inner.x, inner.y, L.t("payment_entry.method", ["method": Words.method(PaymentMethod.allCases[method])]), style: Theme.title)
        Form(labelWidth: 12).render(into: &buffer, area: Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: 4), state: form)
        buffer.setString(inner.x, inner.y + 7, L.t("payment_entry.hint", ["due": Format.money(balance, currency)]), style: Theme.muted, maxWidth: inner.width)
    }
}
