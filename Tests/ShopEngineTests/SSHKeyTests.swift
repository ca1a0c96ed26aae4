import Foundation
import Testing
@testable import ShopEngine

@Suite("Remembered SSH keys")
struct SSHKeyTests {
    // A real ed25519 public key blob (from ssh-keygen), as sshd writes it with ExposeAuthInfo.
    let authInfo = "publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"

    @Test("the key in sshd's auth info gets the fingerprint ssh-keygen prints")
    func fingerprint() throws {
        let key = try #require(SSHPublicKey.fromAuthInfo(authInfo))
        #expect(key.type == "ssh-ed25519")
        #expect(key.fingerprint == "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU", "as ssh-keygen -lf prints it")
        #expect(SSHPublicKey.fromAuthInfo("password\n") == nil)
        #expect(SSHPublicKey.fromAuthInfo("publickey ssh-ed25519 !!!notbase64") == nil)
    }

    @Test("a remembered key signs its owner in; it is never shared; it can be forgotten")
    func remember() throws {
        let t = try TestShop()
        let key = try #require(SSHPublicKey.fromAuthInfo(authInfo))
        let me = try t.customer("+15550001111")
        #expect(try t.shop.accounts.signIn(sshKey: key, clientAddress: "x") == nil)
        try t.shop.accounts.rememberKey(key, caller: me.caller)
        #expect(try t.shop.accounts.signIn(sshKey: key, clientAddress: "x")?.user.id == me.user.id)
        t.clock.advance(61)
        let other = try t.customer("+15550002222")
        expectError("key_taken") { try t.shop.accounts.rememberKey(key, caller: other.caller) }
        #expect(try t.shop.accounts.rememberedKeys(caller: me.caller).map(\.fingerprint) == [key.fingerprint])
        expectError("not_found") { try t.shop.accounts.forgetKey(fingerprint: key.fingerprint, caller: other.caller) }
        try t.shop.accounts.forgetKey(fingerprint: key.fingerprint, caller: me.caller)
        #expect(try t.shop.accounts.signIn(sshKey: key, clientAddress: "x") == nil)
    }
}
