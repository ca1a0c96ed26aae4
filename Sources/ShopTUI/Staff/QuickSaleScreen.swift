import ShopEngine

/// The counter: scan or type barcodes and SKUs, change quantities, take payment (cash with
/// change, card, transfer, or split across them), then show and print the receipt.
///
/// The code field always has focus and no keystroke is dropped: codes entered while a lookup
/// runs wait in a queue and are looked up in order, one at a time. Keys typed while a choice
/// is open (variant, customer) or the sale is being sent keep going to the code field.
struct QuickSaleScreen: Screen {
    var title: String { "Quick sale" }

    private var sale = Sale()
    private var code = TextFieldState(maxLength: 64)
    private var list = ListState(selected: nil)
    /// Codes entered and not yet looked up, oldest first.
    private var queue: [(code: String, quantity: Int64)] = []
    private var lookingUp: String?
    /// Enter (or F5) came while codes were still being looked up: open the payment after them.
    private var payWhenReady = false
    private var picker: VariantPicker?
    private var finder: CustomerFinder?
    private var payment: PaymentPanel?
    private var completing = false
    /// The order placed for this sale while one of its payments failed: the lines are then final.
    private var placed: Order?
    private var done: Done?
    private var confirmingLeave = false

    static let methods: [PaymentMethod] = [.cash, .card, .transfer]

    private struct VariantPicker { let product: Product; var quantity: Int64; var list: ListState }
    private struct CustomerFinder {
        var phone = TextFieldState(maxLength: 20, filter: .phone)
        var results: [User] = []
        var list = ListState(selected: nil)
        var searchedFor: String?
    }
    private struct PaymentPanel { var method = 0; var amount = TextFieldState(maxLength: 16, filter: .decimal) }
    private struct Done { let order: Order; let payments: [PaymentService.Payment]; let receipt: String; var printed: String?; var scroll = 0 }

    private struct Looked: Sendable { let code: String; let quantity: Int64; let result: Outcome<Product> }
    private struct Found: Sendable { let query: String; let result: Outcome<AdminService.UserPage> }
    private struct Completed: Sendable { let outcome: CounterCheckout.Outcome; let receipt: String?; let printed: Outcome<String>? }
    private struct Refreshed: Sendable { let products: [Product] }
    private struct Printed: Sendable { let result: Outcome<String> }

    // MARK: - Keys

