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
    private(set) var phone = Tour.customerPhone
    private(set) var position = 0

    init(steps: [Step] = Tour.script) { self.steps = steps }

    mutating func next() -> Step? {
        guard position < steps.count else { return nil }
        defer { position += 1 }
        if case .type(let text) = steps[position], text.hasPrefix("+") { phone = text }
        return steps[position]
    }

    static let customerPhone = "+15550100001"
    static let staffPhone = "+15550100900"

    static let script: [Step] = [
        .caption("Welcome to the Shop tour — press any key at any time to take over"), .wait(2.5),
        .caption("Browse the catalog; / searches as you type"), .wait(1.5),
        .keys([.char("/")]), .type("cake"), .wait(1.5), .keys([.enter]), .wait(1),
        .keys([.down]), .wait(0.6), .keys([.enter]), .wait(2),
        .caption("A product with variants: choose one, set the quantity, Enter adds it"),
        .keys([.down]), .wait(0.8), .keys([.char("+")]), .wait(0.8), .keys([.enter]), .wait(2),
        .caption("Guests sign in by phone: a one-time code (shown on screen in the demo)"),
        .type(customerPhone), .wait(0.8), .keys([.enter]), .wait(2.5), .demoCode, .keys([.enter]),
        .caption("Signed in and back on the product: it went into the cart"), .wait(3),
        .keys([.char("c")]), .wait(2), .caption("The cart editor: +/- quantity, v variant, Del removes"),
        .keys([.char("+")]), .wait(1.5), .keys([.enter]), .wait(2),
        .caption("Checkout: details pre-filled from the profile, validated"), .wait(2), .keys([.enter]), .wait(2),
        .caption("Review, choose how to pay, place the order"), .keys([.down]), .wait(1), .keys([.enter]), .wait(3),
        .keys([.char("o")]), .caption("Order history, newest first"), .wait(3),
        .keys([.enter]), .wait(2), .caption("Order detail: status, lines, payments — x cancels while allowed"), .wait(3),
        .caption("Now the counter: staff sign in the same way"), .keys([.char("p")]), .wait(1.5), .keys([.char("l")]), .wait(1),
        .keys([.char("p")]), .type(staffPhone), .keys([.enter]), .wait(2), .demoCode, .keys([.enter]), .wait(2),
        .keys([.char("s")]), .wait(1.5), .keys([.enter]), .caption("Quick sale: scan barcodes (a scanner types digits + Enter)"), .wait(2),
        .type("6260100000079"), .keys([.enter]), .wait(1.2), .type("2*6260100000086"), .keys([.enter]), .wait(2),
        .caption("F5 takes payment: cash given, change due, receipt printed"), .keys([.function(5)]), .wait(1.5),
        .type("20"), .wait(1), .keys([.enter]), .wait(4),
        .caption("That's the tour. The store is yours: ? shows the keys"), .wait(1),
    ]
}
