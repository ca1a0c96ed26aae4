import Foundation
import ShopEngine

/// One order: status and its history, lines, payments, delivery details; cancel where allowed.
/// Staff also mark it sent or delivered, record payments and print the receipt.
struct OrderDetailScreen: Screen {
    let orderID: Int64
    let number: String
    var title: String { L.t("order_detail.title", ["number": number]) }
    private var order: Order?
    private var payments: [PaymentService.Payment] = []
    private var busy = false
    private var paymentForm: PaymentEntry?
    private var loadFailed = false
    var isLoading: Bool { order == nil && !loadFailed }

    init(orderID: Int64, number: String) {
        self.orderID = orderID
        self.number = number
    }

    private struct Loaded: Sendable { let order: Outcome<Order>; let payments: Outcome<PaymentService.PaymentPage> }
    private struct Changed: Sendable { let result: Outcome<Order>; let message: String }
    private struct Paid: Sendable { let result: Outcome<PaymentService.Payment>; var drawer: Outcome<String?>? = nil }
    private struct Printed: Sendable { let result: Outcome<String> }
    /// What the person said yes to (see `ScreenContext.confirm`).
    private enum Confirmed: Sendable { case cancel, mark(OrderStatus) }

    var bindings: [KeyBinding] {
        if let paymentForm { return paymentForm.bindings }
        // Only what the order can still do, in short words: the staff keys fit an 80-column footer.
        guard let order else { return [] }   // nothing to act on until it has loaded
        // n only where the engine allows the next step (a pending order is sent only cash on delivery).
        let open = order.status == .paid || order.status == .sent || order.status == .pending && order.paymentMethod == .cashOnDelivery
        let cancel = order.canBeCancelled
        guard isStaff else { return cancel ? [KeyBinding(keys: [.char("x")], help: L.t("order_detail.keys.cancel_order"))] : [] }
        var keys = cancel ? [KeyBinding(keys: [.char("x")], help: L.t("order_detail.keys.cancel"))] : []
        if open { keys.append(KeyBinding(keys: [.char("n")], help: L.t("order_detail.keys.next_status"))) }
        keys += [KeyBinding(keys: [.char("$")], help: L.t("order_detail.keys.pay")), KeyBinding(keys: [.char("m")], help: L.t("order_detail.keys.payments"))]
        if order.status == .delivered { keys.append(KeyBinding(keys: [.char("t")], help: L.t("order_detail.keys.return"))) }
        keys.append(KeyBinding(keys: [.char("r")], help: L.t("order_detail.keys.receipt")))
        return keys
    }
    private var isStaff = false
    var capturesText: Bool { paymentForm != nil }
    /// "Marked sent" or "can no longer be cancelled" speak of the order's status then.
    var noticeScope: AnyHashable? { order?.status }

    mutating func start(_ context: inout ScreenContext) {
        isStaff = context.session.isStaff
        load(&context)
    }

