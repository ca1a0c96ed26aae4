// swift-tools-version:6.0
// Shop: a terminal storefront. No third-party Swift packages: system C libraries only.
import PackageDescription

let package = Package(
    name: "Shop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shop", targets: ["shop"]),
        .executable(name: "shop-server", targets: ["shop-server"]),
        .library(name: "ShopEngine", targets: ["ShopEngine"]),
        .library(name: "ShopServer", targets: ["ShopServer"]),
        .library(name: "ShopTUI", targets: ["ShopTUI"]),
    ],
    targets: [
        // System libraries: a module map and a shim header each.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        // libpq, for the PostgreSQL store (`--db postgres://…`).
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ"),
        // Header-only declarations Glibc's Swift module lacks (epoll, accept4).
        .systemLibrary(name: "CPosix", path: "Sources/CPosix"),

        .target(name: "ShopEngine", dependencies: ["CSQLite", "CLibPQ", "COpenSSL"]),
        .target(name: "ShopServer", dependencies: ["ShopEngine", "CPosix"]),
        .target(name: "ShopTUI", dependencies: ["ShopEngine", "CNCurses"], exclude: ["Localization/README.md", "Counter/PERSIAN-RECEIPTS.md"]),

        .executableTarget(name: "shop", dependencies: ["ShopTUI", "ShopEngine"]),
        .executableTarget(name: "shop-server", dependencies: ["ShopServer", "ShopEngine"]),
        // Load generator for the multi-process tests and the benchmarks.
        .executableTarget(name: "shop-load", dependencies: ["ShopEngine"]),

        // Test-only: the temporary shop every test target opens. No product or executable
        // depends on it, so it is never linked into `shop` or `shop-server`.
        .target(name: "ShopTestSupport", dependencies: ["ShopEngine"], path: "Tests/ShopTestSupport"),
        .testTarget(name: "ShopEngineTests", dependencies: ["ShopEngine", "ShopTestSupport", "shop-server", "shop-load"], exclude: ["Fixtures"]),
        .testTarget(name: "ShopServerTests", dependencies: ["ShopServer", "ShopEngine", "ShopTestSupport", "CPosix", "shop-server"]),
        .testTarget(name: "ShopTUITests", dependencies: ["ShopTUI", "ShopEngine", "ShopTestSupport", "shop"]),
    ],
    swiftLanguageModes: [.v6]
)
