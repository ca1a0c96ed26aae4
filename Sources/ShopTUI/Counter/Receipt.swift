import Foundation
import ShopEngine

/// A plain-text receipt from `assets/receipt.txt` (a built-in copy is used if it is missing):
/// shop name, order number, date, customer (a line left out for walk-ins), lines, totals,
/// payments and change.
///
/// In the language of the terminal that made the sale (`language`, the session's when built).
/// A Persian receipt comes from `assets/receipt-fa.txt` (or its built-in copy): Persian words,
/// Persian digits, the Solar Hijri date, and each line starting with a right-to-left mark
/// (U+200F) — it is a right-to-left paragraph (words on the right, amounts in the left-hand
/// column) in every viewer, and `Receipt.render` and `EscPos` lay it out that way. Columns are
/// padded by display width, so the amounts line up on the printer's fixed width.
struct Receipt {
    let storeName: String
    let order: Order
    let payments: [PaymentService.Payment]
    let currency: Currency
    var width = 40
    var language = L.language

    static let builtInTemplate = """
    {{store}}
    ========================================
    Receipt {{number}}
    {{date}}
    {{customer}}
    ----------------------------------------
    {{lines}}
    ----------------------------------------
    {{totals}}
    {{payments}}
    ========================================
    Thank you!
    """

    /// The Persian receipt's layout; its words are the catalog's, its rules as wide as the paper.
    static let builtInPersianTemplate = """
    {{store}}
    {{rule}}
    {{title}}
    {{date}}
    {{customer}}
    {{thin}}
    {{lines}}
    {{thin}}
    {{totals}}
    {{payments}}
    {{rule}}
    {{thanks}}
    """

    /// The mark a right-to-left receipt line starts with (zero width).
    static let rightToLeftMark: Character = "\u{200F}"

    var text: String { L.withLanguage(language) { compose() } }

    private func compose() -> String {
        let persian = language == .fa
        let template = (try? Assets.data(persian ? "receipt-fa.txt" : "receipt.txt")).map { String(decoding: $0, as: UTF8.self) }
            ?? (persian ? Self.builtInPersianTemplate : Self.builtInTemplate)
        let money = { (amount: Int64) in Format.money(amount, currency) }
        let values = [
            "store": center(storeName),
            "rule": String(repeating: "=", count: width),
            "thin": String(repeating: "-", count: width),
            "title": L.t("receipt.title", ["number": order.number]),
            "thanks": center(L.t("receipt.thanks")),
            "number": order.number,
            "date": Format.timestamp(order.createdAt),
            "customer": customer,
            "lines": order.items.map { item in
                row(L.t("receipt.line", ["qty": Format.number(item.quantity), "name": item.name]), money(item.lineTotal))
            }.joined(separator: "\n"),
            "totals": ([row(L.t("receipt.subtotal"), money(order.subtotal))]
                       + (order.discount > 0 ? [row(L.t("receipt.discount", ["code": order.couponCode ?? ""]), "-" + money(order.discount))] : [])
                       + [row(L.t("receipt.total", ["code": currency.code]), money(order.total))]).joined(separator: "\n"),
            "payments": payments.filter { $0.status == .completed }.map { p in
                var text = row(Words.method(p.method), money(p.amount))
                if let tendered = p.tendered, p.change > 0 {
                    text += "\n" + row("  " + L.t("receipt.cash_given"), money(tendered)) + "\n" + row("  " + L.t("receipt.change"), money(p.change))
                }
                return text
            }.joined(separator: "\n"),
        ]
        // A placeholder alone on its line with nothing to say takes the line with it.
        var out = template.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !values.contains { $0.value.isEmpty && line.trimmingCharacters(in: .whitespaces) == "{{\($0.key)}}" } }
            .joined(separator: "\n")
        for (key, value) in values { out = out.replacingOccurrences(of: "{{\(key)}}", with: value) }
        if persian { out = Self.markedRightToLeft(out) }
        return out.hasSuffix("\n") ? out : out + "\n"
    }

    /// Every line of `text` but rules and blank ones starting with the right-to-left mark, and
    /// one more mark ending the words before an amount's column: without it an amount after a
    /// Latin word (`USD`, a product's name) would join that word's left-to-right run instead of
    /// standing in the left-hand column.
    static func markedRightToLeft(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let line = String(line)
            guard !line.allSatisfy({ "=- ".contains($0) }), line.first != rightToLeftMark else { return line }
            let (left, right) = columns(line)
            guard let right else { return String(rightToLeftMark) + line }
            let gap = TextWidth.of(line) - TextWidth.of(left) - TextWidth.of(right)
            return String(rightToLeftMark) + left + String(rightToLeftMark) + String(repeating: " ", count: gap) + right
        }.joined(separator: "\n")
    }

    /// A line of receipt text without its right-to-left marks, and whether it had them.
    static func direction(of line: String) -> (line: String, rightToLeft: Bool) {
        line.first == rightToLeftMark ? (line.filter { $0 != rightToLeftMark }, true) : (line, false)
    }

    /// "Customer: Maya Lee", or the phone when there is no name; empty for a walk-in sale.
    private var customer: String {
        let name = "\(order.firstName) \(order.lastName)".trimmingCharacters(in: .whitespaces)
        let who = name.isEmpty ? order.phone : name
        return who.isEmpty ? "" : L.t("receipt.customer", ["name": who])
    }

    /// Splits a receipt line at its last run of two or more spaces into a left and a right
    /// column, so each is drawn (and ordered for right-to-left text) on its own.
    static func columns(_ line: String) -> (left: String, right: String?) {
        let chars = Array(line)
        guard var stop = chars.indices.last(where: { chars[$0] == " " && $0 > 0 && chars[$0 - 1] == " " }) else { return (line, nil) }
        var start = stop - 1
        while start > 0 && chars[start - 1] == " " { start -= 1 }
        while stop + 1 < chars.count && chars[stop + 1] == " " { stop += 1 }
        guard start > 0, stop + 1 < chars.count else { return (line, nil) }
        return (String(chars[..<start]), String(chars[(stop + 1)...]))
    }

    /// The widest line of receipt text: the room a panel needs to show it uncut.
    static func width(of text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { TextWidth.of($0) }.max() ?? 0
    }

    /// Draws receipt text into `area`, keeping the amounts in their right-hand column. Amounts
    /// are drawn whole; when the area is narrower than the receipt the words on their left
    /// give way (cut with `…`).
    static func render(_ text: String, into buffer: inout Buffer, area: Rect, scroll: Int = 0) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, marked) in lines.dropFirst(scroll).prefix(area.height).enumerated() {
            // A Persian line is a right-to-left paragraph (the mirrored frame puts its words on the right).
            let (line, rightToLeft) = direction(of: marked)
            let (left, right) = columns(line)
            guard let right else {
                buffer.setString(area.x, area.y + i, left, maxWidth: area.width, truncation: .ellipsis, leftToRight: !rightToLeft,
                                 paragraph: rightToLeft ? .rightToLeft : nil)
                continue
            }
            let width = min(TextWidth.of(right), area.width)
            buffer.setString(area.x, area.y + i, left, maxWidth: area.width - width - 1, truncation: .ellipsis, leftToRight: !rightToLeft,
                             paragraph: rightToLeft ? .rightToLeft : nil)
            buffer.setString(area.right - width, area.y + i, right, maxWidth: width, leftToRight: true)
        }
    }

    private func row(_ left: String, _ right: String) -> String {
        let space = width - TextWidth.of(left) - TextWidth.of(right)
        return space >= 1 ? left + String(repeating: " ", count: space) + right : left + " " + right
    }

    private func center(_ s: String) -> String { Self.center(s, width: width, language: language) }

    /// `s` centred on `width` columns; in Persian padded on both sides, so the line keeps its
    /// place when a printer gets it in visual (right-to-left) order.
    static func center(_ s: String, width: Int, language: Language) -> String {
        let pad = max(0, (width - TextWidth.of(s)) / 2)
        let line = String(repeating: " ", count: pad) + s
        return language == .fa ? line + String(repeating: " ", count: max(0, width - TextWidth.of(line))) : line
    }
}

