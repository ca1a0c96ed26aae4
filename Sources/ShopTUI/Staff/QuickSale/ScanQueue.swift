import ShopEngine

/// The code field of the counter and the codes waiting to be looked up. A scanner types faster
/// than the engine answers: every code entered is queued and looked up in order, one at a
/// time, and none is lost while a panel (variant, customer, payment) has the focus.
struct ScanQueue {
    var code = TextFieldState(maxLength: 64)
    /// Codes entered and not yet looked up, oldest first.
    private(set) var waiting: [(code: String, quantity: Int64)] = []
    /// The code whose lookup is running.
    private(set) var lookingUp: String?
    /// Enter (or F5) came while codes were still being looked up: take payment after them.
    var payWhenReady = false

    /// Nothing running and nothing waiting.
    var isIdle: Bool { lookingUp == nil && waiting.isEmpty }

    /// Queues what the code field holds (`CODE` or `N*CODE`) and empties the field.
    mutating func enqueueField() throws {
        guard let entry = Sale.parseCode(code.text) else {
            throw ShopError(.invalid, "invalid_code", L.t("quick_sale.error.invalid_code"))
        }
        code.setText("")
        waiting.append(entry)
    }

    /// Queues a code that arrived elsewhere (a barcode scanned into the amount field).
    mutating func enqueue(_ code: String, quantity: Int64 = 1) { waiting.append((code, quantity)) }

    /// A key for the code field while something else is shown: typed, or Enter queues the code.
    mutating func typeAhead(_ key: Key) throws {
        if key == .enter, !code.isEmpty { try enqueueField() } else { _ = code.handle(key) }
    }

    /// The next code to look up, marked as running; nil while one runs or none waits.
    mutating func startNext() -> (code: String, quantity: Int64)? {
        guard lookingUp == nil, !waiting.isEmpty else { return nil }
        let next = waiting.removeFirst()
        lookingUp = next.code
        return next
    }

    mutating func finished() { lookingUp = nil }

    /// The status line while codes are in flight; nil when idle.
    var status: String? {
        if let lookingUp {
            return waiting.isEmpty ? L.t("quick_sale.looking_up", ["code": lookingUp])
                : L.plural("quick_sale.looking_up_more", count: waiting.count, ["code": lookingUp])
        }
        if !waiting.isEmpty { return L.plural("quick_sale.waiting", count: waiting.count) }
        return nil
    }
}
