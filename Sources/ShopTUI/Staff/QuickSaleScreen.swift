import ShopEngine

/// The counter: scan or type barcodes and SKUs, change quantities, take payment (cash with
/// change, card, transfer, or split across them), then show and print the receipt.
///
/// One `Mode` at a time, each panel a child model with its own `handle` and `render`
/// (`QuickSale/`). Taking payment starts with the engine's quote, so a price or stock changed
/// on another terminal is shown before any money is taken; the sale is then one engine call
/// (`orders.counterSale`): all of it is sold or none of it, and a refusal keeps the sale here.
///
/// The code field always has focus and no keystroke is dropped: codes entered while a lookup
/// runs wait in a queue and are looked up in order, one at a time. Keys typed while a choice
/// is open (variant, customer) or the engine is asked keep going to the code field.
struct QuickSaleScreen: Screen {
    var title: String { "Quick sale" }

    enum Mode {
        case scanning
        case choosingVariant(VariantPicker)
        case findingCustomer(CustomerFinder)
        /// Asking the engine for today's prices and stock before payment; after the engine
        /// refused the sale, `refusal` says why.
        case quoting(refusal: String?)
        case takingPayment(PaymentPanel)
        /// The sale is with the engine.
        case completing(PaymentPanel)
        case receipt(SaleReceipt)
    }

    private var mode = Mode.scanning
    private var sale = Sale()
    private var scanner = ScanQueue()
    private var list = ListState(selected: nil)
    /// A product with variants looked up while another panel was open: its choice (and the
    /// queue behind it) waits until the counter is back to scanning.
    private var pendingChoice: VariantPicker?
    private var confirmingLeave = false

    private struct Looked: Sendable { let code: String; let quantity: Int64; let result: Outcome<Product> }
    private struct Found: Sendable { let query: String; let result: Outcome<AdminService.UserPage> }
    private struct Quoted: Sendable { let result: Outcome<CounterQuote> }
    private struct Completed: Sendable { let result: Outcome<CounterSale>; let receipt: String?; let printed: Outcome<String>? }
    private struct Printed: Sendable { let result: Outcome<String> }

    // MARK: - Keys

