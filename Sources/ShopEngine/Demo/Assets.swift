import Foundation

/// Finds files in the project's `assets/` folder: `SHOP_ASSETS`, then folders above the
/// running executable (a build tree inside the repository), then the working directory,
/// then `/usr/local/share/shop/assets`.
public enum Assets {
    /// `environment`: nil reads `SHOP_ASSETS` alone from the process (not the whole environment
    /// copied into a dictionary, as `ProcessInfo.environment` does on every call).
    public static func url(_ name: String, environment: [String: String]? = nil) -> URL? {
        var candidates: [URL] = []
        let root = environment.map { $0["SHOP_ASSETS"] } ?? getenv("SHOP_ASSETS").map { String(cString: $0) }
        if let root, !root.isEmpty { candidates.append(URL(fileURLWithPath: root)) }
        var dir = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("assets"))
            dir.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("assets"))
        candidates.append(URL(fileURLWithPath: "/usr/local/share/shop/assets"))
        return candidates.map { $0.appendingPathComponent(name) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    public static func data(_ name: String) throws -> Data {
        guard let url = url(name), let data = FileManager.default.contents(atPath: url.path) else {
            throw ShopError(.internal, "missing_asset", "Cannot find assets/\(name) (set SHOP_ASSETS to the assets folder)")
        }
        return data
    }
}
