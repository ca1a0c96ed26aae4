import ShopEngine

/// The scripted walk `shop --demo --tour` plays for presentations: each step is a key, some
/// typed text, the demo code from the outbox, or a caption, at a readable pace. Any real key
/// stops it and leaves the presenter in control.
struct Tour {
    enum Step {
        case keys([Key])
        case type(String)
        /// Types the code the demo outbox holds for the phone being signed in (Enter then signs in).
        case demoCode
        case caption(String)
        case wait(Double)
    }

    private(set) var steps: [Step]
    /// Whose code `.demoCode` types: the last phone the tour typed.
    private(set) var phone: String
    private(set) var position = 0

    /// The tour of the demo store in `language` (its people, products and words).
    init(language: Language = L.language) { self.init(steps: Self.script(Demo(language))) }

    init(steps: [Step]) {
        self.steps = steps
        phone = steps.lazy.compactMap { if case .type(let text) = $0, text.hasPrefix("+") { text } else { nil } }.first ?? ""
    }

    mutating func next() -> Step? {
        guard position < steps.count else { return nil }
        defer { position += 1 }
        if case .type(let text) = steps[position], text.hasPrefix("+") { phone = text }
        return steps[position]
    }

    /// What the tour types in each demo store: the same walk, the store's own names and numbers.
    struct Demo {
        var search = "cake", customerPhone = "+15550100001", staffPhone = "+15550100900"
        var barcodes = ("6260100000079", "6260100000086"), cash = "20"

        init(_ language: Language) {
            guard language == .fa else { return }
            search = "کیک"
            let people = (try? DemoStore.people(language: .fa)) ?? []
            customerPhone = people.first { $0.role == .customer }?.phone ?? customerPhone
            staffPhone = people.first { $0.role == .staff }?.phone ?? staffPhone
            barcodes = ("6260200000079", "6260200000086")
            cash = "500000"
        }
    }

    static func script(_ demo: Demo) -> [Step] { [
        .caption(L.t("tour.welcome")), .wait(2.5),
        .caption(L.t("tour.browse")), .wait(1.5),
        .keys([.char("/")]), .type(demo.search), .wait(1.5), .keys([.enter]), .wait(1),
        .keys([.down]), .wait(0.6), .keys([.enter]), .wait(2),
        .caption(L.t("tour.variants")),
        .keys([.down]), .wait(0.8), .keys([.char("+")]), .wait(0.8), .keys([.enter]), .wait(2),
        .caption(L.t("tour.sign_in")),
        .type(demo.customerPhone), .wait(0.8), .keys([.enter]), .wait(2.5), .demoCode, .keys([.enter]),
        .caption(L.t("tour.signed_in")), .wait(3),
        .keys([.char("c")]), .wait(2), .caption(L.t("tour.cart")),
        .keys([.char("+")]), .wait(1.5), .keys([.enter]), .wait(2),
        .caption(L.t("tour.checkout")), .wait(2), .keys([.enter]), .wait(2),
        .caption(L.t("tour.review")), .keys([.down]), .wait(1), .keys([.enter]), .wait(3),
        .keys([.char("o")]), .caption(L.t("tour.orders")), .wait(3),
        .keys([.enter]), .wait(2), .caption(L.t("tour.order_detail")), .wait(3),
        .caption(L.t("tour.counter")), .keys([.char("p")]), .wait(1.5), .keys([.char("l")]), .wait(1),
        .keys([.char("p")]), .type(demo.staffPhone), .keys([.enter]), .wait(2), .demoCode, .keys([.enter]), .wait(2),
        .keys([.char("s")]), .wait(1.5), .keys([.enter]), .caption(L.t("tour.quick_sale")), .wait(2),
        .type(demo.barcodes.0), .keys([.enter]), .wait(1.2), .type("2*" + demo.barcodes.1), .keys([.enter]), .wait(2),
        .caption(L.t("tour.payment")), .keys([.function(5)]), .wait(1.5),
        .type(demo.cash), .wait(1), .keys([.enter]), .wait(4),
        .caption(L.t("tour.end")), .wait(1),
    ] }
}
