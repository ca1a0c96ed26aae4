import ShopEngine

/// Taking payment: a method (Tab), an amount (empty: what is due), Enter takes it. Cash may be
/// more than due (change shown before it is taken); card and transfer may pay part (a split).
/// The prices the engine's quote changed since scanning are listed at the top.
///
/// Money taken stays taken until someone says otherwise: Backspace only edits the amount,
/// Ctrl-Z gives back the last payment (and says so), and Esc with payments taken asks first.
struct PaymentPanel {
    static let methods: [PaymentMethod] = CounterSaleRequest.methods

    var method = 0
    var amount = TextFieldState(maxLength: 16, filter: .decimal)
    /// Prices the quote found different from the ones scanned.
    let changes: [Sale.PriceChange]

    /// `back`: to the sale, saying what happened to money taken (nil: nothing was taken).
    /// `confirmBack`: Esc with payments taken — the screen asks first (`ScreenContext.confirm`),
    /// naming what was taken, and on yes calls `giveBack`.
    enum Action { case none, back(said: String?), confirmBack(taken: String), complete, scanned(String), said(String) }

    static var bindings: [KeyBinding] {
        [KeyBinding(keys: [.tab], label: "Tab/←→", help: L.t("payment_panel.keys.method")), KeyBinding(keys: [.enter], help: L.t("payment_panel.keys.take")),
         KeyBinding(keys: [.ctrl("z")], label: "Ctrl-Z", help: L.t("payment_panel.keys.undo")), KeyBinding(keys: [.escape], help: L.t("payment_panel.keys.back"))]
    }

    init(changes: [Sale.PriceChange] = []) { self.changes = changes }

    /// Gives back every payment taken (the person said yes to leaving); what to say.
    mutating func giveBack(_ sale: inout Sale, currency: Currency) -> String {
        let taken = Self.describe(sale.tenders, currency: currency)
        sale.clearTenders()
        amount.setText("")
        return L.t("payment_panel.gave_back_all", ["taken": taken])
    }

    mutating func handle(_ key: Key, sale: inout Sale, currency: Currency) -> Action {
        switch key {
        case .escape:
            guard !sale.tenders.isEmpty else { return .back(said: nil) }
            return .confirmBack(taken: Self.describe(sale.tenders, currency: currency))
        case .tab, .right: method = (method + 1) % Self.methods.count
        case .backTab, .left: method = (method + Self.methods.count - 1) % Self.methods.count
        case .ctrl("z"):
            guard let last = sale.tenders.last else { return .said(L.t("payment_panel.nothing_to_undo")) }
            sale.undoTender()
            return .said(L.t("payment_panel.gave_back", ["taken": Self.describe([last], currency: currency), "due": Format.money(sale.due, currency, withCode: true)]))
        case .enter, .function(5):
            if sale.isCovered { return .complete }
            let text = amount.text
            if Self.looksScanned(text) {
                // A barcode scanned into the amount: it belongs to the sale, not the till.
                sale.clearTenders()
                return .scanned(text)
            }
            guard let value = text.isEmpty ? sale.due : Self.parse(text, currency) else {
                amount.error = L.t("payment_panel.error.amount", ["example": Format.money(1250, currency)])
                return .none
            }
            do {
                try sale.take(Self.methods[method], amount: value, currency: currency)
                amount.setText("")
            } catch {
                amount.error = ScreenContext.describe(error)
            }
            return sale.isCovered ? .complete : .none
        default:
            _ = amount.handle(key)
        }
        return .none
    }

    /// "Cash 100.00 + Card 20.00", for the messages that say what was taken or given back.
    static func describe(_ tenders: [Sale.Tender], currency: Currency) -> String {
        tenders.map { L.t("payment_panel.tender", ["method": Words.method($0.method), "amount": Format.money($0.amount, currency)]) }.joined(separator: " + ")
    }

    /// An amount typed in any digits (`۱۲٫۵۰`, `12.50`), in minor units.
    static func parse(_ text: String, _ currency: Currency) -> Int64? { currency.parseAmount(Numerals.ascii(text)) }

    /// Twelve or more digits and no decimal point: a scanned barcode, not an amount of money.
    static func looksScanned(_ text: String) -> Bool { text.count >= 12 && text.allSatisfy(\.isNumber) && !text.contains("\u{066B}") }

