import Foundation
import Testing
@testable import ShopEngine

@Suite("Crypto")
struct CryptoTests {
    func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    @Test("HMAC-SHA256 matches RFC 4231 test cases 1, 2 and 6")
    func hmacVectors() {
        #expect(Crypto.hex(Crypto.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), "Hi There"))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(Crypto.hex(Crypto.hmacSHA256(key: Array("Jefe".utf8), "what do ya want for nothing?"))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Crypto.hex(Crypto.hmacSHA256(key: [UInt8](repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First"))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    /// HMAC by its definition (RFC 2104) over SHA-256, as a reference independent of OpenSSL's MAC.
    func definitionHMAC(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? Crypto.sha256(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = Crypto.sha256(block.map { $0 ^ 0x36 } + data)
        return Crypto.sha256(block.map { $0 ^ 0x5c } + inner)
    }

    @Test("HMAC-SHA256 stays right for every key, past the contexts kept per key, on many threads at once")
    func hmacManyKeys() async {
        // An empty key, block-sized and longer ones, and more keys than HMACKeys keeps set up.
        let keys = (0..<(HMACKeys.maxKeys + 8)).map { n in (0..<(n * 7 % 140)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) } }
        let message = Array("what a customer's token signs".utf8)
        let expected = keys.map { definitionHMAC(key: $0, message) }
        let results = await withTaskGroup(of: (Int, [UInt8]).self) { group in
            for round in 0..<4 {
                for (i, key) in keys.enumerated() {
                    group.addTask {
                        _ = Crypto.hmacSHA256(key: key, message + [UInt8(round)]) // another message under the same key in between
                        return (i, Crypto.hmacSHA256(key: key, message))
                    }
                }
            }
            var all: [(Int, [UInt8])] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == keys.count * 4)
        for (i, mac) in results { #expect(mac == expected[i], "key \(i) (\(keys[i].count) bytes)") }
        #expect(Crypto.hmacSHA256(key: [], []) == definitionHMAC(key: [], []), "the empty key and message")
    }

    @Test("PBKDF2-HMAC-SHA256 matches RFC 7914 section 11")
    func pbkdf2Vectors() {
        let one = Crypto.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
        #expect(one == bytes("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"))
        let many = Crypto.pbkdf2SHA256(password: Array("Password".utf8), salt: Array("NaCl".utf8), iterations: 80000, length: 64)
        #expect(many == bytes("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"))
    }

    @Test("SHA-256 of 'abc' is the FIPS 180-2 value")
    func sha256() {
        #expect(Crypto.hex(Crypto.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("passwords are hashed with OWASP's PBKDF2 minimum and verified; the hash hides the password")
    func passwordHashing() {
        let hasher = PasswordHasher()
        #expect(hasher.iterations >= 600_000)
        let stored = hasher.hash("correct horse")
        #expect(stored.hasPrefix("pbkdf2_sha256$600000$"))
        #expect(!stored.contains("correct"))
        #expect(hasher.verify("correct horse", against: stored))
        #expect(!hasher.verify("correct horsE", against: stored))
        #expect(!hasher.verify("x", against: "garbage"))
        #expect(hasher.hash("same") != hasher.hash("same"), "salts differ")
    }

    @Test("constant-time compare and codes from the CSPRNG")
    func randomness() {
        #expect(Crypto.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Crypto.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Crypto.constantTimeEqual([1, 2], [1, 2, 3]))
        let codes = (0..<200).map { _ in Crypto.randomDigits(6) }
        #expect(codes.allSatisfy { $0.count == 6 && $0.allSatisfy(\.isNumber) })
        #expect(Set(codes).count > 190)
    }

    @Test("base64url decoding is strict")
    func base64url() {
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64URL.decode("-_8=") == nil)
        #expect(Base64URL.decode("+/8") == nil)
        #expect(Base64URL.decode("-_9") == nil, "non-canonical trailing bits")
    }

    @Test("the key file is created once with mode 0600 and refused when others can read it")
    func keyFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("k-\(UUID().uuidString)").path
        defer { unlink(path) }
        let first = try SecretKey.loadOrCreate(at: path)
        let second = try SecretKey.loadOrCreate(at: path)
        #expect(first.bytes == second.bytes)
        #expect(first.bytes.count == 32)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        chmod(path, 0o644)
        #expect(throws: ShopError.self) { _ = try SecretKey.loadOrCreate(at: path) }
    }
}
