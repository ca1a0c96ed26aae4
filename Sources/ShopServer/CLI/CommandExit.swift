import ShopEngine

/// The exit status every `shop-server` subcommand shares: 64 for a usage mistake (a flag, an
/// argument), 1 for anything that failed, each with one line saying why.
enum CommandExit {
    static func run(_ prefix: String, errors: (String) -> Void, _ body: () throws -> Int32) -> Int32 {
        do {
            return try body()
        } catch let error as Options.UsageError {
            errors("\(prefix): \(error.description)")
            return 64
        } catch let error as ShopError {
            errors("\(prefix): \(error.message)")
            return 1
        } catch {
            errors("\(prefix): \(error)")
            return 1
        }
    }
}
