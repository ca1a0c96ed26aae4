import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

@Suite("Session caps: independent lock holders on one sessions folder")
struct SessionLimitTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-sessions-\(UUID().uuidString)").path

    @Test("past the per-address cap the same address is refused, another address still gets in")
    func perAddressCap() throws {
        let limits = SessionLimit.Limits(total: 100, perAddress: 2)
        let a1 = try SessionLimit.acquire(in: directory, address: "198.51.100.7", limits: limits)
        let a2 = try SessionLimit.acquire(in: directory, address: "198.51.100.7", limits: limits)
        #expect(throws: SessionLimit.Refusal.addressFull(open: 2)) {
            _ = try SessionLimit.acquire(in: directory, address: "198.51.100.7", limits: limits)
        }
        let b = try SessionLimit.acquire(in: directory, address: "203.0.113.9", limits: limits)
        a1.release()
        let a3 = try SessionLimit.acquire(in: directory, address: "198.51.100.7", limits: limits)
        withExtendedLifetime((a2, b, a3)) {}
    }

    @Test("past the total cap everyone is refused, local sessions included; local sessions have no per-address cap")
    func totalCap() throws {
        let limits = SessionLimit.Limits(total: 3, perAddress: 1)
        let held = try (0..<3).map { _ in try SessionLimit.acquire(in: directory, address: nil, limits: limits) }
        #expect(throws: SessionLimit.Refusal.storeFull) { _ = try SessionLimit.acquire(in: directory, address: nil, limits: limits) }
        #expect(throws: SessionLimit.Refusal.storeFull) { _ = try SessionLimit.acquire(in: directory, address: "192.0.2.1", limits: limits) }
        held[0].release()
        _ = try SessionLimit.acquire(in: directory, address: "192.0.2.1", limits: limits)
    }

    @Test("a session whose owner died (its file is no longer locked) frees its place and its file is removed")
    func deadOwnerFreesPlace() throws {
        let limits = SessionLimit.Limits(total: 1, perAddress: 1)
        let first = try SessionLimit.acquire(in: directory, address: "192.0.2.1", limits: limits)
        #expect(throws: SessionLimit.Refusal.storeFull) { _ = try SessionLimit.acquire(in: directory, address: "192.0.2.2", limits: limits) }
        first.release()
        // What a crashed session leaves behind: its file, which nobody holds a lock on any more.
        let stale = directory + "/192.0.2.1@99999-1"
        #expect(FileManager.default.createFile(atPath: stale, contents: nil))
        let second = try SessionLimit.acquire(in: directory, address: "192.0.2.2", limits: limits)
        #expect(!FileManager.default.fileExists(atPath: stale), "the dead session's file was cleaned up")
        withExtendedLifetime(second) {}
    }

    @Test("an address from the environment never names a path")
    func addressIsSanitised() {
        #expect(SessionLimit.fileTag("../../etc/passwd") == "....ecad", "no slash survives")
        #expect(SessionLimit.fileTag("2001:db8::1") == "2001:db8::1")
        #expect(SessionLimit.fileTag("x/y") == "other")
    }

    @Test("with a PostgreSQL database the caps need --sessions-dir (this host's folder), and say so; with it they count there")
    func postgresNeedsSessionsFolder() throws {
        let flags = SessionLimit.flags + [Options.Flag("db", value: "PATH", help: "")]
        let url = "postgres://shop@db.internal:6432/shop"
        guard case .refused(let message, let status) = SessionLimit.admit(try Options.parse(["--db", url], flags: flags, environment: [:]), clientAddress: nil) else {
            Issue.record("a postgres:// database with caps on and no --sessions-dir must be refused"); return
        }
        #expect(status == 64 && message.contains("--sessions-dir DIR") && message.contains("--max-sessions 0"), "\(message)")
        let off = try Options.parse(["--db", url, "--max-sessions", "0", "--max-sessions-per-address", "0"], flags: flags, environment: [:])
        guard case .admitted(nil) = SessionLimit.admit(off, clientAddress: nil) else { Issue.record("caps off: admitted without counting"); return }
        let counted = try Options.parse(["--db", url, "--sessions-dir", directory, "--max-sessions", "1"], flags: flags, environment: [:])
        guard case .admitted(let slot?) = SessionLimit.admit(counted, clientAddress: nil) else { Issue.record("--sessions-dir: admitted and counted"); return }
        #expect(slot.path.hasPrefix(directory + "/"))
        guard case .refused(_, 75) = SessionLimit.admit(counted, clientAddress: nil) else { Issue.record("the second session is past --max-sessions 1"); return }
        withExtendedLifetime(slot) {}
    }

    @Test("the sessions folder is private (0700)")
    func folderIsPrivate() throws {
        let slot = try SessionLimit.acquire(in: directory, address: nil, limits: .init())
        var info = stat()
        #expect(lstat(directory, &info) == 0 && info.st_mode & 0o777 == 0o700)
        withExtendedLifetime(slot) {}
    }
}

