import ShopEngine

/// Taking payment: a method (Tab), an amount (empty: what is due), Enter takes it. Cash may be
/// more than due (change shown before it is taken); card and transfer may pay part (a split).
/// The prices the engine's quote changed since scanning are listed at the top.
struct PaymentPanel {
    static let methods: [PaymentMethod] = CounterSaleRequest.methods

    var method = 0
    var amount = TextFieldState(maxLength: 16, filter: .decimal)
    /// Prices the quote found different from the ones scanned.
    let changes: [Sale.PriceChange]

    enum Action { case none, back, complete, scanned(String) }

    static let bindings = [KeyBinding(keys: [.tab], label: "Tab/←→", help: "method"), KeyBinding(keys: [.enter], help: "take payment"),
                           KeyBinding(keys: [.backspace], label: "Backspace", help: "undo last"), KeyBinding(keys: [.escape], help: "back to sale")]

    init(changes: [Sale.PriceChange] = []) { self.changes = changes }

    mutating func handle(_ key: Key, sale: inout Sale, currency: Currency) -> Action {
        switch key {
        case .escape:
            sale.clearTenders()
            return .back
        case .tab, .right: method = (method + 1) % Self.methods.count
        case .backTab, .left: method = (method + Self.methods.count - 1) % Self.methods.count
        case .backspace where amount.isEmpty && !sale.tenders.isEmpty:
            sale.undoTender()
        case .enter, .function(5):
            if sale.isCovered { return .complete }
            let text = amount.text
            if Self.looksScanned(text) {
                // A barcode scanned into the amount: it belongs to the sale, not the till.
                sale.clearTenders()
                return .scanned(text)
            }
            guard let value = text.isEmpty ? sale.due : currency.parseAmount(text) else {
                amount.error = "Enter an amount like \(currency.format(1250))"
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

    /// Twelve or more digits and no decimal point: a scanned barcode, not an amount of money.
    static func looksScanned(_ text: String) -> Bool { text.count >= 12 && text.allSatisfy(\.isNumber) }

    private static func box(_ area: Rect, tenders: Int) -> Rect { area.centered(width: min(area.width, 62), height: min(area.height, 11 + min(tenders, 4))) }
    /// Where the amount field is: drawn there and the cursor put there.
    private static func field(_ area: Rect, tenders: Int) -> Rect {
        let inner = box(area, tenders: tenders).inner(1).inner(horizontal: 1, vertical: 0)
        return Rect(x: inner.x + 12, y: inner.y + 4, width: 16, height: 2)
    }

    /// `focused`: false while the engine completes the sale (typing goes to the code field then).
    func render(into buffer: inout Buffer, area: Rect, sale: Sale, currency: Currency, focused: Bool = true) {
        let box = Self.box(area, tenders: sale.tenders.count)
        buffer.fill(box)
        Block(title: "Take payment").render(into: &buffer, area: box)
        let inner = box.inner(1).inner(horizontal: 1, vertical: 0)
        var y = inner.y
        buffer.setString(inner.x, y, "Total \(currency.format(sale.total))   Paid \(currency.format(sale.paid))   Due \(currency.format(sale.due, withCode: true))", style: Theme.title, maxWidth: inner.width)
        if !changes.isEmpty {
            let text = "Price changed: " + changes.map { "\($0.name) \(currency.format($0.was)) → \(currency.format($0.now))" }.joined(separator: ", ")
            buffer.setString(inner.x, y + 1, text, style: Theme.error, maxWidth: inner.width)
        }
        y += 2
        var x = buffer.setString(inner.x, y, "Method ", style: Theme.title)
        for (i, method) in Self.methods.enumerated() {
            x = buffer.setString(x, y, " \(method.label) ", style: i == self.method ? Theme.selection : .plain) + 1
        }
        let field = Self.field(area, tenders: sale.tenders.count)
        y = field.y
        let method = Self.methods[self.method]
        buffer.setString(inner.x, y, method == .cash ? "Cash given" : "Amount", style: Theme.title)
        TextField(placeholder: currency.format(sale.due), isFocused: focused).render(into: &buffer, area: field, state: amount)
        let room = inner.right - field.right - 2
        if method == .cash, let given = currency.parseAmount(amount.text), given > sale.due {
            buffer.setString(field.right + 2, y, "Change \(currency.format(Money.saturatingDifference(given, sale.due)))", style: Theme.title, maxWidth: room)
        } else {
            buffer.setString(field.right + 2, y, amount.isEmpty ? "empty: the amount due" : (method == .cash ? "" : "less than due: split"), style: Theme.muted, maxWidth: room)
        }
        y += 2
        for tender in sale.tenders.suffix(4) {
            var text = "✓ \(tender.method.label) \(currency.format(tender.amount))"
            if let given = tender.given { text += " (given \(currency.format(given)), change \(currency.format(tender.change)))" }
            buffer.setString(inner.x, y, text, maxWidth: inner.width)
            y += 1
        }
        buffer.setString(inner.x, inner.bottom - 1, "Enter takes it · Tab method · Backspace undoes · Esc back", style: Theme.muted, maxWidth: inner.width)
    }
}
