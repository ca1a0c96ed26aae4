import ShopEngine

/// Checkout in two steps: contact and delivery details (validated, pre-filled from the
/// profile), then a review with the payment method and a confirmation. The order carries an
/// idempotency key made when the screen opens, so pressing Enter twice never orders twice.
/// The review opens only once the engine passed the details (`orders.validate`): every field's
/// problem is marked at once, so "place order" is not a way to find them one at a time.
struct CheckoutScreen: Screen {
    var title: String { step == .details ? "Checkout — details" : "Checkout — review and pay" }
    private let cart: CartService.Cart
    private var step: Step = .details
    private var form: FormState
    private var methods = ListState(selected: 0)
    private var placing = false
    private var checking = false
    private let idempotencyKey = "tui-" + Crypto.randomID()

    enum Step { case details, review }

    init(cart: CartService.Cart) {
        self.cart = cart
        form = FormState([
            FormField("first_name", label: "First name", input: TextFieldState(maxLength: 100)),
            FormField("last_name", label: "Last name", input: TextFieldState(maxLength: 100)),
            FormField("phone", label: "Phone", placeholder: "+15551234567", input: TextFieldState(maxLength: 20, filter: .phone)),
            FormField("email", label: "Email", placeholder: "optional", input: TextFieldState(maxLength: 254)),
            FormField("address", label: "Address", input: TextFieldState(maxLength: 500)),
            FormField("postal_code", label: "Postal code", input: TextFieldState(maxLength: 16)),
            FormField("delivery_date", label: "Delivery date", placeholder: "YYYY-MM-DD, or empty for soonest", input: TextFieldState(maxLength: 10)),
            FormField("note", label: "Note", placeholder: "optional", input: TextFieldState(maxLength: 500)),
            FormField("coupon", label: "Coupon", placeholder: "optional", input: TextFieldState(maxLength: 32)),
        ])
    }

    private struct Placed: Sendable { let result: Outcome<Order> }
    private struct Checked: Sendable { let result: Outcome<[ShopError]> }

    var bindings: [KeyBinding] {
        step == .details
            ? [KeyBinding(keys: [.tab], label: "Tab/↑↓", help: "next field"), KeyBinding(keys: [.enter], help: "review")]
            : [KeyBinding(keys: [.up, .down], label: "↑↓", help: "payment method"), KeyBinding(keys: [.enter], help: "place order"),
               KeyBinding(keys: [.backspace], label: "Backspace", help: "edit details")]
    }
    var capturesText: Bool { step == .details }

    mutating func start(_ context: inout ScreenContext) {
        guard let user = context.session.user else { return }
        form["first_name"].setText(user.firstName)
        form["last_name"].setText(user.lastName)
        form["phone"].setText(user.phone ?? "")
        form["email"].setText(user.email ?? "")
        form["address"].setText(user.address)
        form["postal_code"].setText(user.postalCode)
    }

