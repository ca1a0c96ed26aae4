import Foundation

/// A file written whole or not at all: the bytes go to a temporary file beside the target
/// (mode 0600: exports hold customers' names and addresses), which is flushed to disk and renamed
/// over the target only when writing finished. A failure leaves no file behind, and an existing
/// target untouched.
///
/// ```swift
/// try AtomicFile.write("orders.csv") { write in try write(bytes) }
/// ```
public enum AtomicFile {
    public typealias Write = (UnsafeRawBufferPointer) throws -> Void

    public static func write<T>(_ path: String, _ body: (_ write: Write) throws -> T) throws -> T {
        guard !path.isEmpty else { throw unwritable("The output file needs a name") }
        var info = stat()
        if lstat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR { throw unwritable("\(path) is a folder, not a file") }
            if access(path, W_OK) != 0 { throw unwritable("\(path) is not writable: \(String(cString: strerror(errno)))") }
        }
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".\(getpid()).\(Crypto.randomInt(below: 1_000_000)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == ENOENT ? "the folder does not exist" : String(cString: strerror(errno))
            throw unwritable("Cannot write \(path): \(reason) (\(directory))")
        }
        var open = true
        defer {
            if open { close(fd) }
            unlink(temporary) // gone already after a successful rename
        }
        // The umask may have taken bits from 0600; the owner must be able to write it.
        guard fchmod(fd, 0o600) == 0 else { throw unwritable("Cannot make \(temporary) private: \(String(cString: strerror(errno)))") }
        let value = try body { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw unwritable("Writing \(path) failed: \(String(cString: strerror(errno))); nothing was written")
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else { throw unwritable("Writing \(path) failed: \(String(cString: strerror(errno))); nothing was written") }
        open = false
        guard close(fd) == 0 else { throw unwritable("Writing \(path) failed: \(String(cString: strerror(errno))); nothing was written") }
        guard rename(temporary, path) == 0 else { throw unwritable("Cannot replace \(path): \(String(cString: strerror(errno))); nothing was written") }
        return value
    }

    static func unwritable(_ message: String) -> ShopError {
        ShopError.invalid("unwritable_target", message, field: "to")
    }
}
