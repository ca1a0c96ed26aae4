import Foundation
import ShopEngine

/// One order: status and its history, lines, payments, delivery details; cancel where allowed.
/// Staff also mark it sent or delivered, record payments and print the receipt.
struct OrderDetailScreen: Screen {
    let orderID: Int64
    var title: String
    private var order: Order?
    private var payments: [PaymentService.Payment] = []
    private var busy = false
    private var paymentForm: PaymentEntry?
    private var loadFailed = false
    var isLoading: Bool { order == nil && !loadFailed }

    init(orderID: Int64, number: String) {
        self.orderID = orderID
        self.title = "Order \(number)"
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
        guard isStaff else { return cancel ? [KeyBinding(keys: [.char("x")], help: "cancel order")] : [] }
        var keys = cancel ? [KeyBinding(keys: [.char("x")], help: "cancel")] : []
        if open { keys.append(KeyBinding(keys: [.char("n")], help: "sent/delivered")) }
        keys += [KeyBinding(keys: [.char("$")], help: "pay"), KeyBinding(keys: [.char("m")], help: "payments")]
        if order.status == .delivered { keys.append(KeyBinding(keys: [.char("t")], help: "return")) }
        keys.append(KeyBinding(keys: [.char("r")], help: "receipt"))
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
                    .map { "Order \(order.number) cancelled · " + $0.replacingOccurrences(of: " after cancelling", with: "").replacingOccurrences(of: " once the order is cancelled", with: "") }
                    ?? "Order \(order.number) cancelled; its items are back in stock"
                context.run { Changed(result: Result { try shop.orders.cancel(id: id, caller: caller) }, message: message) }
            case .mark(let next):
                context.run { Changed(result: Result { try shop.orders.updateStatus(id: id, to: next, caller: caller) }, message: "Marked \(next.rawValue)") }
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
            guard order.canBeCancelled else { context.say("A \(order.status.rawValue) order can no longer be cancelled", aboutState: true); return true }
            context.confirm("Cancel order \(order.number)? Its items go back in stock.", yes: "cancel the order",
                            detail: OrderPaymentsScreen.cancelNote(payments: payments, staff: isStaff, currency: context.session.currency), then: Confirmed.cancel)
        case .char("n") where isStaff:
            let next: OrderStatus = order.status == .sent ? .delivered : .sent
            context.confirm("Mark order \(order.number) \(next.rawValue)?", yes: "mark \(next.rawValue)", then: Confirmed.mark(next))
        case .char("$") where isStaff:
            paymentForm = PaymentEntry(order: order, currency: context.session.currency)
        case .char("m") where isStaff:
            context.go(.push(OrderPaymentsScreen(orderID: id, number: order.number)))
        case .char("t") where isStaff:
            guard order.status == .delivered else { context.say("Only a delivered order takes returns (this one is \(order.status.rawValue))"); return true }
            guard order.items.contains(where: { $0.returnedQuantity < $0.quantity }) else { context.say("Everything on this order is already back"); return true }
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
        guard let order else { buffer.setString(area.x, area.y, "Loading…", style: Theme.muted); return }
        let currency = session.currency
        var y = area.y
        var x = buffer.setString(area.x, y, "\(order.number)  ", style: Theme.title)
        x = buffer.setString(x, y, " \(order.status.rawValue.uppercased()) ", style: order.status == .cancelled ? Theme.errorBanner : Theme.success)
        buffer.setString(x + 2, y, "placed \(Format.timestamp(order.createdAt)) · \(order.paymentMethod.label)\(order.channel == .counter ? " · counter sale" : "")", style: Theme.muted, maxWidth: area.right - x - 2)
        // Why it is cancelled (it expired unpaid), or until when it waits for the payment.
        if let reason = order.statusReason {
            buffer.setString(area.x, y + 1, reason, style: Theme.error, maxWidth: area.width)
        } else if let expiresAt = order.expiresAt {
            buffer.setString(area.x, y + 1, "Pay by \(Format.timestamp(expiresAt)), or the order is cancelled and its items go back on sale", style: Theme.muted, maxWidth: area.width)
        }
        y += 2
        let width = min(area.width, 72)
        let (linesArea, _) = Rect(x: area.x, y: y, width: width, height: min(order.items.count + 1, 8)).splitTop(min(order.items.count + 1, 8))
        // Returned goods get their own column, only on an order that has returns.
        let returned = !order.returns.isEmpty
        Table(columns: [.init("Item", width: .fill(1)), .numeric("Qty", width: 5)] + (returned ? [.numeric("Back", width: 5)] : [])
                + [.numeric("Price", width: 12), .numeric("Total", width: 13)],
              rows: order.items.map { [$0.name, "\($0.quantity)"] + (returned ? [$0.returnedQuantity > 0 ? "\($0.returnedQuantity)" : ""] : [])
                + [currency.format($0.unitPrice), currency.format($0.lineTotal)] })
            .render(into: &buffer, area: linesArea, state: ListState(selected: nil))
        y += linesArea.height + 1
        // Each amount with its label is one piece; pieces that do not fit go to the next line.
        var totals = ["Subtotal \(currency.format(order.subtotal))"]
        if order.discount > 0 { totals.append("Discount −\(currency.format(order.discount)) (\(order.couponCode ?? ""))") }
        totals += ["Total \(currency.format(order.total, withCode: true))", "Paid \(currency.format(order.paid))"]
        if order.balance > 0 && order.status != .cancelled { totals.append("Due \(currency.format(order.balance))") }
        if order.refunded > 0 { totals.append("Refunded \(currency.format(order.refunded))") }
        y += buffer.setPieces(totals, x: area.x, y: y, width: area.width, style: Theme.title) + 1
        buffer.setString(area.x, y, "Payments", style: Theme.header)
        y += 1
        if payments.isEmpty { buffer.setString(area.x, y, "none yet", style: Theme.muted); y += 1 }
        for p in payments.prefix(4) {
            let status = order.returns.contains { $0.paymentId == p.id } ? "refunded for a return" : p.status.rawValue
            var pieces = ["\(p.method.label): \(currency.format(p.amount)) — \(status)"]
            if p.change > 0 { pieces.append("(tendered \(currency.format(p.tendered ?? 0)), change \(currency.format(p.change)))") }
            y += buffer.setPieces(pieces, x: area.x, y: y, width: area.width, separator: " ")
        }
        y += 1
        buffer.setString(area.x, y, "Deliver to", style: Theme.header)
        let name = "\(order.firstName) \(order.lastName)".trimmingCharacters(in: .whitespaces)
        buffer.setString(area.x, y + 1, [name.isEmpty ? "walk-in customer" : name, order.phone, order.email].filter { !$0.isEmpty }.joined(separator: " · "), maxWidth: area.width)
        buffer.setString(area.x, y + 2, [order.address, order.postalCode, order.deliveryDate.isEmpty ? "" : "on \(order.deliveryDate)"].filter { !$0.isEmpty }.joined(separator: " · "), maxWidth: area.width)
        if !order.note.isEmpty { buffer.setString(area.x, y + 3, "Note: \(order.note)", style: Theme.muted, maxWidth: area.width) }
        paymentForm?.render(into: &buffer, area: area, balance: order.balance, currency: currency)
    }
}