    private var contact: Contact {
        Contact(firstName: form["first_name"].text, lastName: form["last_name"].text, phone: form["phone"].text, email: form["email"].text,
                address: form["address"].text, postalCode: form["postal_code"].text, deliveryDate: form["delivery_date"].text, note: form["note"].text)
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let checked as Checked):
            checking = false
            switch checked.result {
            case .success(let problems): self.checked(problems, &context)
            case .failure(let error): context.fail(error)
            }
        case .result(let placed as Placed):
            placing = false
            switch placed.result {
            case .success(let order):
                context.say("Order \(order.number) placed — thank you! Total \(context.session.money(order.total)) \(order.currency)", .success)
                context.go(.replace(OrderDetailScreen(orderID: order.id, number: order.number)))
            case .failure(let error):
                if let e = error as? ShopError, let field = e.field, form.fields.contains(where: { $0.id == field }) {
                    form.setError(e.message, for: field)
                    form.focus(on: field)
                    step = .details
                }
                context.fail(error)
            }
        case .key(let key):
            switch step {
            case .details: return details(key, &context)
            case .review: return review(key, &context)
            }
        default: break
        }
        return true
    }

    private mutating func details(_ key: Key, _ context: inout ScreenContext) -> Bool {
        if key == .escape { return false }
        if key == .enter {
            form.clearErrors()
            for (id, label) in [("first_name", "First name"), ("last_name", "Last name"), ("phone", "Phone"), ("address", "Address")] where form[id].text.trimmingCharacters(in: .whitespaces).isEmpty {
                form.setError("\(label) is required", for: id)
            }
            if let first = form.fields.first(where: { $0.input.error != nil }) {
                form.focus(on: first.id)
                context.say("Please fill in the marked fields", .error)
                return true
            }
            guard !checking else { return true }
            checking = true
            let shop = context.shop, caller = context.caller, contact = self.contact, coupon = form["coupon"].text
            context.run { Checked(result: Result { try shop.orders.validate(contact, coupon: coupon, caller: caller) }) }
            return true
        }
        _ = form.handle(key)
        return true
    }

    /// The engine's answer on the details: every problem under its field, or on to the review.
    private mutating func checked(_ problems: [ShopError], _ context: inout ScreenContext) {
        let marked = problems.filter { p in p.field.map { f in form.fields.contains { $0.id == f } } ?? false }
        for problem in marked { form.setError(problem.message, for: problem.field!) }
        if let first = form.fields.first(where: { $0.input.error != nil }) {
            form.focus(on: first.id)
            context.say(marked.count == 1 ? "Please correct the marked field" : "Please correct the \(marked.count) marked fields", .error)
            return
        }
        if let other = problems.first { context.fail(other); return }
        step = .review
    }

    private mutating func review(_ key: Key, _ context: inout ScreenContext) -> Bool {
        switch key {
        case .up, .char("k"): methods.moveSelection(by: -1, count: PaymentMethod.allCases.count)
        case .down, .char("j"): methods.moveSelection(by: 1, count: PaymentMethod.allCases.count)
        case .backspace: step = .details
        case .enter:
            guard !placing else { return true }   // a second press while the first is in flight
            placing = true
            let request = OrderRequest(contact: contact, paymentMethod: PaymentMethod.allCases[methods.selected ?? 0],
                                       coupon: form["coupon"].text.isEmpty ? nil : form["coupon"].text, idempotencyKey: idempotencyKey)
            let shop = context.shop, caller = context.caller
            context.run { Placed(result: Result { try shop.orders.create(request, caller: caller) }) }
        default: return false
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let currency = session.currency
        switch step {
        case .details:
            buffer.setString(area.x, area.y, "Where should we deliver? (\(Format.items(cart.itemCount)), \(currency.format(cart.total, withCode: true)))", style: Theme.title, maxWidth: area.width)
            Form(labelWidth: 16).render(into: &buffer, area: area.splitTop(2).rest.splitLeft(76).left, state: form)
        case .review:
            var y = area.y
            buffer.setString(area.x, y, "Review your order", style: Theme.title)
            y += 2
            for line in cart.items.prefix(max(1, area.height - 16)) {
                buffer.setString(area.x, y, "\(line.quantity) × \(line.name)", maxWidth: area.width - 16)
                let amount = currency.format(line.lineTotal)
                buffer.setString(area.x + min(area.width, 70) - TextWidth.of(amount), y, amount)
                y += 1
            }
            if cart.items.count > max(1, area.height - 16) { buffer.setString(area.x, y, "… and \(cart.items.count - max(1, area.height - 16)) more", style: Theme.muted); y += 1 }
            let total = "Subtotal \(currency.format(cart.total, withCode: true))" + (form["coupon"].text.isEmpty ? "" : "  · coupon \(form["coupon"].text.uppercased()) applied at checkout")
            buffer.setString(area.x, y + 1, total, style: Theme.title, maxWidth: area.width)
            y += 3
            let c = contact
            buffer.setString(area.x, y, "Deliver to: \(c.firstName) \(c.lastName), \(c.address) \(c.postalCode) · \(c.phone)\(c.deliveryDate.isEmpty ? "" : " · on \(c.deliveryDate)")", maxWidth: area.width)
            y += 2
            buffer.setString(area.x, y, "Payment method:", style: Theme.title)
            ListView(items: PaymentMethod.allCases.map { ListItem($0.label) }).render(into: &buffer, area: Rect(x: area.x, y: y + 1, width: 30, height: 4), state: methods)
            buffer.setString(area.x, y + 6, placing ? "Placing your order…" : "Enter places the order · Backspace edits the details", style: placing ? Theme.title : Theme.muted)
        }
    }
}