    var bindings: [KeyBinding] {
        switch mode {
        case .receipt: return SaleReceipt.bindings
        case .findingCustomer: return CustomerFinder.bindings
        case .takingPayment, .completing: return PaymentPanel.bindings
        case .choosingVariant: return VariantPicker.bindings
        case .scanning, .quoting:
            return [KeyBinding(keys: [.enter], help: "add / pay"), KeyBinding(keys: [.char("+"), .char("-")], label: "+/-", help: "qty"),
                    KeyBinding(keys: [.delete], help: "remove"), KeyBinding(keys: [.up, .down], label: "↑↓", help: "line", showsInFooter: false),
                    KeyBinding(keys: [.function(2), .ctrl("f")], label: "F2", help: "customer"), KeyBinding(keys: [.function(5)], help: "pay")]
        }
    }
    var capturesText: Bool { if case .receipt = mode { false } else { true } }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let looked as Looked): self.looked(looked, &context)
        case .result(let found as Found):
            guard case .findingCustomer(var finder) = mode else { break }
            if let error = finder.found(found.query, found.result) { context.fail(error) }
            mode = .findingCustomer(finder)
        case .result(let quoted as Quoted): self.quoted(quoted, &context)
        case .result(let completed as Completed): self.completed(completed, &context)
        case .result(let printed as Printed):
            switch printed.result {
            case .success(let message):
                if case .receipt(var receipt) = mode { receipt.printed = message; mode = .receipt(receipt) }
                context.say(message, .success)
            case .failure(let error): context.fail(error)
            }
        case .key(let key): return self.key(key, &context)
        default: break
        }
        return true
    }

    private mutating func key(_ key: Key, _ context: inout ScreenContext) -> Bool {
        let leaving = key == .escape && confirmingLeave
        confirmingLeave = false
        switch mode {
        case .scanning:
            return scanKey(key, &context, leaving: leaving)
        case .quoting, .completing:
            typeAhead(key, &context)   // the scanner goes on for the next codes
        case .choosingVariant(var picker):
            switch picker.handle(key, typing: !scanner.code.isEmpty) {
            case .none: mode = .choosingVariant(picker)
            case .typed(let key): typeAhead(key, &context)
            case .chosen(let variant, let quantity):
                mode = .scanning
                add(picker.product, variant: variant, quantity: quantity, &context)
                pump(&context)
            case .skipped:
                mode = .scanning
                context.say("\(picker.product.name) not added")
                pump(&context)
            }
        case .findingCustomer(var finder):
            switch finder.handle(key) {
            case .none: mode = .findingCustomer(finder)
            case .close: backToScanning(&context)
            case .walkIn:
                sale.customer = nil
                context.say("Walk-in customer")
                backToScanning(&context)
            case .chosen(let user):
                sale.customer = Sale.Customer(id: user.id, name: user.displayName, phone: user.phone ?? "")
                context.say("Sale for \(user.displayName)", .success)
                backToScanning(&context)
            case .search(let query):
                mode = .findingCustomer(finder)
                let shop = context.shop, caller = context.caller
                context.run { Found(query: query, result: Result { try shop.admin.findCustomer(phone: query, caller: caller) }) }
            }
        case .takingPayment(var panel):
            switch panel.handle(key, sale: &sale, currency: context.session.currency) {
            case .none: mode = .takingPayment(panel)
            case .back: backToScanning(&context)
            case .complete: complete(panel, &context)
            case .scanned(let code):
                mode = .scanning
                scanner.enqueue(code)
                context.say("That looked like a barcode: it is added to the sale")
                pump(&context)
            }
        case .receipt(var receipt):
            switch receipt.handle(key) {
            case .none: mode = .receipt(receipt)
            case .leave: return false
            case .print:
                let settings = context.session.settings, text = receipt.receipt, name = receipt.sale.order.number
                context.run { Printed(result: Result { try ReceiptPrinter(settings: settings).print(text, name: name) }) }
            case .newSale(let key):
                newSale()
                if key == .enter {
                    if !scanner.code.isEmpty { enqueue(&context) }
                } else {
                    _ = scanner.code.handle(key)
                }
                pump(&context)
            }
        }
        return true
    }

    private mutating func scanKey(_ key: Key, _ context: inout ScreenContext, leaving: Bool) -> Bool {
        switch key {
        case .enter where !scanner.code.isEmpty:
            enqueue(&context)
        case .enter, .function(5):
            startPayment(&context)
        case .char("+") where scanner.code.isEmpty, .char("-") where scanner.code.isEmpty:
            guard let i = list.selected else { return true }
            do { try sale.changeQuantity(at: i, by: key == .char("+") ? 1 : -1) } catch { context.fail(error) }
        case .up: list.moveSelection(by: -1, count: sale.lines.count)
        case .down: list.moveSelection(by: 1, count: sale.lines.count)
        case .delete where scanner.code.isEmpty:
            guard let i = list.selected, sale.lines.indices.contains(i) else { return true }
            let name = sale.lines[i].name
            sale.remove(at: i)
            list.select(min(i, sale.lines.count - 1), count: sale.lines.count)
            context.say("Removed \(name)")
        case .function(2), .ctrl("f"):
            mode = .findingCustomer(CustomerFinder())
        case .escape:
            if !scanner.code.isEmpty { scanner.code.setText(""); return true }
            if leaving || (sale.lines.isEmpty && scanner.isIdle) { return false }
            confirmingLeave = true
            context.say("Press Esc again to discard this sale and leave")
        default:
            _ = scanner.code.handle(key)
        }
        return true
    }

    private mutating func typeAhead(_ key: Key, _ context: inout ScreenContext) {
        do { try scanner.typeAhead(key) } catch { context.fail(error) }
    }

    // MARK: - Codes

    private mutating func enqueue(_ context: inout ScreenContext) {
        do { try scanner.enqueueField() } catch { context.fail(error); return }
        pump(&context)
    }

    /// While scanning: opens a choice that waited, or starts the next lookup, or — the queue
    /// done — takes payment if it was asked for meanwhile.
    private mutating func pump(_ context: inout ScreenContext) {
        guard case .scanning = mode else { return }
        if let picker = pendingChoice {
            pendingChoice = nil
            mode = .choosingVariant(picker)
            return
        }
        if let next = scanner.startNext() {
            let shop = context.shop, caller = context.caller
            context.run { Looked(code: next.code, quantity: next.quantity, result: Result { try shop.catalog.product(code: next.code, caller: caller) }) }
        } else if scanner.isIdle, scanner.payWhenReady {
            scanner.payWhenReady = false
            startPayment(&context)
        }
    }

    private mutating func looked(_ looked: Looked, _ context: inout ScreenContext) {
        scanner.finished()
        switch looked.result {
        case .success(let product) where product.isForSale && !product.variants.isEmpty:
            pendingChoice = VariantPicker(product: product, quantity: looked.quantity)   // the queue waits for the choice
        case .success(let product):
            add(product, variant: nil, quantity: looked.quantity, &context)
        case .failure(let error):
            scanner.payWhenReady = false
            context.fail(error)
        }
        pump(&context)
    }

    private mutating func add(_ product: Product, variant: Product.Variant?, quantity: Int64, _ context: inout ScreenContext) {
        do {
            let index = try sale.add(product, variant: variant, quantity: quantity)
            list.select(index, count: sale.lines.count)
        } catch {
            scanner.payWhenReady = false
            context.fail(error)
        }
    }

    private mutating func backToScanning(_ context: inout ScreenContext) {
        mode = .scanning
        pump(&context)
    }

    // MARK: - Payment

    /// Enter on an empty code or F5: once every code is looked up, the engine prices the lines
    /// (a price or stock changed elsewhere shows up here), then the payment panel opens.
    private mutating func startPayment(_ context: inout ScreenContext) {
        guard !sale.lines.isEmpty || !scanner.isIdle || pendingChoice != nil else { context.say("Scan or type a barcode or SKU first"); return }
        guard scanner.isIdle, pendingChoice == nil else {
            scanner.payWhenReady = true
            return
        }
        quote(refusal: nil, &context)
    }

    private mutating func quote(refusal: String?, _ context: inout ScreenContext) {
        mode = .quoting(refusal: refusal)
        let items = sale.items, shop = context.shop, caller = context.caller
        context.run { Quoted(result: Result { try shop.orders.counterQuote(lines: items, caller: caller) }) }
    }

    private mutating func quoted(_ quoted: Quoted, _ context: inout ScreenContext) {
        guard case .quoting(let refusal) = mode else { return }
        let changes: [Sale.PriceChange]
        do {
            changes = try sale.apply(try quoted.result.get())
        } catch {
            backToScanning(&context)
            context.fail(error)
            if let refusal { context.notice = ("Not sold: \(refusal). \(ScreenContext.describe(error))", .error) }
            return
        }
        if let short = sale.lines.first(where: \.isShort) {
            // Back to the lines, with the fresh stock figures marking the short ones in red.
            backToScanning(&context)
            let message = refusal.map { "Not sold: \($0) — lower or remove the line in red" }
                ?? (short.stock <= 0 ? "\(short.name) is out of stock: remove the line" : "Only \(short.stock) of \(short.name) in stock: lower the quantity")
            context.fail(ShopError(.conflict, "out_of_stock", message))
            return
        }
        guard scanner.isIdle else {
            // Codes scanned while the engine was asked belong to this sale: add them first.
            scanner.payWhenReady = true
            backToScanning(&context)
            return
        }
        // The panel lists each changed price; the notice says what happened.
        mode = .takingPayment(PaymentPanel(changes: changes))
        if let refusal {
            context.fail(ShopError(.conflict, "not_sold", "Not sold: \(refusal)"))
        } else if !changes.isEmpty {
            context.fail(ShopError(.conflict, "price_changed", "Price\(changes.count == 1 ? "" : "s") changed since scanning: the total is now \(context.session.currency.format(sale.total, withCode: true))"))
        }
    }

    private mutating func complete(_ panel: PaymentPanel, _ context: inout ScreenContext) {
        mode = .completing(panel)
        let request = sale.request, shop = context.shop, caller = context.caller, settings = context.session.settings
        context.run {
            let result = Result { try shop.orders.counterSale(request, caller: caller) }
            guard case .success(let sold) = result else { return Completed(result: result, receipt: nil, printed: nil) }
            let text = Receipt(storeName: shop.storeName(), order: sold.order, payments: sold.payments, currency: shop.currency).text
            return Completed(result: result, receipt: text, printed: Result { try ReceiptPrinter(settings: settings).print(text, name: sold.order.number) })
        }
    }

    private mutating func completed(_ completed: Completed, _ context: inout ScreenContext) {
        guard case .completing(let panel) = mode else { return }
        let sold: CounterSale
        switch completed.result {
        case .success(let value): sold = value
        case .failure(let error as ShopError) where !ScreenContext.isRefusal(error):
            // The engine refused the sale and wrote nothing: fresh prices and stock show why.
            quote(refusal: error.message, &context)
            return
        case .failure(let error):
            // Nothing is known to be sold: the same tenders, the same key — Enter asks again.
            mode = .takingPayment(panel)
            context.fail(error)
            return
        }
        mode = .receipt(SaleReceipt(sale: sold, receipt: completed.receipt ?? "", customerName: sale.customer?.name))
        let change = sold.change > 0 ? " · change \(context.session.money(sold.change))" : ""
        let number = sold.order.number
        switch completed.printed {
        case .success(let message)?:
            if case .receipt(var receipt) = mode { receipt.printed = message; mode = .receipt(receipt) }
            context.say("Sale \(number) complete\(change) · \(message)", .success)
        case .failure(let error)?:
            context.fail(ShopError(.unavailable, "printer_failed", "Sale \(number) complete\(change), but the receipt was not printed: \(ScreenContext.describe(error)) — Ctrl-P tries again"))
        case nil:
            context.say("Sale \(number) complete\(change)", .success)
        }
    }

    private mutating func newSale() {
        sale = Sale()
        mode = .scanning
        scanner.payWhenReady = false
        list = ListState(selected: nil)
    }

    // MARK: - Render

    private struct Areas { let code: Rect; let status: Rect; let table: Rect; let totals: Rect }

    private func areas(_ area: Rect) -> Areas {
        let (top, rest) = area.splitTop(2)
        let (table, totals) = rest.splitBottom(2)
        return Areas(code: Rect(x: top.x + 6, y: top.y, width: min(32, max(0, top.width - 6)), height: 1), status: top.row(1),
                     table: table, totals: totals)
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let currency = session.currency
        if case .receipt(let receipt) = mode { receipt.render(into: &buffer, area: area, currency: currency); return }
        renderSale(into: &buffer, area: area, currency: currency)
        switch mode {
        case .choosingVariant(let picker): picker.render(into: &buffer, area: area, currency: currency)
        case .findingCustomer(let finder): finder.render(into: &buffer, area: area)
        case .takingPayment(let panel): panel.render(into: &buffer, area: area, sale: sale, currency: currency)
        case .completing(let panel):
            panel.render(into: &buffer, area: area, sale: sale, currency: currency)
            renderWaiting("Completing the sale…", into: &buffer, area: area)
        case .quoting: renderWaiting("Checking prices and stock…", into: &buffer, area: area)
        case .scanning, .receipt: break
        }
    }

    private func renderWaiting(_ text: String, into buffer: inout Buffer, area: Rect) {
        let box = area.centered(width: 34, height: 3)
        buffer.fill(box)
        Block().render(into: &buffer, area: box)
        buffer.setLine(text, in: box.inner(1), style: Theme.title, alignment: .center)
    }

    /// The code field, the status line, the lines and the total.
    private func renderSale(into buffer: inout Buffer, area: Rect, currency: Currency) {
        let a = areas(area)
        buffer.setString(area.x, area.y, "Code", style: Theme.title)
        TextField(placeholder: "scan or type a barcode / SKU", isFocused: true).render(into: &buffer, area: a.code, state: scanner.code)
        let who = sale.customer.map { "Customer: \($0.name)" } ?? "Customer: walk-in (F2)"
        buffer.setString(max(a.code.right + 2, area.right - TextWidth.of(who)), area.y, who, style: sale.customer == nil ? Theme.muted : Theme.title)

        let status = scanner.status ?? "N*CODE adds N · Enter on an empty code (or F5) takes payment"
        buffer.setString(a.status.x, a.status.y, status, style: scanner.status == nil ? Theme.muted : Theme.title, maxWidth: a.status.width)

        let rows = sale.lines.map { line -> [String] in
            let stock = line.stock <= 0 ? "sold out" : line.isShort ? "only \(line.stock) left" : "\(line.stock) in stock"
            return [line.name, "\(line.quantity)", currency.format(line.unitPrice), currency.format(line.total), stock]
        }
        Table(columns: [.init("Item", width: .fill(1)), .numeric("Qty", width: 4), .numeric("Price", width: 10), .numeric("Total", width: 11), .init("Stock", width: .length(13))],
              rows: rows, emptyText: "Nothing scanned yet").render(into: &buffer, area: a.table, state: list)
        let offset = list.visibleOffset(rows: a.table.height - 1, count: sale.lines.count)
        for (i, line) in sale.lines.enumerated() where line.isShort {
            let y = a.table.y + 1 + i - offset
            if y > a.table.y && y < a.table.bottom { buffer.setStyle(Rect(x: a.table.right - 13, y: y, width: 13, height: 1), Theme.error) }
        }

        buffer.setString(a.totals.x, a.totals.y, String(repeating: "─", count: a.totals.width), style: Theme.border)
        let count = "\(sale.itemCount) item\(sale.itemCount == 1 ? "" : "s")" + (sale.lines.count > 1 ? " on \(sale.lines.count) lines" : "")
        buffer.setString(a.totals.x, a.totals.y + 1, count, style: Theme.muted)
        let total = "TOTAL  \(currency.format(sale.total, withCode: true))"
        buffer.setString(a.totals.right - TextWidth.of(total), a.totals.y + 1, total, style: Theme.title)
    }

    func cursor(in area: Rect) -> (x: Int, y: Int)? {
        switch mode {
        case .receipt, .completing: return nil
        case .findingCustomer(let finder): return finder.cursor(in: area)
        case .takingPayment(let panel): return panel.cursor(in: area, tenders: sale.tenders.count)
        case .scanning, .quoting, .choosingVariant: return TextField(isFocused: true).cursorPosition(area: areas(area).code, state: scanner.code)
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        let w = TextWidth.of(self)
        return w >= width ? self : String(repeating: " ", count: width - w) + self
    }
}
