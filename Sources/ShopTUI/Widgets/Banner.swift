/// A one-line message across the screen: a toast after an action, or an error from an effect.
///
///     if let notice { Banner(notice, kind: .error).render(into: &buffer, area: area.row(1)) }
public struct Banner: Sendable {
    public enum Kind: Hashable, Sendable { case info, success, error }

    public var message: String
    public var kind: Kind

    public init(_ message: String, kind: Kind = .info) {
        self.message = message
        self.kind = kind
    }

    public var style: Style {
        switch kind {
        case .info: Theme.info
        case .success: Theme.success
        case .error: Theme.errorBanner
        }
    }

    /// The sign in front of the message, so the kind is clear without colors.
    public var symbol: String {
        switch kind {
        case .info: "ℹ"
        case .success: "✓"
        case .error: "✗"
        }
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        buffer.setStyle(line, style)
        buffer.setString(line.x + 1, line.y, "\(symbol) \(message)", style: style, maxWidth: line.width - 2, truncation: .ellipsis)
    }
}
