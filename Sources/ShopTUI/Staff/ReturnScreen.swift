import ShopEngine

/// Staff: take goods back from a delivered order. Choose how many of each line come back and
/// how the money goes back (cash, card, transfer); the engine does the return in one
/// transaction (`orders.returnItems`) and says the refund — with cash, the amount to hand over.
/// The return slip is saved (and printed) through `ReceiptPrinter`.
struct ReturnScreen: Screen {
    private var order: Order
    var title: String { L.t("return.title", ["number": order.number]) }

    enum Mode {
        case choosing
        case working
        /// Done: the return, and what the printer did (nil until it answered).
        case done(OrderReturn, printed: String?)
    }

    private var mode = Mode.choosing
    /// How many of each order line come back now (same order as `order.items`).
    private var quantities: [Int64]
    private var list = ListState()
    private var method = 0
    static let methods: [PaymentMethod] = [.cash, .card, .transfer]

    init(order: Order) {
        self.order = order
        quantities = Array(repeating: 0, count: order.items.count)
        method = Self.methods.firstIndex(of: order.paymentMethod) ?? 0
    }

    enum Action: Sendable { case move(Int), page, more, less, all, method, confirm, print }

    static var choosingKeys: KeyMap<Action> {
        [
            (.move(-1), KeyBinding(keys: [.up, .char("k")], label: "↑↓", help: L.t("return.keys.line"))),
            (.move(1), KeyBinding(keys: [.down, .char("j")], help: L.t("return.keys.down"), showsInFooter: false)),
            (.page, ListState.pagingBindings[0]), (.page, ListState.pagingBindings[1]),
            (.more, KeyBinding(keys: [.char("+"), .right], label: "+/−", help: L.t("return.keys.quantity"))),
            (.less, KeyBinding(keys: [.char("-"), .left], help: L.t("return.keys.less"), showsInFooter: false)),
            (.all, KeyBinding(keys: [.char("a")], help: L.t("return.keys.all"))),
            (.method, KeyBinding(keys: [.tab], help: L.t("return.keys.method"))),
            (.confirm, KeyBinding(keys: [.enter], help: L.t("return.keys.take_back"))),
        ]
    }
    static var doneKeys: KeyMap<Action> { [(.print, KeyBinding(keys: [.char("p")], help: L.t("return.keys.print_again")))] }

    private var keys: KeyMap<Action> {
        switch mode {
        case .choosing: Self.choosingKeys
        case .working: []
        case .done: Self.doneKeys
        }
    }

    /// Enter only once something is chosen to come back.
    var bindings: [KeyBinding] {
        keys.entries.filter { entry in if case .confirm = entry.action { quantities.contains { $0 > 0 } } else { true } }.map(\.binding)
    }

    private struct Returned: Sendable { let result: Outcome<OrderService.ReturnOutcome>; let slip: String?; let printed: Outcome<String>? }
    private struct Printed: Sendable { let result: Outcome<String> }
    /// The return the person said yes to (see `ScreenContext.confirm`).
    private struct ReturnConfirmed: Sendable {}

