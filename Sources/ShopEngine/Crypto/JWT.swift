import Foundation

/// JSON Web Tokens signed with HS256 — and only HS256. Validation is strict: the header must
/// name HS256, the signature must match in constant time, and `typ`, `exp` and `nbf` are checked.
public struct JWT: Sendable {
    public enum TokenType: String, Sendable { case access, refresh }

    public struct Claims: Codable, Sendable, Equatable {
        public var sub: String
        public var typ: String
        public var iat: Int64
        public var nbf: Int64
        public var exp: Int64
        public var jti: String
        public var fam: String
    }

    private let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    public func sign(_ claims: Claims) -> String {
        let header = #"{"alg":"HS256","typ":"JWT"}"#
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payload = (try? encoder.encode(claims)) ?? Data() // encoding plain values cannot fail
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode([UInt8](payload))
        return signingInput + "." + Base64URL.encode(Crypto.hmacSHA256(key: key, signingInput))
    }

    /// Returns the claims of a valid, current token of the expected type, or throws `invalid_token`.
    public func verify(_ token: String, as type: TokenType, now: Int64) throws -> Claims {
        guard token.utf8.count <= 4096 else { throw Self.invalid }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64URL.decode(parts[0]),
              let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]) else { throw Self.invalid }
        guard let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
              header["alg"] as? String == "HS256",
              header["crit"] == nil else { throw Self.invalid }
        let signingInput = parts[0] + "." + parts[1]
        guard Crypto.constantTimeEqual(signature, Crypto.hmacSHA256(key: key, String(signingInput))) else { throw Self.invalid }
        guard let claims = try? JSONDecoder().decode(Claims.self, from: Data(payloadBytes)),
              claims.typ == type.rawValue else { throw Self.invalid }
        guard claims.exp > now else { throw ShopError(.unauthorized, "token_expired", "Your session has expired; sign in again") }
        guard claims.nbf <= now + 5 else { throw Self.invalid } // 5 s leeway for clocks of other processes
        return claims
    }

    static let invalid = ShopError(.unauthorized, "invalid_token", "The token is not valid")
}
