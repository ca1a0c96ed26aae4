import COpenSSL
import Foundation
import Synchronization

/// Thin wrappers over OpenSSL's libcrypto. No hand-rolled cryptography.
public enum Crypto {
    /// Cryptographically secure random bytes.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        // RAND_bytes only fails when the OS entropy source is broken: nothing safe to do then.
        precondition(RAND_bytes(&bytes, Int32(count)) == 1, "RAND_bytes failed: no secure randomness")
        return bytes
    }

    /// A uniformly random integer in 0..<upperBound (rejection sampling, no modulo bias).
    public static func randomInt(below upperBound: UInt32) -> UInt32 {
        precondition(upperBound > 0)
        let limit = UInt32.max - (UInt32.max % upperBound)
        while true {
            let bytes = randomBytes(4)
            let value = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            if value < limit { return value % upperBound }
        }
    }

    /// `n` random decimal digits, e.g. a one-time code.
    public static func randomDigits(_ n: Int) -> String {
        var upper: UInt32 = 1
        for _ in 0..<n { upper *= 10 }
        let value = randomInt(below: upper)
        let digits = String(value)
        return String(repeating: "0", count: n - digits.count) + digits
    }

    /// 128 random bits as lowercase hex: ids that must not be guessable.
    public static func randomID() -> String { hex(randomBytes(16)) }

    /// HMAC-SHA256 (RFC 2104; RFC 4231's vectors in CryptoTests). Each key's context is set up
    /// once and copied for every use (`HMACKeys`): OpenSSL's one-shot `HMAC()` looks the MAC and
    /// the digest up by name again on every call.
    public static func hmacSHA256(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        HMACKeys.shared.mac(key: key, data)
    }

    public static func hmacSHA256(key: [UInt8], _ text: String) -> [UInt8] {
        hmacSHA256(key: key, Array(text.utf8))
    }

    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { EVP_Digest($0.baseAddress, data.count, &out, &length, EVP_sha256(), nil) }
        precondition(ok == 1, "SHA-256 failed")
        return Array(out.prefix(Int(length)))
    }

    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBytes { p in
            salt.withUnsafeBytes { s in
                PKCS5_PBKDF2_HMAC(p.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(password.count),
                                  s.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(salt.count),
                                  Int32(iterations), EVP_sha256(), Int32(length), &out)
            }
        }
        precondition(ok == 1, "PBKDF2 failed")
        return out
    }

    /// Compares in time independent of where the inputs differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xf)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// HMAC-SHA256 contexts set up once per key: OpenSSL's HMAC fetched from its provider once, and
/// each key's context (key and digest in place) copied for every use, which looks nothing up.
/// A process holds few keys (the token key, the code key, the key file's derivations); past
/// `maxKeys` a key is set up on each use instead.
final class HMACKeys: Sendable {
    static let shared = HMACKeys()
    static let maxKeys = 16
    /// The fetched `EVP_MAC` (as a bit pattern: pointers are not Sendable); kept for the
    /// process's life, and OpenSSL's fetched algorithms are safe to share between threads.
    private let mac: UInt
    /// Set-up contexts by key (bit patterns of `EVP_MAC_CTX *`), only copied, under the lock.
    private let contexts = Mutex<[[UInt8]: UInt]>([:])

    private init() {
        // Fails only when OpenSSL's default provider cannot load: nothing safe to do then.
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { preconditionFailure("OpenSSL has no HMAC") }
        self.mac = UInt(bitPattern: mac)
    }

    func mac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        let copied = contexts.withLock { all -> UInt in
            if all[key] == nil, all.count < Self.maxKeys { all[key] = UInt(bitPattern: Self.context(mac, key)) }
            guard let template = all[key] else { return 0 }
            return UInt(bitPattern: EVP_MAC_CTX_dup(OpaquePointer(bitPattern: template)))
        }
        let context = OpaquePointer(bitPattern: copied) ?? Self.context(mac, key)
        defer { EVP_MAC_CTX_free(context) }
        let size = Int(EVP_MAX_MD_SIZE)
        var out = [UInt8](repeating: 0, count: size)
        var length = 0
        let updated = data.withUnsafeBytes { EVP_MAC_update(context, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count) }
        precondition(updated == 1 && EVP_MAC_final(context, &out, &length, size) == 1, "HMAC-SHA256 failed")
        return Array(out.prefix(length))
    }

    /// A new context keyed with `key`, for SHA-256.
    private static func context(_ mac: UInt, _ key: [UInt8]) -> OpaquePointer {
        guard let context = EVP_MAC_CTX_new(OpaquePointer(bitPattern: mac)) else { preconditionFailure("EVP_MAC_CTX_new failed") }
        // An empty key still needs a pointer (OpenSSL's own HMAC() passes a dummy one).
        let keyBytes = key.isEmpty ? [UInt8(0)] : key
        let ok = "digest".withCString { name in
            "SHA256".withCString { digest in
                var params = [OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: digest), 0), OSSL_PARAM_construct_end()]
                return keyBytes.withUnsafeBytes { EVP_MAC_init(context, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count, &params) }
            }
        }
        precondition(ok == 1, "HMAC-SHA256 set-up failed")
        return context
    }
}

/// Base64url without padding (RFC 4648 §5), decoded strictly: any other character is rejected.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: Substring) -> [UInt8]? {
        guard text.utf8.allSatisfy({ isAlphabet($0) }), text.utf8.count % 4 != 1 else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: standard) else { return nil }
        let bytes = [UInt8](data)
        // Non-canonical encodings (stray low bits) re-encode differently: reject them.
        guard encode(bytes) == text else { return nil }
        return bytes
    }

    private static func isAlphabet(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 95
    }
}