/// The real `shop` program, several processes on one database, each in its own terminal.
@Suite("Session caps: real shop processes", .serialized)
struct SessionLimitProcessTests {
    @Test("with --max-sessions-per-address 2 a third session from one SSH address is told so and ends without touching the terminal; another address gets in; a killed session frees its place")
    func capAcrossProcesses() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shop-cap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let arguments = ["--db", dir.appendingPathComponent("shop.sqlite").path,
                         "--messages", "file:" + dir.appendingPathComponent("messages.jsonl").path,
                         "--max-sessions-per-address", "2"]
        func session(_ address: String) throws -> TmuxHarness {
            try TmuxHarness(environment: ["TERM": "xterm-256color", "SSH_CLIENT": "\(address) 50000 22",
                                          "SSH_CONNECTION": "\(address) 50000 127.0.0.1 22"],
                            arguments: arguments, stats: false)
        }
        let a1 = try session("198.51.100.7")
        #expect(a1.waitFor("› Browse", seconds: 20), a1.dump)
        let a2 = try session("198.51.100.7")
        #expect(a2.waitFor("› Browse", seconds: 20), a2.dump)

        let a3 = try session("198.51.100.7")
        #expect(a3.waitFor("STTY:", seconds: 20), a3.dump)
        #expect(a3.screen().prefix(3) == ["BEFORE-SHOP", "EXIT:75", "STTY: isig icanon echo"], a3.dump)
        let stderr = (try? String(contentsOf: a3.directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
        #expect(stderr == "Too many sessions from your address (2 open); please close one and try again.\n")

        let b = try session("203.0.113.9")
        #expect(b.waitFor("› Browse", seconds: 20), b.dump)

        let pid = try #require(a1.shopPID)
        kill(pid, SIGKILL)
        #expect(a1.waitFor("EXIT:137", seconds: 10), a1.dump)
        let a4 = try session("198.51.100.7")
        #expect(a4.waitFor("› Browse", seconds: 20), "the killed session's place is free again \(a4.dump)")

        for t in [a2, b, a4] {
            try t.send("q")
            #expect(t.waitFor("EXIT:0"), t.dump)
        }
    }

    @Test("with --max-sessions 1 a second local session is told the store is full")
    func totalCapAcrossProcesses() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shop-cap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let arguments = ["--db", dir.appendingPathComponent("shop.sqlite").path,
                         "--messages", "file:" + dir.appendingPathComponent("messages.jsonl").path, "--max-sessions", "1"]
        let first = try TmuxHarness(environment: ["TERM": "xterm-256color", "SSH_CLIENT": ""], arguments: arguments, stats: false)
        #expect(first.waitFor("› Browse", seconds: 20), first.dump)
        let second = try TmuxHarness(environment: ["TERM": "xterm-256color", "SSH_CLIENT": ""], arguments: arguments, stats: false)
        #expect(second.waitFor("EXIT:75", seconds: 20), second.dump)
        let stderr = (try? String(contentsOf: second.directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
        #expect(stderr == "The store is full right now; please try again in a minute.\n")
        try first.send("q")
        #expect(first.waitFor("EXIT:0"), first.dump)
    }
}
