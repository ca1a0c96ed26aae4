import Synchronization

/// The header of a SQLite file's WAL index: the start of its `-shm` file, which every process with
/// the file open maps. Every commit, in any process, rewrites it, so a copy taken earlier tells by
/// reading memory alone whether anything was committed since: what `PRAGMA data_version` tells,
/// without a statement, a lock or a system call, so a thread that must never wait may ask.
///
/// Layout (https://sqlite.org/walformat.html, "The WAL-Index Header"): two copies of a 48-byte
/// header. A writer writes the second copy, then the first; a reader that reads the first, then
/// the second, and finds them equal holds a whole header (SQLite's own `walIndexTryHdr`).
struct WALIndexHeader: Equatable, Sendable {
    private let words: SIMD8<UInt64>

    static let byteCount = 48
    /// The size of the WAL index's pages, in which SQLite maps it.
    static let regionBytes: Int32 = 32_768

    /// The header at `index` (SQLite's mapping of the WAL index), or nil while a writer is
    /// rewriting it or before any connection set it up.
    static func read(_ index: UnsafeRawPointer) -> WALIndexHeader? {
        let first = load(index)
        atomicMemoryFence(ordering: .acquiring)
        let second = load(index + byteCount)
        // Byte 12 is `isInit`: 0 until a connection has read the WAL (or rebuilt the index).
        guard first == second, index.load(fromByteOffset: 12, as: UInt8.self) != 0 else { return nil }
        return first
    }

    private static func load(_ at: UnsafeRawPointer) -> WALIndexHeader {
        var words = SIMD8<UInt64>()
        for i in 0..<(byteCount / 8) { words[i] = at.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self) }
        return WALIndexHeader(words: words)
    }
}