    private static let width = 62
    /// The amount's error, wrapped to the panel's width (the field alone would cut it off).
    private func errorLines(_ area: Rect) -> [String] {
        amount.error.map { Paragraph($0).lines(width: min(area.width, Self.width) - 4) } ?? []
    }
    /// Rows beyond the one under the field that the error needs.
    private func extraRows(_ area: Rect) -> Int { max(0, errorLines(area).count - 1) }
    private static func box(_ area: Rect, tenders: Int, extra: Int) -> Rect {
        area.centered(width: min(area.width, width), height: min(area.height, 11 + min(tenders, 4) + extra))
    }
    /// Where the amount field is: drawn there and the cursor put there.
    private static func field(_ area: Rect, tenders: Int, extra: Int) -> Rect {
        let inner = box(area, tenders: tenders, extra: extra).inner(1).inner(horizontal: 1, vertical: 0)
        return Rect(x: inner.x + 12, y: inner.y + 4, width: 16, height: 2)
    }

    /// `focused`: false while the engine completes the sale (typing goes to the code field then).
    func render(into buffer: inout Buffer, area: Rect, sale: Sale, currency: Currency, focused: Bool = true) {
        let errors = errorLines(area), extra = extraRows(area)
        let box = Self.box(area, tenders: sale.tenders.count, extra: extra)
        buffer.fill(box)
        Block(title: L.t("payment_panel.title")).render(into: &buffer, area: box)
        let inner = box.inner(1).inner(horizontal: 1, vertical: 0)
        var y = inner.y
        buffer.setString(inner.x, y, L.t("payment_panel.summary", ["total": Format.money(sale.total, currency), "paid": Format.money(sale.paid, currency),
                                                                    "due": Format.money(sale.due, currency, withCode: true)]), style: Theme.title, maxWidth: inner.width)
        if !changes.isEmpty {
            let text = L.t("payment_panel.price_changed", ["changes": changes.map {
                L.t("payment_panel.price_change", ["name": $0.name, "was": Format.money($0.was, currency), "now": Format.money($0.now, currency)])
            }.joined(separator: L.t("payment_panel.list_separator"))])
            buffer.setString(inner.x, y + 1, text, style: Theme.error, maxWidth: inner.width)
        }
        y += 2
        var x = buffer.setString(inner.x, y, L.t("payment_panel.method") + " ", style: Theme.title)
        for (i, method) in Self.methods.enumerated() {
            x = buffer.setString(x, y, " \(Words.method(method)) ", style: i == self.method ? Theme.selection : .plain) + 1
        }
        let field = Self.field(area, tenders: sale.tenders.count, extra: extra)
        y = field.y
        let method = Self.methods[self.method]
        buffer.setString(inner.x, y, method == .cash ? L.t("receipt.cash_given") : L.t("payment_panel.amount"), style: Theme.title)
        TextField(placeholder: Format.money(sale.due, currency), isFocused: focused).render(into: &buffer, area: field, state: amount)
        let room = inner.right - field.right - 2
        if method == .cash, let given = Self.parse(amount.text, currency), given > sale.due {
            buffer.setString(field.right + 2, y, L.t("payment_panel.change", ["amount": Format.money(Money.saturatingDifference(given, sale.due), currency)]), style: Theme.title, maxWidth: room)
        } else if method != .cash, let wanted = Self.parse(amount.text, currency), wanted > sale.due {
            buffer.setString(field.right + 2, y, L.t("payment_panel.more_than_due"), style: Theme.error, maxWidth: room)
        } else {
            let hint = amount.isEmpty ? L.t("payment_panel.hint.empty")
                : method == .cash || Self.parse(amount.text, currency) == sale.due ? "" : L.t("payment_panel.hint.split")
            buffer.setString(field.right + 2, y, hint, style: Theme.muted, maxWidth: room)
        }
        y += 1
        if !errors.isEmpty {
            // The field is narrow: its error gets the panel's whole width, never cut off.
            buffer.fill(Rect(x: field.x, y: y, width: field.width, height: 1))
            for line in errors { buffer.setString(inner.x, y, line, style: Theme.error, maxWidth: inner.width); y += 1 }
        } else {
            y += 1
        }
        for tender in sale.tenders.suffix(4) {
            let method = Words.method(tender.method), amount = Format.money(tender.amount, currency)
            let text = tender.given.map { L.t("payment_panel.taken_cash", ["method": method, "amount": amount, "given": Format.money($0, currency), "change": Format.money(tender.change, currency)]) }
                ?? L.t("payment_panel.taken", ["method": method, "amount": amount])
            buffer.setString(inner.x, y, text, maxWidth: inner.width)
            y += 1
        }
        buffer.setString(inner.x, inner.bottom - 1, L.t("payment_panel.hint.keys"), style: Theme.muted, maxWidth: inner.width)
    }
}
