import ShopEngine

/// Staff: the payments of one order with their statuses, what is paid and what is still due.
/// A pending payment (e.g. a web client's card or transfer) is settled (→ completed) or marked
/// failed here; a completed one is refunded once the order is cancelled — the engine's rules
/// (`PaymentService.updateStatus`) decide, this screen only asks. `$` records a payment taken
/// at the counter (all of the balance or a part of it).
struct OrderPaymentsScreen: Screen {
    /// What cancelling an order does with money already paid, said before and after the
    /// cancel. The engine's rule: cancelling puts the stock back and fails pending payments;
    /// completed ones stay completed until staff refund them here (`u`), which takes them out
    /// of the cash-up. Nil when nothing completed was paid.
    ///
    ///     "Paid 12.00 by card: refund it from Payments (m) after cancelling"
    static func cancelNote(payments: [PaymentService.Payment], staff: Bool, currency: Currency) -> String? {
        let paid = payments.filter { $0.status == .completed }
        guard !paid.isEmpty else { return nil }
        var byMethod: [(method: PaymentMethod, amount: Int64)] = []
        for p in paid {
            if let i = byMethod.firstIndex(where: { $0.method == p.method }) { byMethod[i].amount = Money.saturatingSum(byMethod[i].amount, p.amount) }
            else { byMethod.append((p.method, p.amount)) }
        }
        let what = byMethod.map { part in
            let amount = Format.money(part.amount, currency), method = Words.method(part.method).lowercased()
            return part.method == .cash ? L.t("payments.paid_in", ["amount": amount, "method": method]) : L.t("payments.paid_by", ["amount": amount, "method": method])
        }.joined(separator: " + ")
        return staff ? L.plural("payments.cancel_note_staff", count: paid.count, ["what": what])
            : L.plural("payments.cancel_note_customer", count: paid.count, ["what": what])
    }

    let orderID: Int64
    var title: String
    private var order: Order?
    private var payments: [PaymentService.Payment] = []
    private var list = ListState()
    private var busy = false
    private var loadFailed = false
    private var entry: PaymentEntry?
    var isLoading: Bool { order == nil && !loadFailed }

    init(orderID: Int64, number: String) {
        self.orderID = orderID
        self.title = L.t("payments.title", ["number": number])
    }

    enum Action: Sendable { case move(Int), page, settle, fail, refund, record }

    static var keys: KeyMap<Action> {
        [
            (.move(-1), KeyBinding(keys: [.up, .char("k")], label: "↑↓", help: L.t("payments.keys.choose"))),
            (.move(1), KeyBinding(keys: [.down, .char("j")], help: L.t("return.keys.down"), showsInFooter: false)),
            (.page, ListState.pagingBindings[0]), (.page, ListState.pagingBindings[1]),
            (.settle, KeyBinding(keys: [.char("c"), .enter], label: "c", help: L.t("payments.keys.settle"))),
            (.fail, KeyBinding(keys: [.char("f")], help: L.t("payments.keys.failed"))),
            (.record, KeyBinding(keys: [.char("$")], help: L.t("quick_sale.keys.pay"))),
            (.refund, KeyBinding(keys: [.char("u")], help: L.t("payments.keys.refund"))),
        ]
    }

    /// Only what acts now: moving needs two payments, paying an amount due.
    var bindings: [KeyBinding] {
        if let entry { return entry.bindings }
        let due = order.map { $0.balance > 0 && $0.status != .cancelled } ?? false
        return Self.keys.entries.filter { entry in
            switch entry.action {
            case .move, .page: payments.count > 1
            case .record: due
            case .settle, .fail, .refund: true
            }
        }.map(\.binding)
    }
    var capturesText: Bool { entry != nil }