/// Sends a receipt where the counter wants it: a file in the receipt folder, then the printer —
/// the receipt command (run directly, never through a shell) and/or the receipt device — as
/// plain text or ESC/POS (`--receipt-format`). Also opens the cash drawer.
struct ReceiptPrinter: Sendable {
    /// Records a completed payment at the counter and opens the drawer when it was cash: what
    /// every screen that takes money runs in its effect.
    /// What the counter says once a payment is taken: the amount, and the change to hand back.
    static func recordedMessage(_ payment: PaymentService.Payment, session: Session) -> String {
        payment.change > 0
            ? L.t("receipt.payment_recorded_change", ["amount": session.money(payment.amount), "change": session.money(payment.change)])
            : L.t("receipt.payment_recorded", ["amount": session.money(payment.amount)])
    }

    static func takePayment(_ shop: Shop, orderID: Int64, amount: Int64, method: PaymentMethod, tendered: Int64?, caller: Caller,
                            settings: SessionSettings) -> (payment: Outcome<PaymentService.Payment>, drawer: Outcome<String?>?) {
        let result = Result { try shop.payments.create(orderID: orderID, amount: amount, method: method, tendered: tendered, completed: true, caller: caller) }
        guard case .success(let payment) = result else { return (result, nil) }
        return (result, Result { try ReceiptPrinter(settings: settings).openDrawer(after: [payment]) })
    }

    let settings: SessionSettings

    /// Writes and prints `text`; returns what happened, for the notice line.
    func print(_ text: String, name: String = "receipt") throws -> String {
        let path = Self.shown(try Self.saveNew(Data(text.utf8), in: try Self.folder(settings), name: name))
        let bytes = settings.receiptFormat == .escpos ? Data(EscPos.receipt(text)) : Data(text.utf8)
        let sent = try send(bytes, what: L.t("receipt.error.saved_anyway", ["path": path]))
        return sent.isEmpty ? L.t("receipt.saved", ["path": path])
            : L.t("receipt.saved_and_sent", ["path": path, "targets": sent.joined(separator: L.t("receipt.targets_separator"))])
    }

