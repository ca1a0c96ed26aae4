import Foundation

/// Runs a program directly (no shell) with `input` on its stdin and its output discarded, and
/// waits for it: `posix_spawnp` + `waitpid`, without a run loop, so it behaves the same on
/// any thread. Returns the exit status, or nil when it could not start or ran past `timeout`.
public enum Subprocess {
    /// Where a program named without a path is looked for. Never `PATH`: over SSH the caller could
    /// choose it and run their own `curl` as the shop's account.
    public static let systemDirectories = ["/usr/local/bin", "/usr/bin", "/bin"]

    /// The absolute path of `program`: itself when it names a path, else the first executable of
    /// that name in `systemDirectories`; nil when there is none.
    public static func resolve(_ program: String) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        guard !program.isEmpty else { return nil }
        return systemDirectories.map { $0 + "/" + program }.first { access($0, X_OK) == 0 }
    }

    /// Runs `arguments[0]` by absolute path (see `resolve`).
    public static func run(_ arguments: [String], input: Data, timeout: Double = 15) -> Int32? {
        guard let program = arguments.first.flatMap(resolve) else { return nil }
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { return nil }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        // The child starts with default signal handling and nothing blocked: servers ignore
        // SIGTERM/SIGPIPE for their own reasons, and ignored signals survive exec.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, sig) }
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        var spawned = posix_spawn(&pid, program, &actions, &attributes, &argv, environ)
        // A program just written (a script an operator saved, a file still open for writing in a
        // process forked meanwhile) gives ETXTBSY for a moment: try again briefly.
        for _ in 0..<100 where spawned == ETXTBSY {
            usleep(10_000)
            spawned = posix_spawn(&pid, program, &actions, &attributes, &argv, environ)
        }
        close(readEnd)
        guard spawned == 0 else { close(writeEnd); return nil }
        input.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(writeEnd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
        close(writeEnd)
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 { return nil }
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return nil
            }
            usleep(5_000)
        }
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil
    }
}