    private struct Loaded: Sendable { let order: Outcome<Order>; let payments: Outcome<PaymentService.PaymentPage> }
    private struct Changed: Sendable { let result: Outcome<PaymentService.Payment>; let status: PaymentService.Status }
    private struct Recorded: Sendable { let result: Outcome<PaymentService.Payment>; var drawer: Outcome<String?>? = nil }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller, id = orderID
        context.run { Loaded(order: Result { try shop.orders.order(id: id, caller: caller) }, payments: Result { try shop.payments.list(orderID: id, limit: 100, caller: caller) }) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let loaded as Loaded):
            switch loaded.order {
            case .success(let o): order = o
            case .failure(let error): context.fail(error); loadFailed = true
            }
            if case .success(let page) = loaded.payments {
                payments = page.items
                list.select(list.selected ?? 0, count: payments.count)
            }
        case .result(let changed as Changed):
            busy = false
            switch changed.result {
            case .success(let p):
                let amount = ["amount": context.session.money(p.amount)]
                context.say(changed.status == .completed ? L.t("payments.settled", amount)
                            : changed.status == .failed ? L.t("payments.marked_failed", amount) : L.t("payments.refunded", amount), .success)
            case .failure(let error): context.fail(error)
            }
            load(&context)
        case .result(let recorded as Recorded):
            busy = false
            switch recorded.result {
            case .success(let p):
                entry = nil
                context.say(ReceiptPrinter.recordedMessage(p, session: context.session), .success)
                if case .failure(let error)? = recorded.drawer { context.fail(error) }
            case .failure(let error):
                entry?.show(error)
                context.fail(error)
            }
            load(&context)
        case .appeared, .shopChanged: load(&context)
        case .key(let key) where entry != nil:
            guard !busy, var form = entry else { return true }
            switch form.handle(key, currency: context.session.currency) {
            case .handled: entry = form
            case .close: entry = nil
            case .record(let amount, let method, let tendered):
                entry = form
                busy = true
                let shop = context.shop, caller = context.caller, id = orderID
                let settings = context.session.settings
                context.run {
                    let taken = ReceiptPrinter.takePayment(shop, orderID: id, amount: amount, method: method, tendered: tendered, caller: caller, settings: settings)
                    return Recorded(result: taken.payment, drawer: taken.drawer)
                }
            }
        case .key(let key):
            guard let action = Self.keys.action(for: key) else { return false }
            switch action {
            case .move, .page: _ = list.navigate(ListState.arrow(key), count: payments.count, visibleRows: Table.bodyRows(in: Self.tableArea(in: context.session.screenArea)))
            default: act(action, &context)
            }
        default: break
        }
        return true
    }

    private mutating func act(_ action: Action, _ context: inout ScreenContext) {
        if case .record = action {
            guard let order else { return }
            guard order.balance > 0, order.status != .cancelled else { context.say(L.t("payments.nothing_due")); return }
            entry = PaymentEntry(order: order, currency: context.session.currency)
            return
        }
        guard !busy, let i = list.selected, payments.indices.contains(i) else { return }
        let payment = payments[i]
        let status: PaymentService.Status = switch action {
        case .settle: .completed
        case .fail: .failed
        default: .refunded
        }
        busy = true
        let shop = context.shop, caller = context.caller
        context.run { Changed(result: Result { try shop.payments.updateStatus(paymentID: payment.id, to: status, caller: caller) }, status: status) }
    }

    /// A payment's row: a refund for returned goods says so.
    private func label(_ p: PaymentService.Payment, currency: Currency) -> [String] {
        let isReturnRefund = order?.returns.contains { $0.paymentId == p.id } ?? false
        let status = isReturnRefund ? L.t("payments.status.refunded_return") : Words.paymentStatus(p.status)
        let note = p.change > 0 ? L.t("payments.tendered", ["given": Format.money(p.tendered ?? 0, currency), "change": Format.money(p.change, currency)]) : ""
        return [Format.timestamp(p.createdAt), Words.method(p.method), Format.money(p.amount, currency), status, note]
    }

    /// The payments' table in the screen's area (below the figures, above the hint): render and paging use it.
    static func tableArea(in area: Rect) -> Rect {
        let rest = area.splitTop(3).rest
        return Rect(x: rest.x, y: rest.y, width: rest.width, height: max(0, rest.height - 2))
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        guard let order else { buffer.setString(area.x, area.y, loadFailed ? L.t("payments.load_failed") : L.t("cash_up.loading"), style: Theme.muted); return }
        let currency = session.currency
        let (top, rest) = area.splitTop(3)
        var x = buffer.setString(top.x, top.y, "\(order.number)  ", style: Theme.title)
        x = buffer.setString(x, top.y, " \(Words.status(order.status).uppercased()) ", style: order.status == .cancelled ? Theme.errorBanner : Theme.success)
        buffer.setString(x + 2, top.y, Words.method(order.paymentMethod), style: Theme.muted, maxWidth: top.right - x - 2)
        let pending = payments.filter { $0.status == .pending }.reduce(Int64(0)) { $0.addingReportingOverflow($1.amount).partialValue }
        var figures = [L.t("payments.figure.total", ["amount": Format.money(order.total, currency, withCode: true)]),
                       L.t("payments.figure.paid", ["amount": Format.money(order.paid, currency)])]
        if order.refunded > 0 { figures.append(L.t("payments.figure.refunded", ["amount": Format.money(order.refunded, currency)])) }
        if order.status != .cancelled { figures.append(L.t("payments.figure.balance", ["amount": Format.money(order.balance, currency)])) }
        if pending > 0 { figures.append(L.t("payments.figure.pending", ["amount": Format.money(pending, currency)])) }
        buffer.setString(top.x, top.y + 1, figures.joined(separator: "  "), style: Theme.title, maxWidth: top.width)
        let (table, hint) = (Self.tableArea(in: area), rest.row(rest.height - 1))
        Table(columns: [.init(L.t("payments.column.when"), width: .length(17)), .init(L.t("payment_panel.method"), width: .length(16)),
                        .numeric(L.t("payment_panel.amount"), width: 12), .init(L.t("payments.column.status"), width: .length(17)), .init("", width: .fill(1))],
              rows: payments.map { label($0, currency: currency) }, emptyText: L.t("payments.empty"))
            .render(into: &buffer, area: table, state: list)
        let selected = list.selected.flatMap { payments.indices.contains($0) ? payments[$0] : nil }
        let advice: String = switch selected?.status {
        case .pending?: L.t("payments.advice.pending")
        case .completed?: order.status == .cancelled ? L.t("payments.advice.refund") : L.t("payments.advice.completed")
        case nil: order.balance > 0 ? L.t("payments.advice.record") : ""
        default: ""
        }
        buffer.setString(hint.x, hint.y, advice, style: Theme.muted, maxWidth: hint.width, truncation: .ellipsis)
        entry?.render(into: &buffer, area: area, balance: order.balance, currency: currency)
    }
}
