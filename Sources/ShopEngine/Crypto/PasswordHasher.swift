/// Password hashing with PBKDF2-HMAC-SHA256 at OWASP's minimum (600,000 iterations),
/// stored as `pbkdf2_sha256$ITERATIONS$SALT$HASH` (base64url).
public struct PasswordHasher: Sendable {
    public static let owaspIterations = 600_000
    public let iterations: Int

    public init(iterations: Int = PasswordHasher.owaspIterations) {
        self.iterations = iterations
    }

    public func hash(_ password: String) -> String {
        let salt = Crypto.randomBytes(16)
        let derived = Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, length: 32)
        return "pbkdf2_sha256$\(iterations)$\(Base64URL.encode(salt))$\(Base64URL.encode(derived))"
    }

    /// True when `password` matches `stored`. Malformed stored values never match.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2_sha256", let rounds = Int(parts[1]),
              rounds >= 1, rounds <= 10_000_000,
              let salt = Base64URL.decode(parts[2]), let expected = Base64URL.decode(parts[3]) else { return false }
        let derived = Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: rounds, length: expected.count)
        return Crypto.constantTimeEqual(derived, expected)
    }

    /// Spends the same time as a real check, so an unknown login is not faster than a wrong password.
    public func verifyDummy(_ password: String) {
        _ = Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: [UInt8](repeating: 7, count: 16), iterations: iterations, length: 32)
    }
}
