/// The one error type the engine throws: a stable machine code, a human message, and a kind
/// that maps to an HTTP status.
///
/// ```swift
/// throw ShopError(.conflict, "out_of_stock", "Only 2 left of Chocolate cake")
/// ```
public struct ShopError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case invalid, unauthorized, forbidden, notFound, conflict, gone, tooManyRequests
        case payloadTooLarge, unsupportedMediaType, unavailable, `internal`

        public var httpStatus: Int {
            switch self {
            case .invalid: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .conflict: 409
            case .gone: 410
            case .payloadTooLarge: 413
            case .unsupportedMediaType: 415
            case .tooManyRequests: 429
            case .unavailable: 503
            case .internal: 500
            }
        }
    }

    public let kind: Kind
    public let code: String
    public let message: String
    /// Seconds to wait before trying again (with `.tooManyRequests`).
    public let retryAfter: Int?
    /// The input field the error is about, when there is one (forms show it beside the field).
    public let field: String?
    /// Values a translated message fills in (`{day}`, `{name}`…), beside `field` and `retryAfter`.
    public let parameters: [String: String]

    public init(_ kind: Kind, _ code: String, _ message: String, retryAfter: Int? = nil, field: String? = nil, parameters: [String: String] = [:]) {
        self.kind = kind
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.field = field
        self.parameters = parameters
    }

    public var httpStatus: Int { kind.httpStatus }
    public var description: String { "\(code): \(message)" }

    // MARK: - Common errors

    static func invalid(_ code: String, _ message: String, field: String? = nil) -> ShopError {
        ShopError(.invalid, code, message, field: field)
    }
    /// `what` in English ("Cart line"); translations pick `not_found.cart_line`.
    static func notFound(_ what: String) -> ShopError {
        ShopError(.notFound, Code.notFound, "\(what) not found", parameters: ["reason": what.lowercased().replacingOccurrences(of: " ", with: "_")])
    }
    static let signInRequired = ShopError(.unauthorized, Code.signInRequired, "Please sign in first")
    static let sessionEnded = ShopError(.unauthorized, Code.sessionEnded, "Your session has ended (signed out or password changed elsewhere); please sign in again")
    static let forbidden = ShopError(.forbidden, Code.forbidden, "You are not allowed to do this")
    /// What a translated `out_of_stock` names: the product and how many are left.
    static func stockParameters(name: String, left: Int64) -> [String: String] {
        ["reason": left <= 0 ? "none" : "some", "name": name, "left": "\(max(0, left))"]
    }
    static func tooMany(_ message: String, retryAfter: Int) -> ShopError {
        ShopError(.tooManyRequests, Code.tooManyRequests, message, retryAfter: max(1, retryAfter))
    }
}

// MARK: - Codes

extension ShopError {
    /// The stable codes front ends compare against, so a typo is a compile error rather than a
    /// branch that never runs:
    ///
    /// ```swift
    /// if let e = error as? ShopError, e.code == ShopError.Code.outOfStock { … }
    /// switch line.problem { case ShopError.Code.shortStock?: … }
    /// ```
    ///
    /// Only the codes a face branches on are listed; the engine still throws others.
    public enum Code {
        /// Not enough stock for the order (also a cart line's `problem` when none is left).
        public static let outOfStock = "out_of_stock"
        /// A cart line's `problem`: some stock is left, less than the line's quantity.
        public static let shortStock = "short_stock"
        /// A cart line's `problem`: the product is archived or no longer active.
        public static let unavailable = "unavailable"
        /// The caller's session was signed out, or its password changed, elsewhere.
        public static let sessionEnded = "session_ended"
        /// The caller's account was deactivated.
        public static let accountDisabled = "account_disabled"
        public static let signInRequired = "sign_in_required"
        public static let forbidden = "forbidden"
        public static let notFound = "not_found"
        public static let tooManyRequests = "too_many_requests"
        public static let invalidCode = "invalid_code"
        public static let invalidQuantity = "invalid_quantity"
        public static let invalidAmount = "invalid_amount"
        public static let variantRequired = "variant_required"
    }
}
