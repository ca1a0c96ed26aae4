import Foundation
import ShopEngine

/// A photo (a product's, or a customer's set by staff) named by its path on the counter machine: read at most the engine's size
/// cap, checked by the engine's rules (PNG/JPEG magic bytes), errors about the "photo" field.
enum PhotoFile {
    static func load(_ rawPath: String) throws -> Photo {
        let path = NSString(string: rawPath.trimmingCharacters(in: .whitespaces)).expandingTildeInPath
        var info = stat()
        guard stat(path, &info) == 0 else { throw problem(L.t("photo.error.no_file", ["path": path])) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw problem(L.t("photo.error.not_file", ["path": path])) }
        guard info.st_size <= Photo.maxBytes else { throw problem(L.t("photo.error.too_big", ["size": Format.number(info.st_size / 1024)])) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw problem(L.t("photo.error.unreadable", ["path": path])) }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: Photo.maxBytes + 1)) ?? Data())
        do {
            return try Photo.validated(bytes, declaredType: nil)
        } catch let error as ShopError {
            throw ShopError(error.kind, error.code, ScreenContext.describe(error), field: "photo")
        }
    }

    private static func problem(_ message: String) -> ShopError { ShopError(.invalid, "invalid_photo", message, field: "photo") }
}
