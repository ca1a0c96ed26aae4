import ShopEngine

/// Checkout in two steps: contact and delivery details (validated, pre-filled from the
/// profile), then a review with the payment method and a confirmation. The order carries an
/// idempotency key made when the screen opens, so pressing Enter twice never orders twice.
/// The review opens only once the engine passed the details (`orders.validate`): every field's
/// problem is marked at once, so "place order" is not a way to find them one at a time.
struct CheckoutScreen: Screen {
    var title: String { step == .details ? L.t("checkout.title.details") : L.t("checkout.title.review") }
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
            FormField("first_name", label: L.t("field.first_name"), input: TextFieldState(maxLength: 100)),
            FormField("last_name", label: L.t("field.last_name"), input: TextFieldState(maxLength: 100)),
            FormField("phone", label: L.t("field.phone"), placeholder: L.t("field.phone_example"), input: TextFieldState(maxLength: 20, filter: .phone)),
            FormField("email", label: L.t("field.email"), placeholder: L.t("field.optional"), input: TextFieldState(maxLength: 254)),
            FormField("address", label: L.t("field.address"), input: TextFieldState(maxLength: 500)),
            FormField("postal_code", label: L.t("field.postal_code"), input: TextFieldState(maxLength: 16)),
            FormField("delivery_date", label: L.t("checkout.field.delivery_date"), placeholder: L.t("checkout.field.delivery_date_hint"), input: TextFieldState(maxLength: 16)),
            FormField("note", label: L.t("checkout.field.note"), placeholder: L.t("field.optional"), input: TextFieldState(maxLength: 500)),
            FormField("coupon", label: L.t("checkout.field.coupon"), placeholder: L.t("field.optional"), input: TextFieldState(maxLength: 32)),
        ])
    }

    private struct Placed: Sendable { let result: Outcome<Order> }
    private struct Checked: Sendable { let result: Outcome<[ShopError]> }

    var bindings: [KeyBinding] {
        step == .details
            ? [KeyBinding(keys: [.tab], label: "Tab/↑↓", help: L.t("list.next_field")), KeyBinding(keys: [.enter], help: L.t("checkout.keys.review"))]
            : [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("checkout.keys.method")), KeyBinding(keys: [.enter], help: L.t("checkout.keys.place")),
               KeyBinding(keys: [.backspace], label: "Backspace", help: L.t("checkout.keys.edit"))]
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

    /// The details as the engine takes them: a Persian delivery date (Solar Hijri) becomes the
    /// stored Gregorian day; one that is not a date throws, with its field.
    private func contact() throws -> Contact {
        let day = try Format.enteredDay(form["delivery_date"].text, field: "delivery_date")
        return Contact(firstName: form["first_name"].text, lastName: form["last_name"].text, phone: form["phone"].text, email: form["email"].text,
                       address: form["address"].text, postalCode: form["postal_code"].text, deliveryDate: day, note: form["note"].text)
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
                context.say(L.t("checkout.placed", ["number": order.number, "total": context.session.money(order.total), "currency": order.currency]), .success)
                context.go(.replace(OrderDetailScreen(orderID: order.id, number: order.number)))
            case .failure(let error):
                if let e = error as? ShopError, let field = e.field, form.fields.contains(where: { $0.id == field }) {
                    form.setError(ScreenContext.describe(e), for: field)
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
            for (id, label) in [("first_name", L.t("field.first_name")), ("last_name", L.t("field.last_name")), ("phone", L.t("field.phone")), ("address", L.t("field.address"))]
                where form[id].text.trimmingCharacters(in: .whitespaces).isEmpty {
                form.setError(L.t("field.required", ["field": label]), for: id)
            }
            // A Persian delivery date that is not a date is marked like the other fields.
            var contact = Contact()
            do { contact = try self.contact() } catch { form.setError(ScreenContext.describe(error), for: "delivery_date") }
            if let first = form.fields.first(where: { $0.input.error != nil }) {
                form.focus(on: first.id)
                context.say(L.t("checkout.fill_marked"), .error)
                return true
            }
            guard !checking else { return true }
            checking = true
            let shop = context.shop, caller = context.caller, coupon = form["coupon"].text, details = contact
            context.run { Checked(result: Result { try shop.orders.validate(details, coupon: coupon, caller: caller) }) }
            return true
        }
        _ = form.handle(key)
        return true
    }

    /// The engine's answer on the details: every problem under its field, or on to the review.
    private mutating func checked(_ problems: [ShopError], _ context: inout ScreenContext) {
        let marked = problems.filter { p in p.field.map { f in form.fields.contains { $0.id == f } } ?? false }
        for problem in marked { form.setError(ScreenContext.describe(problem), for: problem.field!) }
        if let first = form.fields.first(where: { $0.input.error != nil }) {
            form.focus(on: first.id)
            context.say(L.plural("checkout.correct_marked", count: marked.count), .error)
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
            guard let contact = try? contact() else { step = .details; return true }
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
            buffer.setString(area.x, area.y, L.t("checkout.where", ["items": Format.items(cart.itemCount), "total": Format.money(cart.total, currency, withCode: true)]), style: Theme.title, maxWidth: area.width)
            Form(labelWidth: 16).render(into: &buffer, area: area.splitTop(2).rest.splitLeft(76).left, state: form)
        case .review:
            var y = area.y
            buffer.setString(area.x, y, L.t("checkout.review"), style: Theme.title)
            y += 2
            for line in cart.items.prefix(max(1, area.height - 16)) {
                buffer.setString(area.x, y, L.t("product.what", ["quantity": Format.number(line.quantity), "name": line.name]), maxWidth: area.width - 16)
                let amount = Format.money(line.lineTotal, currency)
                buffer.setString(area.x + min(area.width, 70) - TextWidth.of(amount), y, amount)
                y += 1
            }
            if cart.items.count > max(1, area.height - 16) { buffer.setString(area.x, y, L.t("checkout.and_more", ["count": Format.number(cart.items.count - max(1, area.height - 16))]), style: Theme.muted); y += 1 }
            let subtotal = L.t("checkout.subtotal", ["total": Format.money(cart.total, currency, withCode: true)])
            let end = buffer.setString(area.x, y + 1, subtotal, style: Theme.title, maxWidth: area.width)
            if !form["coupon"].text.isEmpty {
                buffer.setString(end + 2, y + 1, L.t("checkout.coupon_applied", ["code": form["coupon"].text.uppercased()]), style: Theme.title, maxWidth: area.right - end - 2)
            }
            y += 3
            y += deliverTo(into: &buffer, x: area.x, y: y, width: area.width) + 1
            buffer.setString(area.x, y, L.t("checkout.payment_method"), style: Theme.title)
            ListView(items: PaymentMethod.allCases.map { ListItem(Words.method($0)) }).render(into: &buffer, area: Rect(x: area.x, y: y + 1, width: 30, height: 4), state: methods)
            buffer.setString(area.x, y + 6, placing ? L.t("checkout.placing") : L.t("checkout.place_hint"), style: placing ? Theme.title : Theme.muted, maxWidth: area.width)
        }
    }

    /// "Deliver to:" then name, address, postal code, phone and day, each its own run (a phone
    /// and a postal code left to right); what does not fit goes on the next line, so at 80
    /// columns the phone and postal code are never dropped. Returns the lines used.
    private func deliverTo(into buffer: inout Buffer, x: Int, y: Int, width: Int) -> Int {
        let day = (try? Format.enteredDay(form["delivery_date"].text, field: "delivery_date")) ?? ""
        let end = buffer.setString(x, y, L.t("checkout.deliver_to"), style: Theme.title) + 1
        return buffer.setPieces(["\(form["first_name"].text) \(form["last_name"].text)", form["address"].text, form["postal_code"].text, form["phone"].text,
                                 day.isEmpty ? "" : L.t("checkout.deliver_on", ["date": Format.day(day)])],
                                x: end, y: y, width: x + width - end, separator: " · ", leftToRight: [false, false, true, true, false])
    }
}