    /// Saves `bytes` as `name.txt` in `folder`, never over a different file: when that name holds
    /// something else (another demo run's S-000007, say) the next free `name-2.txt`, `name-3.txt`…
    /// is used; the same bytes already there (a reprint) are left as they are. Returns the path.
    static func saveNew(_ bytes: Data, in folder: String, name: String) throws -> String {
        for n in 1...1_000 {
            let path = folder + "/" + name + (n == 1 ? "" : "-\(n)") + ".txt"
            // O_EXCL: created here or not at all, even with another terminal saving at once.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd < 0 {
                guard errno == EEXIST else { throw ShopError(.unavailable, "receipt_not_saved", L.t("receipt.error.not_saved", ["folder": shown(folder), "why": String(cString: strerror(errno))])) }
                if FileManager.default.contents(atPath: path) == bytes { return path }
                continue
            }
            defer { close(fd) }
            if let failure = writeAll(bytes, to: fd) {
                throw ShopError(.unavailable, "receipt_not_saved", L.t("receipt.error.not_written", ["path": shown(path), "why": String(cString: strerror(failure))]))
            }
            return path
        }
        throw ShopError(.unavailable, "receipt_not_saved", L.t("receipt.error.too_many", ["name": name, "folder": shown(folder)]))
    }

    /// Writes all of `bytes` to `fd`; the errno of a failure, nil when all went.
    private static func writeAll(_ bytes: Data, to fd: Int32) -> Int32? {
        var failure: Int32?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = errno; break }
                offset += n
            }
        }
        return failure
    }

    /// Opens the cash drawer if `payments` hold a completed cash payment; nil when they do not
    /// or no drawer is configured. The hook after recording payments at the counter.
    func openDrawer(after payments: [PaymentService.Payment]) throws -> String? {
        guard payments.contains(where: { $0.method == .cash && $0.status == .completed }) else { return nil }
        return try openDrawer()
    }

    /// Opens the cash drawer the way the counter is set up: the drawer command when there is
    /// one (`--drawer-command`); else, with `--receipt-format escpos`, the ESC/POS kick sent to
    /// the receipt device and/or command (the drawer hangs off the printer). Nil: no drawer.
    func openDrawer() throws -> String? {
        if let command = settings.drawerCommand, !command.isEmpty {
            let status = Subprocess.run(command, input: Data())
            guard status == 0 else {
                throw ShopError(.unavailable, "drawer_failed", L.t("receipt.error.drawer_failed", ["command": command.joined(separator: " "), "status": Self.status(status)]))
            }
            return L.t("receipt.drawer_opened")
        }
        guard settings.receiptFormat == .escpos else { return nil }
        let sent = try send(Data(EscPos.openDrawer), what: L.t("receipt.error.drawer_by_hand"))
        return sent.isEmpty ? nil : L.t("receipt.drawer_opened")
    }

    /// " (status 3)" after a failed command's name; empty when it had no status.
    private static func status(_ status: Int32?) -> String { status.map { L.t("receipt.error.status", ["status": Format.number($0)]) } ?? "" }

    /// Bytes to the receipt command's stdin and to the receipt device; where they went.
    private func send(_ bytes: Data, what: String) throws -> [String] {
        var done: [String] = []
        if let command = settings.receiptCommand, !command.isEmpty {
            let status = Subprocess.run(command, input: bytes)
            guard status == 0 else {
                throw ShopError(.unavailable, "printer_failed", L.t("receipt.error.printer_failed", ["command": command.joined(separator: " "), "status": Self.status(status), "what": what]))
            }
            done.append(command[0])
        }
        if let device = settings.receiptDevice, !device.isEmpty {
            try Self.write(bytes, toDevice: device, what: what)
            done.append(device)
        }
        return done
    }

    /// Appends `bytes` to a printer device (`/dev/usb/lp0`): opened write-only and appending,
    /// never created (a mistyped path must fail, not fill a file), never through a shell.
    static func write(_ bytes: Data, toDevice path: String, what: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ShopError(.unavailable, "printer_failed", L.t("receipt.error.device", ["path": path, "why": String(cString: strerror(errno)), "what": what]))
        }
        defer { close(fd) }
        if let failure = writeAll(bytes, to: fd) { throw ShopError(.unavailable, "printer_failed", L.t("receipt.error.write", ["path": path, "why": String(cString: strerror(failure)), "what": what])) }
    }

    /// The receipt folder (`--receipt-dir`, default `./receipts`), created when missing; the
    /// cash-up's order exports go there too.
    static func folder(_ settings: SessionSettings) throws -> String {
        let folder = settings.receiptDirectory ?? FileManager.default.currentDirectoryPath + "/receipts"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `path` as the notice line shows it: relative to the working directory when inside it.
    static func shown(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    /// Splits a command line into words, honouring single and double quotes (no shell involved).
    static func words(_ line: String) -> [String] {
        var words: [String] = [], current = "", quote: Character?
        var inWord = false
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch; inWord = true
            } else if ch == " " || ch == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(ch); inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
