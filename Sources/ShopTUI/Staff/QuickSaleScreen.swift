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
    var title: String { L.t("quick_sale.title") }

    enum Mode {
        case scanning
        case choosingVariant(VariantPicker)
        /// A name typed instead of a code: the catalog's matches.
        case choosingProduct(ProductPicker)
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
    private var lines = SalePanel()
    /// A product with variants looked up while another panel was open: its choice (and the
    /// queue behind it) waits until the counter is back to scanning.
    private var pendingChoice: VariantPicker?
    /// Likewise for the matches of a name typed in the code field.
    private var pendingProducts: ProductPicker?
    /// The last completed sale's receipt: Ctrl-P on an empty sale prints it again (the next
    /// customer's scan already started a new sale, and the last one asks for a copy).
    private var lastReceipt: (text: String, number: String)?

    private struct Looked: Sendable { let code: String; let quantity: Int64; let result: Outcome<Product> }
    /// No barcode or SKU matched a text with letters in it: the catalog searched by name.
    private struct Searched: Sendable { let query: String; let quantity: Int64; let result: Outcome<ProductPage> }
    private struct Found: Sendable { let query: String; let result: Outcome<AdminService.UserPage> }
    private struct Created: Sendable { let result: Outcome<User> }
    private struct Quoted: Sendable { let result: Outcome<CounterQuote> }
    private struct Completed: Sendable { let result: Outcome<CounterSale>; let receipt: String?; let printed: Outcome<String>?; var drawer: Outcome<String?>? = nil }
    private struct Printed: Sendable { let result: Outcome<String> }
    /// Answers the person said yes to (see `ScreenContext.confirm`): leave without the sale;
    /// give back the payments taken.
    private struct DiscardConfirmed: Sendable {}
    private struct GiveBackConfirmed: Sendable {}

    // MARK: - Keys

    var bindings: [KeyBinding] {
        switch mode {
        case .receipt: return SaleReceipt.bindings
        case .findingCustomer(let finder): return finder.bindings
        case .takingPayment:
            // Ctrl-Z gives a tender back only when one was taken.
            return PaymentPanel.bindings.filter { !$0.keys.contains(.ctrl("z")) || !sale.tenders.isEmpty }
        case .completing: return PaymentPanel.bindings
        case .choosingVariant: return VariantPicker.bindings
        case .choosingProduct(let picker):
            // ↑↓ only with a choice to make.
            return ProductPicker.bindings.filter { !$0.keys.contains(.up) || picker.products.count > 1 }
        case .scanning, .quoting:
            // Only what acts now: Enter needs a code or lines, +/- and Del a chosen line.
            let typing = !scanner.code.isEmpty, count = sale.lines.count, chosen = lines.list.selected != nil
            return SalePanel.bindings.filter { b in
                if b.keys.contains(.enter) { return typing || count > 0 }
                if b.keys.contains(.function(5)) { return count > 0 }
                if b.keys.contains(.char("+")) || b.keys.contains(.delete) { return !typing && chosen }
                if b.keys.contains(.up) || b.keys.contains(.pageDown) { return count > 1 || (count > 0 && !chosen) }
                return true
            } + (typing ? [KeyBinding(keys: [.escape], help: L.t("quick_sale.keys.clear_code"))] : count == 0 ? [KeyBinding(keys: [.escape], help: L.t("keys.back"))]
                 // With lines, Esc asks before the sale is discarded.
                 : [KeyBinding(keys: [.escape], help: L.t("quick_sale.keys.discard"), showsInFooter: false)])
        }
    }
    var capturesText: Bool { if case .receipt = mode { false } else { true } }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let looked as Looked): self.looked(looked, &context)
        case .result(let searched as Searched): self.searched(searched, &context)
        case .result(let found as Found):
            guard case .findingCustomer(var finder) = mode else { break }
            if let error = finder.found(found.query, found.result) { context.fail(error) }
            mode = .findingCustomer(finder)
        case .result(let created as Created):
            guard case .findingCustomer(var finder) = mode else { break }
            switch created.result {
            case .success(let user):
                sale.customer = Sale.Customer(id: user.id, name: user.displayName, phone: user.phone ?? "")
                context.say(L.t("quick_sale.customer_added", ["name": user.displayName, "phone": user.phone ?? ""]), .success)
                backToScanning(&context)
            case .failure(let error):
                if let other = finder.createFailed(error) { context.fail(other) }
                mode = .findingCustomer(finder)
            }
        case .result(let quoted as Quoted): self.quoted(quoted, &context)
        case .result(let completed as Completed): self.completed(completed, &context)
        case .result(is DiscardConfirmed):
            if case .scanning = mode { context.go(.pop) }
        case .result(is GiveBackConfirmed):
            guard case .takingPayment(var panel) = mode else { break }
            let said = panel.giveBack(&sale, currency: context.session.currency)
            backToScanning(&context)
            context.say(said)
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
        switch mode {
        case .scanning: return scanningKey(key, &context)
        case .quoting, .completing: typeAhead(key, &context)   // the scanner goes on for the next codes
        case .choosingVariant(var picker): pickerKey(key, &picker, &context)
        case .choosingProduct(var picker): productPickerKey(key, &picker, &context)
        case .findingCustomer(var finder): finderKey(key, &finder, &context)
        case .takingPayment(var panel): paymentKey(key, &panel, &context)
        case .receipt(var receipt): return receiptKey(key, &receipt, &context)
        }
        return true
    }

    private mutating func scanningKey(_ key: Key, _ context: inout ScreenContext) -> Bool {
        if key == .ctrl("p") {
            guard sale.lines.isEmpty, scanner.isIdle, let last = lastReceipt else {
                context.say(lastReceipt == nil ? L.t("quick_sale.no_receipt_yet") : L.t("quick_sale.reprint_later"))
                return true
            }
            reprint(last.text, name: last.number, &context)
            return true
        }
        switch lines.handle(key, sale: &sale, scanner: &scanner, screen: context.session.screenArea) {
        case .none: break
        case .enqueue: enqueue(&context)
        case .pay: startPayment(&context)
        case .findCustomer: mode = .findingCustomer(CustomerFinder())
        case .leave: return false
        case .confirmLeave:
            context.confirm(L.t("quick_sale.confirm_discard", ["items": Format.items(sale.itemCount)]), yes: L.t("quick_sale.confirm_discard_yes"), then: DiscardConfirmed())
        case .said(let text): context.say(text)
        case .failed(let error): context.fail(error)
        }
        return true
    }

    private mutating func pickerKey(_ key: Key, _ picker: inout VariantPicker, _ context: inout ScreenContext) {
        switch picker.handle(key, typing: !scanner.code.isEmpty) {
        case .none: mode = .choosingVariant(picker)
        case .typed(let key): typeAhead(key, &context)
        case .chosen(let variant, let quantity):
            mode = .scanning
            add(picker.product, variant: variant, quantity: quantity, &context)
            pump(&context)
        case .skipped:
            context.say(L.t("quick_sale.not_added", ["name": picker.product.name]))
            backToScanning(&context)
        }
    }

    private mutating func productPickerKey(_ key: Key, _ picker: inout ProductPicker, _ context: inout ScreenContext) {
        switch picker.handle(key, typing: !scanner.code.isEmpty) {
        case .none: mode = .choosingProduct(picker)
        case .typed(let key): typeAhead(key, &context)
        case .chosen(let product, let quantity) where product.isForSale && !product.variants.isEmpty:
            mode = .choosingVariant(VariantPicker(product: product, quantity: quantity))
        case .chosen(let product, let quantity):
            mode = .scanning
            add(product, variant: nil, quantity: quantity, &context)
            pump(&context)
        case .skipped:
            context.say(L.t("quick_sale.nothing_added", ["query": picker.query]))
            backToScanning(&context)
        }
    }

    private mutating func finderKey(_ key: Key, _ finder: inout CustomerFinder, _ context: inout ScreenContext) {
        switch finder.handle(key) {
        case .none: mode = .findingCustomer(finder)
        case .close: backToScanning(&context)
        case .walkIn:
            sale.customer = nil
            context.say(L.t("quick_sale.walk_in"))
            backToScanning(&context)
        case .chosen(let user):
            sale.customer = Sale.Customer(id: user.id, name: user.displayName, phone: user.phone ?? "")
            context.say(L.t("quick_sale.sale_for", ["name": user.displayName]), .success)
            backToScanning(&context)
        case .create(let phone, let first, let last):
            mode = .findingCustomer(finder)
            let shop = context.shop, caller = context.caller
            context.run { Created(result: Result { try shop.admin.createCustomer(phone: phone, firstName: first, lastName: last, caller: caller) }) }
        case .search(let query):
            mode = .findingCustomer(finder)
            let shop = context.shop, caller = context.caller
            context.run { Found(query: query, result: Result { try shop.admin.findCustomer(phone: query, caller: caller) }) }
        }
    }

    private mutating func paymentKey(_ key: Key, _ panel: inout PaymentPanel, _ context: inout ScreenContext) {
        switch panel.handle(key, sale: &sale, currency: context.session.currency) {
        case .none: mode = .takingPayment(panel)
        case .said(let text):
            mode = .takingPayment(panel)
            context.say(text)
        case .back(let said):
            backToScanning(&context)
            if let said { context.say(said) }
        case .confirmBack(let taken):
            mode = .takingPayment(panel)
            context.confirm(L.t("quick_sale.confirm_give_back", ["taken": taken]), yes: L.t("quick_sale.confirm_give_back_yes"), then: GiveBackConfirmed())
        case .complete: complete(panel, &context)
        case .scanned(let code):
            scanner.enqueue(code)
            context.say(L.t("quick_sale.scanned_into_amount"))
            backToScanning(&context)
        }
    }

    private mutating func receiptKey(_ key: Key, _ receipt: inout SaleReceipt, _ context: inout ScreenContext) -> Bool {
        switch receipt.handle(key) {
        case .none: mode = .receipt(receipt)
        case .leave: return false
        case .print: reprint(receipt.receipt, name: receipt.sale.order.number, &context)
        case .newSale(let key):
            newSale()
            if key == .enter {
                if !scanner.code.isEmpty { enqueue(&context) }
            } else {
                _ = scanner.code.handle(key)
            }
            pump(&context)
        }
        return true
    }

    private func reprint(_ text: String, name: String, _ context: inout ScreenContext) {
        let settings = context.session.settings
        context.run { Printed(result: Result { try ReceiptPrinter(settings: settings).print(text, name: name) }) }
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
        if let picker = pendingProducts {
            pendingProducts = nil
            mode = .choosingProduct(picker)
            return
        }
        if let next = scanner.startNext() {
            let shop = context.shop, caller = context.caller
            context.run { () -> any Sendable in
                let found = Result { try shop.catalog.product(code: next.code, caller: caller) }
                // Letters and no such code: a name ("sourdough"), so the catalog is searched.
                if case .failure(let error as ShopError) = found, error.code == "not_found", next.code.contains(where: \.isLetter) {
                    return Searched(query: next.code, quantity: next.quantity,
                                    result: Result { try shop.catalog.list(ProductQuery(text: next.code, limit: 8), caller: caller) })
                }
                return Looked(code: next.code, quantity: next.quantity, result: found)
            }
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

    private mutating func searched(_ searched: Searched, _ context: inout ScreenContext) {
        scanner.finished()
        switch searched.result {
        case .success(let page) where page.items.isEmpty:
            scanner.payWhenReady = false
            context.say(L.t("quick_sale.not_found", ["query": searched.query]), .error)
        case .success(let page):
            pendingProducts = ProductPicker(query: searched.query, products: page.items, quantity: searched.quantity)   // the queue waits for the choice
        case .failure(let error):
            scanner.payWhenReady = false
            context.fail(error)
        }
        pump(&context)
    }

    private mutating func add(_ product: Product, variant: Product.Variant?, quantity: Int64, _ context: inout ScreenContext) {
        do {
            let index = try sale.add(product, variant: variant, quantity: quantity)
            lines.select(index, count: sale.lines.count)
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
        guard !sale.lines.isEmpty || !scanner.isIdle || pendingChoice != nil || pendingProducts != nil else { context.say(L.t("quick_sale.scan_first")); return }
        guard scanner.isIdle, pendingChoice == nil, pendingProducts == nil else {
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
            if let refusal { context.notice = (L.t("quick_sale.not_sold_because", ["reason": refusal, "error": ScreenContext.describe(error)]), .error) }
            return
        }
        if let short = sale.lines.first(where: \.isShort) {
            // Back to the lines, with the fresh stock figures marking the short ones in red.
            backToScanning(&context)
            let message = refusal.map { L.t("quick_sale.not_sold_short", ["reason": $0]) }
                ?? (short.stock <= 0 ? L.t("quick_sale.short_out", ["name": short.name])
                    : L.t("quick_sale.short_only", ["count": Format.number(short.stock), "name": short.name]))
            context.say(message, .error)
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
            context.say(L.t("quick_sale.not_sold", ["reason": refusal]), .error)
        } else if !changes.isEmpty {
            context.say(L.plural("quick_sale.prices_changed", count: changes.count,
                                 ["total": Format.money(sale.total, context.session.currency, withCode: true)]), .error)
        }
    }

    private mutating func complete(_ panel: PaymentPanel, _ context: inout ScreenContext) {
        mode = .completing(panel)
        let request = sale.request, shop = context.shop, caller = context.caller, settings = context.session.settings
        let language = L.language   // the receipt speaks the language of the terminal that made the sale
        context.run {
            let result = Result { try shop.orders.counterSale(request, caller: caller) }
            guard case .success(let sold) = result else { return Completed(result: result, receipt: nil, printed: nil) }
            let text = Receipt(storeName: shop.storeName(), order: sold.order, payments: sold.payments, currency: shop.currency, language: language).text
            let printer = ReceiptPrinter(settings: settings)
            return Completed(result: result, receipt: text, printed: Result { try printer.print(text, name: sold.order.number) },
                             drawer: Result { try printer.openDrawer(after: sold.payments) })
        }
    }

    private mutating func completed(_ completed: Completed, _ context: inout ScreenContext) {
        guard case .completing(let panel) = mode else { return }
        let sold: CounterSale
        switch completed.result {
        case .success(let value): sold = value
        case .failure(let error as ShopError) where !ScreenContext.isRefusal(error):
            // The engine refused the sale and wrote nothing: fresh prices and stock show why.
            quote(refusal: ScreenContext.describe(error), &context)
            return
        case .failure(let error):
            // Nothing is known to be sold: the same tenders, the same key — Enter asks again.
            mode = .takingPayment(panel)
            context.fail(error)
            return
        }
        mode = .receipt(SaleReceipt(sale: sold, receipt: completed.receipt ?? "", customerName: sale.customer?.name))
        if let text = completed.receipt { lastReceipt = (text, sold.order.number) }
        let number = sold.order.number
        let done = sold.change > 0 ? L.t("quick_sale.complete_change", ["number": number, "change": context.session.money(sold.change)])
            : L.t("quick_sale.complete", ["number": number])
        switch completed.printed {
        case .success(let message)?:
            if case .receipt(var receipt) = mode { receipt.printed = message; mode = .receipt(receipt) }
            context.say(L.t("quick_sale.complete_printed", ["done": done, "printed": message]), .success)
        case .failure(let error)?:
            context.say(L.t("quick_sale.complete_not_printed", ["done": done, "error": ScreenContext.describe(error)]), .error)
        case nil:
            context.say(done, .success)
        }
        if case .failure(let error)? = completed.drawer { context.fail(error) }
    }

    private mutating func newSale() {
        sale = Sale()
        mode = .scanning
        scanner.payWhenReady = false
        lines = SalePanel()
    }

    // MARK: - Render

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let currency = session.currency
        if case .receipt(let receipt) = mode { receipt.render(into: &buffer, area: area, currency: currency); return }
        lines.render(into: &buffer, area: area, sale: sale, scanner: scanner, currency: currency)
        switch mode {
        case .choosingVariant(let picker): picker.render(into: &buffer, area: area, currency: currency)
        case .choosingProduct(let picker): picker.render(into: &buffer, area: area, currency: currency)
        case .findingCustomer(let finder): finder.render(into: &buffer, area: area)
        case .takingPayment(let panel): panel.render(into: &buffer, area: area, sale: sale, currency: currency)
        case .completing(let panel):
            panel.render(into: &buffer, area: area, sale: sale, currency: currency, focused: false)   // keys go to the code field meanwhile
            renderWaiting(L.t("quick_sale.completing"), into: &buffer, area: area)
        case .quoting: renderWaiting(L.t("quick_sale.quoting"), into: &buffer, area: area)
        case .scanning, .receipt: break
        }
    }

    private func renderWaiting(_ text: String, into buffer: inout Buffer, area: Rect) {
        let box = area.centered(width: 34, height: 3)
        buffer.fill(box)
        Block().render(into: &buffer, area: box)
        buffer.setLine(text, in: box.inner(1), style: Theme.title, alignment: .center)
    }
}