    var bindings: [KeyBinding] {
        if done != nil {
            return [KeyBinding(keys: [.enter], label: "Enter/scan", help: "new sale"), KeyBinding(keys: [.ctrl("p")], help: "print again"),
                    KeyBinding(keys: [.up, .down], label: "↑↓", help: "scroll receipt")]
        }
        if finder != nil {
            return [KeyBinding(keys: [.enter], help: "search / choose"), KeyBinding(keys: [.up, .down], label: "↑↓", help: "move"),
                    KeyBinding(keys: [.delete], help: "walk-in"), KeyBinding(keys: [.escape], help: "close")]
        }
        if payment != nil {
            return [KeyBinding(keys: [.tab], label: "Tab/←→", help: "method"), KeyBinding(keys: [.enter], help: "take payment"),
                    KeyBinding(keys: [.backspace], label: "Backspace", help: "undo last"), KeyBinding(keys: [.escape], help: "back to sale")]
        }
        if picker != nil {
            return [KeyBinding(keys: [.up, .down], label: "↑↓", help: "variant"), KeyBinding(keys: [.enter], help: "choose"), KeyBinding(keys: [.escape], help: "skip")]
        }
        return [KeyBinding(keys: [.enter], help: "add / pay"), KeyBinding(keys: [.char("+"), .char("-")], label: "+/-", help: "qty"),
                KeyBinding(keys: [.delete], help: "remove"), KeyBinding(keys: [.up, .down], label: "↑↓", help: "line", showsInFooter: false),
                KeyBinding(keys: [.function(2), .ctrl("f")], label: "F2", help: "customer"), KeyBinding(keys: [.function(5)], help: "pay")]
    }
    var capturesText: Bool { done == nil }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let looked as Looked): self.looked(looked, &context)
        case .result(let found as Found): self.found(found, &context)
        case .result(let completed as Completed): self.completed(completed, &context)
        case .result(let refreshed as Refreshed): sale.refreshStock(refreshed.products)
        case .result(let printed as Printed):
            switch printed.result {
            case .success(let message): done?.printed = message; context.say(message, .success)
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
        if done != nil { return doneKey(key, &context) }
        if completing { typeAhead(key, &context); return true }
        if finder != nil { finderKey(key, &context); return true }
        if payment != nil { paymentKey(key, &context); return true }
        if picker != nil { pickerKey(key, &context); return true }
        return scanKey(key, &context, leaving: leaving)
    }

    private mutating func scanKey(_ key: Key, _ context: inout ScreenContext, leaving: Bool) -> Bool {
        switch key {
        case .enter where !code.isEmpty:
            enqueue(&context)
        case .enter, .function(5):
            startPayment(&context)
        case .char("+") where code.isEmpty, .char("-") where code.isEmpty:
            guard editable(&context), let i = list.selected else { return true }
            do { try sale.changeQuantity(at: i, by: key == .char("+") ? 1 : -1) } catch { context.fail(error) }
        case .up: list.moveSelection(by: -1, count: sale.lines.count)
        case .down: list.moveSelection(by: 1, count: sale.lines.count)
        case .delete where code.isEmpty:
            guard editable(&context), let i = list.selected else { return true }
            let name = sale.lines[i].name
            sale.remove(at: i)
            list.select(min(i, sale.lines.count - 1), count: sale.lines.count)
            context.say("Removed \(name)")
        case .function(2), .ctrl("f"):
            finder = CustomerFinder()
        case .escape:
            if !code.isEmpty { code.setText(""); return true }
            if leaving || (sale.lines.isEmpty && queue.isEmpty && lookingUp == nil) { return false }
            confirmingLeave = true
            context.say("Press Esc again to discard this sale and leave")
        default:
            _ = code.handle(key)
        }
        return true
    }

    /// Keys while the sale is being sent: typing and scanning go on for the next sale.
    private mutating func typeAhead(_ key: Key, _ context: inout ScreenContext) {
        if key == .enter, !code.isEmpty { enqueue(&context) } else { _ = code.handle(key) }
    }

    private mutating func doneKey(_ key: Key, _ context: inout ScreenContext) -> Bool {
        guard let done else { return true }
        switch key {
        case .escape: return false
        case .up: self.done?.scroll = max(0, done.scroll - 1)
        case .down: self.done?.scroll = min(max(0, done.receipt.split(separator: "\n").count - 5), done.scroll + 1)
        case .ctrl("p"):
            let settings = context.session.settings, text = done.receipt, name = done.order.number
            context.run { Printed(result: Result { try ReceiptPrinter(settings: settings).print(text, name: name) }) }
        case .enter:
            newSale(&context)
            if !code.isEmpty { enqueue(&context) }
        case .char:
            newSale(&context)
            _ = code.handle(key)
        default: break
        }
        return true
    }

    /// The lines can change until an order exists for them.
    private func editable(_ context: inout ScreenContext) -> Bool {
        guard let placed else { return true }
        context.say("Order \(placed.number) is placed for these lines: F5 to take the rest of the payment", .error)
        return false
    }

    // MARK: - Codes

    private mutating func enqueue(_ context: inout ScreenContext) {
        guard let entry = Sale.parseCode(code.text) else {
            context.fail(ShopError(.invalid, "invalid_code", "Type a barcode or SKU, or N*CODE for N of them"))
            return
        }
        code.setText("")
        queue.append(entry)
        pump(&context)
    }

    /// Starts the next lookup when none is running and nothing waits for a choice.
    private mutating func pump(_ context: inout ScreenContext) {
        guard lookingUp == nil, picker == nil, done == nil, !completing, placed == nil else { return }
        guard !queue.isEmpty else {
            if payWhenReady { payWhenReady = false; startPayment(&context) }
            return
        }
        let next = queue.removeFirst()
        lookingUp = next.code
        let shop = context.shop, caller = context.caller
        context.run { Looked(code: next.code, quantity: next.quantity, result: Result { try shop.catalog.product(code: next.code, caller: caller) }) }
    }

    private mutating func looked(_ looked: Looked, _ context: inout ScreenContext) {
        lookingUp = nil
        switch looked.result {
        case .success(let product) where product.isForSale && !product.variants.isEmpty:
            let firstInStock = product.variants.firstIndex { $0.stock > 0 } ?? 0
            picker = VariantPicker(product: product, quantity: looked.quantity, list: ListState(selected: firstInStock))
            return   // the queue waits for the choice
        case .success(let product):
            add(product, variant: nil, quantity: looked.quantity, &context)
        case .failure(let error):
            payWhenReady = false
            context.fail(error)
        }
        pump(&context)
    }

    private mutating func add(_ product: Product, variant: Product.Variant?, quantity: Int64, _ context: inout ScreenContext) {
        do {
            let index = try sale.add(product, variant: variant, quantity: quantity)
            list.select(index, count: sale.lines.count)
        } catch {
            payWhenReady = false
            context.fail(error)
        }
    }

    private mutating func pickerKey(_ key: Key, _ context: inout ScreenContext) {
        guard var picker else { return }
        switch key {
        case .up: picker.list.moveSelection(by: -1, count: picker.product.variants.count)
        case .down: picker.list.moveSelection(by: 1, count: picker.product.variants.count)
        case .char("+") where code.isEmpty: picker.quantity = min(999, picker.quantity + 1)
        case .char("-") where code.isEmpty: picker.quantity = max(1, picker.quantity - 1)
        case .enter where !code.isEmpty:
            enqueue(&context)   // scanned while choosing: waits its turn
        case .enter:
            self.picker = nil
            if let i = picker.list.selected, picker.product.variants.indices.contains(i) {
                add(picker.product, variant: picker.product.variants[i], quantity: picker.quantity, &context)
            }
            pump(&context)
            return
        case .escape:
            self.picker = nil
            context.say("\(picker.product.name) not added")
            pump(&context)
            return
        default:
            _ = code.handle(key)
        }
        self.picker = picker
    }

    // MARK: - Customer

    private mutating func finderKey(_ key: Key, _ context: inout ScreenContext) {
        guard var finder else { return }
        switch key {
        case .escape:
            self.finder = nil
            return
        case .up: finder.list.moveSelection(by: -1, count: finder.results.count)
        case .down: finder.list.moveSelection(by: 1, count: finder.results.count)
        case .delete where finder.phone.isEmpty:
            self.finder = nil
            sale.customer = nil
            context.say("Walk-in customer")
            return
        case .enter:
            let query = finder.phone.text.filter { $0 != " " && $0 != "-" }
            if finder.searchedFor == query, let i = finder.list.selected, finder.results.indices.contains(i) {
                let user = finder.results[i]
                sale.customer = Sale.Customer(id: user.id, name: user.displayName, phone: user.phone ?? "")
                self.finder = nil
                context.say("Sale for \(user.displayName)", .success)
                return
            }
            guard query.count >= 3 else { finder.phone.error = "Type at least 3 digits of the phone"; break }
            finder.searchedFor = query
            finder.results = []
            let shop = context.shop, caller = context.caller
            context.run { Found(query: query, result: Result { try shop.admin.findCustomer(phone: query, caller: caller) }) }
        default:
            _ = finder.phone.handle(key)
        }
        self.finder = finder
    }

    private mutating func found(_ found: Found, _ context: inout ScreenContext) {
        guard finder?.searchedFor == found.query else { return }
        switch found.result {
        case .success(let page):
            finder?.results = page.items
            finder?.list = ListState(selected: page.items.isEmpty ? nil : 0)
            if page.items.isEmpty { finder?.phone.error = "No customer with that phone — Esc keeps the sale walk-in" }
        case .failure(let error as ShopError) where error.field == "phone":
            finder?.phone.error = error.message
        case .failure(let error):
            context.fail(error)
        }
    }

    // MARK: - Payment

    private mutating func startPayment(_ context: inout ScreenContext) {
        guard !sale.lines.isEmpty || lookingUp != nil || !queue.isEmpty else { context.say("Scan or type a barcode or SKU first"); return }
        if lookingUp != nil || !queue.isEmpty || picker != nil {
            payWhenReady = true
            return
        }
        if let short = sale.lines.first(where: \.isShort) {
            context.fail(ShopError(.conflict, "out_of_stock", short.stock <= 0 ? "\(short.name) is out of stock: remove the line" : "Only \(short.stock) of \(short.name) in stock: lower the quantity"))
            return
        }
        payment = PaymentPanel()
        if sale.isCovered { complete(&context) }   // a retry after a failed payment
    }

    private mutating func paymentKey(_ key: Key, _ context: inout ScreenContext) {
        guard var panel = payment else { return }
        let currency = context.session.currency
        switch key {
        case .escape:
            payment = nil
            if placed == nil { sale.tenders = [] }
            return
        case .tab, .right: panel.method = (panel.method + 1) % Self.methods.count
        case .backTab, .left: panel.method = (panel.method + Self.methods.count - 1) % Self.methods.count
        case .backspace where panel.amount.isEmpty && placed == nil && !sale.tenders.isEmpty:
            sale.tenders.removeLast()
        case .enter, .function(5):
            if sale.isCovered { payment = panel; complete(&context); return }
            let text = panel.amount.text
            if Self.looksScanned(text) {
                // A barcode scanned into the amount: it belongs to the sale, not the till.
                payment = nil
                sale.tenders = []
                queue.append((text, 1))
                context.say("That looked like a barcode: it is added to the sale")
                pump(&context)
                return
            }
            guard let amount = text.isEmpty ? sale.due : currency.parseAmount(text) else {
                panel.amount.error = "Enter an amount like \(currency.format(1250))"
                break
            }
            do {
                try sale.take(Self.methods[panel.method], amount: amount, currency: currency)
                panel.amount.setText("")
            } catch {
                panel.amount.error = ScreenContext.describe(error)
            }
            payment = panel
            if sale.isCovered { complete(&context) }
            return
        default:
            _ = panel.amount.handle(key)
        }
        payment = panel
    }

    /// Twelve or more digits and no decimal point: a scanned barcode, not an amount of money.
    static func looksScanned(_ text: String) -> Bool { text.count >= 12 && text.allSatisfy(\.isNumber) }

    private mutating func complete(_ context: inout ScreenContext) {
        guard !completing else { return }
        completing = true
        let sale = self.sale, shop = context.shop, caller = context.caller, settings = context.session.settings
        context.run {
            let outcome = CounterCheckout.complete(sale, shop: shop, caller: caller)
            guard outcome.error == nil, let order = outcome.order else { return Completed(outcome: outcome, receipt: nil, printed: nil) }
            let text = Receipt(storeName: shop.storeName(), order: order, payments: outcome.payments, currency: shop.currency).text
            return Completed(outcome: outcome, receipt: text, printed: Result { try ReceiptPrinter(settings: settings).print(text, name: order.number) })
        }
    }

    private mutating func completed(_ completed: Completed, _ context: inout ScreenContext) {
        completing = false
        let outcome = completed.outcome
        if let error = outcome.error {
            placed = outcome.order
            if outcome.order == nil, let shopError = error as? ShopError, shopError.code == "out_of_stock" {
                // Nothing was sold: back to the lines, with fresh stock figures to show which ones are short.
                payment = nil
                sale.tenders = []
                let ids = sale.lines.map(\.productID), shop = context.shop, caller = context.caller
                context.run { Refreshed(products: ids.compactMap { try? shop.catalog.product(id: $0, caller: caller) }) }
                context.fail(ShopError(.conflict, "out_of_stock", "Not sold: \(shopError.message). Lower or remove the line marked in red"))
            } else if let order = outcome.order {
                context.fail(ShopError(.conflict, "payment_failed", "Order \(order.number) placed, but a payment failed: \(ScreenContext.describe(error)) — Enter tries again"))
            } else {
                context.fail(error)
            }
            pump(&context)
            return
        }
        guard let order = outcome.order else { return }
        payment = nil
        placed = nil
        done = Done(order: order, payments: outcome.payments, receipt: completed.receipt ?? "", printed: nil)
        let change = sale.change > 0 ? " · change \(context.session.money(sale.change))" : ""
        switch completed.printed {
        case .success(let message)?:
            done?.printed = message
            context.say("Sale \(order.number) complete\(change) · \(message)", .success)
        case .failure(let error)?:
            context.fail(ShopError(.unavailable, "printer_failed", "Sale \(order.number) complete\(change), but the receipt was not printed: \(ScreenContext.describe(error)) — Ctrl-P tries again"))
        case nil:
            context.say("Sale \(order.number) complete\(change)", .success)
        }
    }

    private mutating func newSale(_ context: inout ScreenContext) {
        sale = Sale()
        done = nil
        placed = nil
        payWhenReady = false
        list = ListState(selected: nil)
        pump(&context)
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
        if let done { renderDone(done, into: &buffer, area: area, session: session); return }
        let currency = session.currency
        let a = areas(area)
        buffer.setString(area.x, area.y, "Code", style: Theme.title)
        TextField(placeholder: "scan or type a barcode / SKU", isFocused: true).render(into: &buffer, area: a.code, state: code)
        let who = sale.customer.map { "Customer: \($0.name)" } ?? "Customer: walk-in (F2)"
        buffer.setString(max(a.code.right + 2, area.right - TextWidth.of(who)), area.y, who, style: sale.customer == nil ? Theme.muted : Theme.title)

        var status = "N*CODE adds N · Enter on an empty code (or F5) takes payment"
        var statusStyle = Theme.muted
        if let lookingUp {
            status = "Looking up \(lookingUp)…" + (queue.isEmpty ? "" : " · \(queue.count) more waiting")
            statusStyle = Theme.title
        } else if !queue.isEmpty {
            status = "\(queue.count) scanned code\(queue.count == 1 ? "" : "s") waiting"
            statusStyle = Theme.title
        } else if let placed {
            status = "Order \(placed.number) placed — F5 to finish the payment"
            statusStyle = Theme.error
        }
        buffer.setString(a.status.x, a.status.y, status, style: statusStyle, maxWidth: a.status.width)

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

        if let picker { renderPicker(picker, into: &buffer, area: area, currency: currency) }
        if let finder { renderFinder(finder, into: &buffer, area: area) }
        if let payment { renderPayment(payment, into: &buffer, area: area, currency: currency) }
        if completing {
            let box = area.centered(width: 34, height: 3)
            buffer.fill(box)
            Block().render(into: &buffer, area: box)
            buffer.setLine("Completing the sale…", in: box.inner(1), style: Theme.title, alignment: .center)
        }
    }

    private func renderPicker(_ picker: VariantPicker, into buffer: inout Buffer, area: Rect, currency: Currency) {
        let variants = picker.product.variants
        let box = area.centered(width: min(area.width, 56), height: min(area.height, variants.count + 4))
        buffer.fill(box)
        Block(title: "Which \(picker.product.name)?").render(into: &buffer, area: box)
        let inner = box.inner(1).inner(horizontal: 1, vertical: 0)
        let items = variants.map { v -> ListItem in
            let name = v.name.padding(toLength: max(v.name.count, 16), withPad: " ", startingAt: 0)
            return ListItem("\(name) \(currency.format(v.price).leftPadded(10))   \(v.stock <= 0 ? "sold out" : "\(v.stock) in stock")", style: v.stock <= 0 ? Theme.muted : .plain)
        }
        ListView(items: items).render(into: &buffer, area: Rect(x: inner.x, y: inner.y, width: inner.width, height: max(0, inner.height - 1)), state: picker.list)
        buffer.setString(inner.x, inner.bottom - 1, "↑↓ Enter choose · +/- quantity: \(picker.quantity) · Esc skip", style: Theme.muted, maxWidth: inner.width)
    }

    private func finderBox(_ area: Rect) -> Rect { area.centered(width: min(area.width, 60), height: min(area.height, 12)) }

    private func renderFinder(_ finder: CustomerFinder, into buffer: inout Buffer, area: Rect) {
        let box = finderBox(area)
        buffer.fill(box)
        Block(title: "Customer by phone").render(into: &buffer, area: box)
        let inner = box.inner(1).inner(horizontal: 1, vertical: 0)
        buffer.setString(inner.x, inner.y, "Phone", style: Theme.title)
        TextField(placeholder: "+1555…", isFocused: true).render(into: &buffer, area: Rect(x: inner.x + 7, y: inner.y, width: inner.width - 7, height: 2), state: finder.phone)
        let items = finder.results.map { ListItem("\($0.displayName) · \($0.phone ?? "")\($0.role == .customer ? "" : " (\($0.role.rawValue))")") }
        if !items.isEmpty {
            ListView(items: items).render(into: &buffer, area: Rect(x: inner.x, y: inner.y + 3, width: inner.width, height: max(0, inner.height - 4)), state: finder.list)
        }
        let hint = items.isEmpty ? "Enter searches · Del on empty: walk-in · Esc close" : "Enter chooses · Esc close"
        buffer.setString(inner.x, inner.bottom - 1, hint, style: Theme.muted, maxWidth: inner.width)
    }

    private func paymentBox(_ area: Rect) -> Rect { area.centered(width: min(area.width, 62), height: min(area.height, 11 + min(sale.tenders.count, 4))) }

    private func renderPayment(_ panel: PaymentPanel, into buffer: inout Buffer, area: Rect, currency: Currency) {
        let box = paymentBox(area)
        buffer.fill(box)
        Block(title: "Take payment").render(into: &buffer, area: box)
        let inner = box.inner(1).inner(horizontal: 1, vertical: 0)
        var y = inner.y
        buffer.setString(inner.x, y, "Total \(currency.format(sale.total))   Paid \(currency.format(sale.paid))   Due \(currency.format(sale.due, withCode: true))", style: Theme.title, maxWidth: inner.width)
        y += 2
        var x = buffer.setString(inner.x, y, "Method ", style: Theme.title)
        for (i, method) in Self.methods.enumerated() {
            x = buffer.setString(x, y, " \(method.label) ", style: i == panel.method ? Theme.selection : .plain) + 1
        }
        y += 2
        let method = Self.methods[panel.method]
        let label = method == .cash ? "Cash given" : "Amount"
        buffer.setString(inner.x, y, label, style: Theme.title)
        let field = Rect(x: inner.x + 12, y: y, width: 16, height: 2)
        TextField(placeholder: currency.format(sale.due), isFocused: true).render(into: &buffer, area: field, state: panel.amount)
        if method == .cash, let given = currency.parseAmount(panel.amount.text), given > sale.due {
            buffer.setString(field.right + 2, y, "Change \(currency.format(given - sale.due))", style: Theme.title, maxWidth: inner.right - field.right - 2)
        } else {
            buffer.setString(field.right + 2, y, panel.amount.isEmpty ? "empty: the amount due" : (method == .cash ? "" : "less than due: split"), style: Theme.muted, maxWidth: inner.right - field.right - 2)
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

    private func renderDone(_ done: Done, into buffer: inout Buffer, area: Rect, session: Session) {
        let currency = session.currency
        let receiptWidth = min(44, area.width / 2 + 4)
        let (left, right) = area.splitLeft(receiptWidth)
        Block(title: "Receipt").render(into: &buffer, area: left)
        let inner = left.inner(1).inner(horizontal: 1, vertical: 0)
        Receipt.render(done.receipt, into: &buffer, area: inner, scroll: done.scroll)
        let x = right.x + 2, width = max(0, right.width - 2)
        var y = right.y + 1
        buffer.setString(x, y, "✓ Sale \(done.order.number) complete", style: Theme.title, maxWidth: width)
        y += 2
        buffer.setString(x, y, "Total \(currency.format(done.order.total, withCode: true))", maxWidth: width)
        y += 1
        for p in done.payments {
            buffer.setString(x, y, "\(p.method.label) \(currency.format(p.amount))" + (p.tendered.map { $0 > p.amount ? " · given \(currency.format($0))" : "" } ?? ""), maxWidth: width)
            y += 1
        }
        y += 1
        let change = done.payments.reduce(Int64(0)) { $0 + $1.change }
        if change > 0 {
            buffer.setString(x, y, " CHANGE DUE  \(currency.format(change)) ", style: Theme.success.bold(), maxWidth: width)
            y += 2
        }
        if let customer = sale.customer { buffer.setString(x, y, "Customer: \(customer.name)", maxWidth: width); y += 1 }
        if let printed = done.printed {
            Paragraph(printed, style: Theme.muted).render(into: &buffer, area: Rect(x: x, y: y, width: width, height: max(0, min(4, right.bottom - 4 - y))))
        }
        buffer.setString(x, right.bottom - 3, "Enter or scan: next sale", style: Theme.title, maxWidth: width)
        buffer.setString(x, right.bottom - 2, "Ctrl-P: print again · Esc: back", style: Theme.muted, maxWidth: width)
    }

    func cursor(in area: Rect) -> (x: Int, y: Int)? {
        if done != nil { return nil }
        if let finder {
            let inner = finderBox(area).inner(1).inner(horizontal: 1, vertical: 0)
            return TextField(isFocused: true).cursorPosition(area: Rect(x: inner.x + 7, y: inner.y, width: inner.width - 7, height: 1), state: finder.phone)
        }
        if let payment, !completing {
            let inner = paymentBox(area).inner(1).inner(horizontal: 1, vertical: 0)
            return TextField(isFocused: true).cursorPosition(area: Rect(x: inner.x + 12, y: inner.y + 4, width: 16, height: 1), state: payment.amount)
        }
        return TextField(isFocused: true).cursorPosition(area: areas(area).code, state: code)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        let w = TextWidth.of(self)
        return w >= width ? self : String(repeating: " ", count: width - w) + self
    }
}
