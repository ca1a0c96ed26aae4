import Foundation
import ShopEngine

/// A request's JSON object body, read strictly: wrong types and malformed JSON are clear 400s,
/// another content type is a 415.
struct RequestBody {
    private let object: [String: Any]

    init(_ request: APIRequest, optional: Bool = false) throws {
        let type = request.header("content-type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        if request.body.isEmpty && optional { object = [:]; return }
        guard type == "application/json" else {
            throw ShopError(.unsupportedMediaType, "unsupported_media_type", "Send the body as application/json")
        }
        guard !request.body.isEmpty else { throw ShopError.invalidBody("A JSON object body is required") }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(request.body), options: [.fragmentsAllowed]) else {
            throw ShopError.invalidBody("The body is not valid JSON")
        }
        guard let dictionary = parsed as? [String: Any] else { throw ShopError.invalidBody("The body must be a JSON object") }
        object = dictionary
    }

    init(object: [String: Any]) { self.object = object }

    func has(_ key: String) -> Bool { object[key] != nil }

    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw ShopError.missing(key) }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let string = value as? String else { throw ShopError.wrongType(key, "a string") }
        guard string.utf8.count <= 100_000 else { throw ShopError.wrongType(key, "at most 100000 bytes") }
        return string
    }

    func int(_ key: String) throws -> Int64 {
        guard let value = try optionalInt(key) else { throw ShopError.missing(key) }
        return value
    }

    func optionalInt(_ key: String) throws -> Int64? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, !Self.isBool(number) else { throw ShopError.wrongType(key, "a whole number") }
        // JSON Schema's "integer" includes 232.0 (a number with no fraction), so the server does too.
        if "fd".contains(String(cString: number.objCType)) {
            let double = number.doubleValue
            guard double.rounded() == double, double >= -9.2e18, double <= 9.2e18 else { throw ShopError.wrongType(key, "a whole number") }
            return Int64(double)
        }
        guard "ilqsIQLS".contains(String(cString: number.objCType)) else { throw ShopError.wrongType(key, "a whole number") }
        // Above Int64.max the parser gives an unsigned number, which `int64Value` would wrap
        // into a negative one (9223372036854775808 → Int64.min).
        if String(cString: number.objCType) == "Q", number.uint64Value > UInt64(Int64.max) {
            throw ShopError(.invalid, "amount_too_large", "\(key) is too large", field: key)
        }
        return number.int64Value
    }

    func optionalBool(_ key: String) throws -> Bool? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, Self.isBool(number) else { throw ShopError.wrongType(key, "true or false") }
        return number.boolValue
    }

    /// One of an enum's raw values (by default any case), else a 400 `invalid_<key>` whose
    /// message lists the accepted values: `payment_method must be one of cash, card, …`.
    func oneOf<T: RawRepresentable & CaseIterable>(_ key: String, allowed: [T] = Array(T.allCases)) throws -> T where T.RawValue == String {
        guard let value = try optionalOneOf(key, allowed: allowed) else { throw ShopError.missing(key) }
        return value
    }

    func optionalOneOf<T: RawRepresentable & CaseIterable>(_ key: String, allowed: [T] = Array(T.allCases)) throws -> T? where T.RawValue == String {
        try optionalString(key).map { try Self.oneOf($0, key: key, allowed: allowed) }
    }

    /// The enum check shared by bodies and query parameters (`?sort=`, `?status=`).
    static func oneOf<T: RawRepresentable>(_ raw: String, key: String, allowed: [T]) throws -> T where T.RawValue == String {
        guard let value = allowed.first(where: { $0.rawValue == raw }) else {
            throw ShopError(.invalid, "invalid_\(key)", "\(key) must be one of \(allowed.map(\.rawValue).joined(separator: ", "))", field: key)
        }
        return value
    }

    func optionalObjects(_ key: String) throws -> [RequestBody]? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let array = value as? [Any] else { throw ShopError.wrongType(key, "a list") }
        return try array.map {
            guard let item = $0 as? [String: Any] else { throw ShopError.wrongType(key, "a list of objects") }
            return RequestBody(object: item)
        }
    }

    private static func isBool(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }
}

extension ShopError {
    static func invalidBody(_ message: String) -> ShopError { ShopError(.invalid, "invalid_body", message) }
    static func missing(_ key: String) -> ShopError { ShopError(.invalid, "missing_\(key)", "\(key) is required", field: key) }
    static func wrongType(_ key: String, _ what: String) -> ShopError { ShopError(.invalid, "invalid_\(key)", "\(key) must be \(what)", field: key) }
}
