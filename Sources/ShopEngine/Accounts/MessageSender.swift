import Foundation

/// A code or notice for a person, by SMS or email.
public struct OutgoingMessage: Codable, Sendable, Equatable {
    public enum Channel: String, Codable, Sendable { case sms, email }
    public let channel: Channel
    public let to: String
    public let text: String
}

/// Where outgoing messages go, chosen by configuration (`--messages` / `SHOP_MESSAGES`):
/// `file:PATH` (JSON lines), `webhook:URL` (JSON POST), `stdout` (`shop-server` only, when asked
/// for), or `outbox` (kept in the database: the demo's own, never parsed from a flag). A code must
/// reach only the owner of the phone or email, or the shop's operator. A failed delivery throws.
public enum MessageSink: Sendable, Equatable {
    case stdout
    case file(String)
    case webhook(URL)
    case outbox

    public static func parse(_ spec: String) throws -> MessageSink {
        if spec == "stdout" { return .stdout }
        if spec == "outbox" {
            // Staff could read an admin's code there and become admin: the demo's alone.
            throw ShopError.invalid("invalid_messages", "--messages outbox is only for the demo (--demo); use file:PATH or webhook:URL")
        }
        if spec.hasPrefix("file:"), spec.count > 5 { return .file(String(spec.dropFirst(5))) }
        if spec.hasPrefix("webhook:"), let url = URL(string: String(spec.dropFirst(8))),
           let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil {
            return .webhook(url)
        }
        throw ShopError.invalid("invalid_messages", "--messages must be file:PATH, webhook:http(s)://… or stdout (got \"\(spec)\")")
    }
}

extension Optional where Wrapped == MessageSink {
    /// Where codes go, for a start-up line (a webhook's query, which may hold a key, is left out).
    public var summary: String {
        switch self {
        case nil: "nowhere: no --messages set, so code sign-in, email verification and password reset are refused (codes_not_configured)"
        case .stdout?: "this program's standard output (--messages stdout)"
        case .file(let path)?: "the file \(path)"
        case .webhook(let url)?: "the webhook at \(url.scheme ?? "https")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\(url.path)"
        case .outbox?: "the demo outbox (GET /api/v1/admin/outbox, staff screens)"
        }
    }
}

struct MessageSender: Sendable {
    /// nil: nothing was configured, and flows that need a code refuse (fail closed).
    let sink: MessageSink?
    let store: Store
    let clock: any ShopClock

    static let notConfigured = ShopError(.unavailable, "codes_not_configured",
                                         "Codes by text message or email are not set up on this shop (the operator sets --messages); sign in with a password")

    var isConfigured: Bool { sink != nil }

    /// Throws `codes_not_configured` before a flow writes anything it could not finish.
    func requireConfigured() throws {
        guard isConfigured else { throw Self.notConfigured }
    }

    func send(_ message: OutgoingMessage) throws {
        switch sink {
        case nil:
            throw Self.notConfigured
        case .stdout:
            let line = "[\(message.channel.rawValue) to \(message.to)] \(message.text)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        case .file(let path):
            try appendLine(message, to: path)
        case .webhook(let url):
            try post(message, to: url)
        case .outbox:
            try store.write { db in
                try db.run("INSERT INTO outbox(channel, recipient, body, created_at) VALUES (?, ?, ?, ?)",
                           message.channel.rawValue, message.to, message.text, clock.now())
            }
        }
    }

    private static let failed = ShopError(.unavailable, "message_not_sent", "We could not send the message right now; please try again")

    /// One JSON object per line; O_APPEND keeps lines from several processes whole.
    private func appendLine(_ message: OutgoingMessage, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(message)
        data.append(0x0A)
        var fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        if fd < 0, errno == ENOENT {
            // Created here: owner-only whatever the umask (codes are secrets); an operator's own
            // file keeps the mode they gave it. EEXIST means another process created it just now.
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
            if fd >= 0 { fchmod(fd, 0o600) } else if errno == EEXIST { fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC) }
        }
        guard fd >= 0 else { throw Self.failed }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw Self.failed }
    }

    /// POSTs the message as JSON with `curl` (config on stdin: neither the gateway URL, which may
    /// carry a key, nor the code shows in the process list). Not linking an HTTP client keeps every
    /// TUI process — one per SSH customer — several MiB smaller.
    private func post(_ message: OutgoingMessage, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = String(decoding: try encoder.encode(message), as: UTF8.self)
        func quoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r") + "\""
        }
        let config = """
        url = \(quoted(url.absoluteString))
        request = "POST"
        header = "Content-Type: application/json"
        data-binary = \(quoted(body))
        max-time = 10
        fail
        silent
        """
        guard Subprocess.run(["/usr/bin/curl", "--config", "-", "--output", "/dev/null"], input: Data(config.utf8)) == 0 else { throw Self.failed }
    }
}