    private func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller, id = orderID
        context.run { Loaded(order: Result { try shop.orders.order(id: id, caller: caller) }, payments: Result { try shop.payments.list(orderID: id, caller: caller) }) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let loaded as Loaded):
            switch loaded.order {
            case .success(let o): order = o
            case .failure(let error): context.fail(error); loadFailed = true
            }
            if case .success(let page) = loaded.payments { payments = page.items }
        case .result(let changed as Changed):
            busy = false
            switch changed.result {
            case .success(let o): order = o; context.say(changed.message, .success, aboutState: true)
            case .failure(let error): context.fail(error)
            }
            load(&context)
        case .result(let paid as Paid):
            busy = false
            switch paid.result {
            case .success(let payment):
                paymentForm = nil
                context.say(ReceiptPrinter.recordedMessage(payment, session: context.session), .success)
                if case .failure(let error)? = paid.drawer { context.fail(error) }
            case .failure(let error):
                paymentForm?.show(error)
                context.fail(error)
            }
            load(&context)
        case .result(let confirmed as Confirmed):
            guard let order, !busy else { break }
            let shop = context.shop, caller = context.caller, id = orderID
            busy = true
            switch confirmed {
            case .cancel:
                // With money paid, what to do with it matters more than the stock (said in the question too).
                let message = OrderPaymentsScreen.cancelNote(payments: payments, staff: isStaff, currency: context.session.currency)
                    .map { L.t("order_detail.cancelled_note", ["number": order.number, "note": $0.replacingOccurrences(of: " after cancelling", with: "").replacingOccurrences(of: " once the order is cancelled", with: "")]) }
                    ?? L.t("order_detail.cancelled", ["number": order.number])
                context.run { Changed(result: Result { try shop.orders.cancel(id: id, caller: caller) }, message: message) }
            case .mark(let next):
                context.run { Changed(result: Result { try shop.orders.updateStatus(id: id, to: next, caller: caller) }, message: L.t("order_detail.marked", ["status": Words.status(next)])) }
            }
        case .result(let printed as Printed):
            switch printed.result {
            case .success(let message): context.say(message, .success)
            case .failure(let error): context.fail(error)
            }
        case .appeared, .shopChanged: load(&context)
        case .key(let key):
            if paymentForm != nil { return paymentKey(key, &context) }
            return orderKey(key, &context)
        default: break
        }
        return true
    }

    private mutating func orderKey(_ key: Key, _ context: inout ScreenContext) -> Bool {
        guard let order, !busy else { return key != .escape && key != .char("q") && key != .char("?") }
        let id = orderID
        switch key {
        case .char("x"):
            guard order.canBeCancelled else { context.say(L.t("order_detail.cannot_cancel", ["status": Words.status(order.status)]), aboutState: true); return true }
            context.confirm(L.t("order_detail.cancel.confirm", ["number": order.number]), yes: L.t("order_detail.cancel.yes"),
                            detail: OrderPaymentsScreen.cancelNote(payments: payments, staff: isStaff, currency: context.session.currency), then: Confirmed.cancel)
        case .char("n") where isStaff:
            let next: OrderStatus = order.status == .sent ? .delivered : .sent
            context.confirm(L.t("order_detail.mark.confirm", ["number": order.number, "status": Words.status(next)]), yes: L.t("order_detail.mark.yes", ["status": Words.status(next)]), then: Confirmed.mark(next))
        case .char("$") where isStaff:
            paymentForm = PaymentEntry(order: order, currency: context.session.currency)
        case .char("m") where isStaff:
            context.go(.push(OrderPaymentsScreen(orderID: id, number: order.number)))
        case .char("t") where isStaff:
            guard order.status == .delivered else { context.say(L.t("order_detail.returns_only_delivered", ["status": Words.status(order.status)])); return true }
            guard order.items.contains(where: { $0.returnedQuantity < $0.quantity }) else { context.say(L.t("order_detail.all_returned")); return true }
            context.go(.push(ReturnScreen(order: order)))
        case .char("r") where isStaff:
            let settings = context.session.settings, name = context.session.storeName
            let payments = self.payments, currency = context.session.currency
            context.run { Printed(result: Result { try ReceiptPrinter(settings: settings).print(Receipt(storeName: name, order: order, payments: payments, currency: currency).text, name: order.number) }) }
        default:
            return false
        }
        return true
    }

    private mutating func paymentKey(_ key: Key, _ context: inout ScreenContext) -> Bool {
        guard var form = paymentForm else { return false }
        switch form.handle(key, currency: context.session.currency) {
        case .handled: paymentForm = form
        case .close: paymentForm = nil
        case .record(let amount, let method, let tendered):
            paymentForm = form
            busy = true
            let shop = context.shop, caller = context.caller, id = orderID, settings = context.session.settings
            context.run {
                let taken = ReceiptPrinter.takePayment(shop, orderID: id, amount: amount, method: method, tendered: tendered, caller: caller, settings: settings)
                return Paid(result: taken.payment, drawer: taken.drawer)
            }
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        guard let order else { buffer.setString(area.x, area.y, L.t("list.loading"), style: Theme.muted); return }
        let currency = session.currency
        var y = area.y
        var x = buffer.setString(area.x, y, order.number, style: Theme.title, leftToRight: true) + 2
        x = buffer.setString(x, y, " \(Words.status(order.status).uppercased()) ", style: order.status == .cancelled ? Theme.errorBanner : Theme.success)
        let when = ["date": Format.timestamp(order.createdAt), "method": Words.method(order.paymentMethod)]
        let placed = order.channel == .counter ? L.t("order_detail.placed_counter", when) : L.t("order_detail.placed", when)
        buffer.setString(x + 2, y, placed, style: Theme.muted, maxWidth: area.right - x - 2)
        // Why it is cancelled (it expired unpaid), or until when it waits for the payment.
        if let reason = order.statusReason {
            buffer.setString(area.x, y + 1, reason, style: Theme.error, maxWidth: area.width)
        } else if let expiresAt = order.expiresAt {
            buffer.setString(area.x, y + 1, L.t("order_detail.pay_by", ["date": Format.timestamp(expiresAt)]), style: Theme.muted, maxWidth: area.width, truncation: .ellipsis)
        }
        y += 2
        let width = min(area.width, 72)
        let (linesArea, _) = Rect(x: area.x, y: y, width: width, height: min(order.items.count + 1, 8)).splitTop(min(order.items.count + 1, 8))
        // Returned goods get their own column, only on an order that has returns.
        let returned = !order.returns.isEmpty
        Table(columns: [.init(L.t("cart.column.item"), width: .fill(1)), .numeric(L.t("cart.column.quantity"), width: 5)] + (returned ? [.numeric(L.t("order_detail.column.back"), width: 5)] : [])
                + [.numeric(L.t("product.column.price"), width: 12), .numeric(L.t("cart.column.total"), width: 13)],
              rows: order.items.map { [$0.name, Format.number($0.quantity)] + (returned ? [$0.returnedQuantity > 0 ? Format.number($0.returnedQuantity) : ""] : [])
                + [Format.money($0.unitPrice, currency), Format.money($0.lineTotal, currency)] })
            .render(into: &buffer, area: linesArea, state: ListState(selected: nil))
        y += linesArea.height + 1
        // Each amount with its label is one piece; pieces that do not fit go to the next line.
        var totals = [L.t("checkout.subtotal", ["total": Format.money(order.subtotal, currency)])]
        if order.discount > 0 { totals.append(L.t("order_detail.discount", ["amount": Format.money(order.discount, currency), "code": order.couponCode ?? ""])) }
        totals += [L.t("order_detail.total", ["amount": Format.money(order.total, currency, withCode: true)]), L.t("order_detail.paid", ["amount": Format.money(order.paid, currency)])]
        if order.balance > 0 && order.status != .cancelled { totals.append(L.t("order_detail.due", ["amount": Format.money(order.balance, currency)])) }
        if order.refunded > 0 { totals.append(L.t("order_detail.refunded", ["amount": Format.money(order.refunded, currency)])) }
        y += buffer.setPieces(totals, x: area.x, y: y, width: area.width, style: Theme.title) + 1
        buffer.setString(area.x, y, L.t("order_detail.payments"), style: Theme.header)
        y += 1
        if payments.isEmpty { buffer.setString(area.x, y, L.t("order_detail.no_payments"), style: Theme.muted); y += 1 }
        for p in payments.prefix(4) {
            let status = order.returns.contains { $0.paymentId == p.id } ? L.t("order_detail.payment.refunded_return") : Words.paymentStatus(p.status)
            var pieces = [L.t("order_detail.payment", ["method": Words.method(p.method), "amount": Format.money(p.amount, currency), "status": status])]
            if p.change > 0 { pieces.append(L.t("order_detail.payment.change", ["tendered": Format.money(p.tendered ?? 0, currency), "change": Format.money(p.change, currency)])) }
            y += buffer.setPieces(pieces, x: area.x, y: y, width: area.width, separator: " ")
        }
        y += 1
        buffer.setString(area.x, y, L.t("order_detail.deliver_to"), style: Theme.header)
        let name = "\(order.firstName) \(order.lastName)".trimmingCharacters(in: .whitespaces)
        // Each value its own run: phone, email and postal code stay left to right in Persian.
        buffer.setPieces([name.isEmpty ? L.t("order_detail.walk_in") : name, order.phone, order.email], x: area.x, y: y + 1, width: area.width,
                         separator: " · ", leftToRight: [false, true, true])
        buffer.setPieces([order.address, order.postalCode, order.deliveryDate.isEmpty ? "" : L.t("checkout.deliver_on", ["date": Format.day(order.deliveryDate)])],
                         x: area.x, y: y + 2, width: area.width, separator: " · ", leftToRight: [false, true, false])
        if !order.note.isEmpty { buffer.setString(area.x, y + 3, L.t("order_detail.note", ["note": order.note]), style: Theme.muted, maxWidth: area.width) }
        paymentForm?.render(into: &buffer, area: area, balance: order.balance, currency: currency)
    }

}