    /// What the order line `i` can still give back.
    private func left(_ i: Int) -> Int64 { max(0, order.items[i].quantity - order.items[i].returnedQuantity) }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let returned as Returned):
            switch returned.result {
            case .success(let done):
                order = done.order
                quantities = Array(repeating: 0, count: order.items.count)
                var printed: String?
                switch returned.printed {
                case .success(let message)?: printed = message
                case .failure(let error)?: printed = ScreenContext.describe(error)
                case nil: break
                }
                mode = .done(done.record, printed: printed)
                context.say(Self.headline(done.record, currency: context.session.currency, shouting: false), .success)
            case .failure(let error):
                mode = .choosing
                context.fail(error)
            }
        case .result(is ReturnConfirmed):
            if case .choosing = mode { takeBack(&context) }
        case .result(let printed as Printed):
            switch printed.result {
            case .success(let message): context.say(message, .success)
            case .failure(let error): context.fail(error)
            }
        case .key(let key):
            guard let action = keys.action(for: key) else { return false }
            if case .page = action {
                _ = list.navigate(key, count: order.items.count, visibleRows: Table.bodyRows(in: Self.tableArea(in: context.session.screenArea, count: order.items.count)))
                return true
            }
            act(action, &context)
        default: break
        }
        return true
    }

    private mutating func act(_ action: Action, _ context: inout ScreenContext) {
        let i = list.selected ?? 0
        switch action {
        case .move(let delta): list.moveSelection(by: delta, count: order.items.count, visibleRows: Table.bodyRows(in: Self.tableArea(in: context.session.screenArea, count: order.items.count)))
        case .more where order.items.indices.contains(i): quantities[i] = min(left(i), quantities[i] + 1)
        case .less where order.items.indices.contains(i): quantities[i] = max(0, quantities[i] - 1)
        case .all where order.items.indices.contains(i): quantities[i] = left(i)
        case .method: method = (method + 1) % Self.methods.count
        case .confirm:
            guard quantities.contains(where: { $0 > 0 }) else { context.say(L.t("return.choose_first")); return }
            let count = Format.items(quantities.reduce(0, +))
            context.confirm(L.t("return.confirm", ["items": count, "method": Words.method(Self.methods[method])]), yes: L.t("return.confirm_yes"), then: ReturnConfirmed())
        case .print:
            guard case .done(let record, _) = mode else { return }
            let slip = ReturnReceipt(storeName: context.session.storeName, order: order, record: record, currency: context.session.currency)
            let settings = context.session.settings
            context.run { Printed(result: Result { try ReceiptPrinter(settings: settings).print(slip.text, name: slip.name) }) }
        default: break
        }
    }

    private mutating func takeBack(_ context: inout ScreenContext) {
        mode = .working
        let lines = zip(order.items, quantities).filter { $0.1 > 0 }.map { ReturnLine(orderLineID: $0.0.id, quantity: $0.1) }
        let shop = context.shop, caller = context.caller, id = order.id, refund = Self.methods[method]
        let settings = context.session.settings, store = context.session.storeName, currency = context.session.currency
        let language = L.language   // the slip speaks the language of the terminal that took the return
        context.run {
            let result = Result { try shop.orders.returnItems(orderID: id, lines: lines, refundMethod: refund, caller: caller) }
            guard case .success(let done) = result else { return Returned(result: result, slip: nil, printed: nil) }
            let slip = ReturnReceipt(storeName: store, order: done.order, record: done.record, currency: currency, language: language)
            return Returned(result: result, slip: slip.text, printed: Result { try ReceiptPrinter(settings: settings).print(slip.text, name: slip.name) })
        }
    }

    /// The lines' table in the screen's area: as tall as the lines, leaving room for the refund rows.
    static func tableArea(in area: Rect, count: Int) -> Rect {
        let rest = area.splitTop(2).rest
        return Rect(x: rest.x, y: rest.y, width: min(rest.width, 72), height: max(0, min(count + 1, rest.height - 4)))
    }

    /// "Hand over 9.00 USD in cash" (in capitals on the done screen), or the refund by card or transfer.
    static func headline(_ record: OrderReturn, currency: Currency, shouting: Bool) -> String {
        let money = Format.money(record.refundAmount, currency, withCode: true)
        guard record.refundMethod == .cash && record.refundAmount > 0 else {
            return L.t("return.refund_headline", ["amount": money, "method": Words.method(record.refundMethod)])
        }
        return shouting ? L.t("return.hand_over_loud", ["amount": money]) : L.t("return.hand_over", ["amount": money])
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let currency = session.currency
        let (top, rest) = area.splitTop(2)
        let paid = Format.money(order.paid, currency)
        buffer.setString(top.x, top.y, order.refunded > 0 ? L.t("return.summary_refunded", ["number": order.number, "paid": paid, "refunded": Format.money(order.refunded, currency)])
                                                          : L.t("return.summary", ["number": order.number, "paid": paid]),
                         style: Theme.title, maxWidth: top.width)
        if case .done(let record, let printed) = mode {
            let headline = Self.headline(record, currency: currency, shouting: true)
            Banner(headline, kind: .success).render(into: &buffer, area: rest.row(0))
            var y = rest.y + 2
            for line in record.lines {
                buffer.setString(rest.x, y, L.t("return.back_in_stock", ["qty": Format.number(line.quantity), "name": line.name]), maxWidth: rest.width)
                y += 1
            }
            let worth = record.lines.reduce(Int64(0)) { $0.addingReportingOverflow($1.amount).partialValue }
            if record.refundAmount < worth { buffer.setString(rest.x, y, L.t("return.limited", ["worth": Format.money(worth, currency)]), style: Theme.muted, maxWidth: rest.width); y += 1 }
            if let printed { buffer.setString(rest.x, y + 1, printed, style: Theme.muted, maxWidth: rest.width) }
            return
        }
        let rows = order.items.indices.map { i -> [String] in
            let item = order.items[i]
            return [item.name, Format.number(item.quantity), item.returnedQuantity > 0 ? Format.number(item.returnedQuantity) : "",
                    quantities[i] > 0 ? Format.number(quantities[i]) : "·", Format.money(item.unitPrice, currency)]
        }
        let tableArea = Self.tableArea(in: area, count: order.items.count)
        Table(columns: [.init(L.t("quick_sale.column.item"), width: .fill(1)), .numeric(L.t("return.column.sold"), width: 5), .numeric(L.t("return.column.back"), width: 5),
                        .numeric(L.t("return.column.now"), width: 5), .numeric(L.t("quick_sale.column.price"), width: 12)],
              rows: rows).render(into: &buffer, area: tableArea, state: list)
        var y = tableArea.bottom + 1
        let goods = zip(order.items, quantities).reduce(Int64(0)) { $0.addingReportingOverflow(Money.saturatingProduct($1.0.unitPrice, $1.1)).partialValue }
        buffer.setString(rest.x, y, L.t("return.refund_by", ["method": Words.method(Self.methods[method]), "goods": Format.money(goods, currency)]), style: Theme.title, maxWidth: rest.width)
        y += 1
        buffer.setString(rest.x, y, L.t("return.rule"), style: Theme.muted, maxWidth: rest.width)
        if case .working = mode {
            buffer.setString(rest.x, y + 1, L.t("return.working"), style: Theme.muted)
        }
    }
}
