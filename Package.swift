// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "canary",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "canary", targets: ["canary"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "Curl", dependencies: ["CCurl"]),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "OneTimePassword", dependencies: ["CCrypto"]),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "CanaryCore",
            dependencies: [
                "Curl",
                "OneTimePassword",
                "SQLite",
                "CMalloc",
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "CanarySimulator",
            dependencies: [
                "OneTimePassword",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "canary",
            dependencies: [
                "CanaryCore",
                "CanarySimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "CanaryTestSupport",
            dependencies: ["CanarySimulator"],
            path: "Tests/CanaryTestSupport"
        ),
        .testTarget(
            name: "CanaryCoreTests",
            dependencies: ["CanaryCore", "OneTimePassword", "SQLite", "CanaryTestSupport"]
        ),
        .testTarget(
            name: "CanaryIntegrationTests",
            dependencies: ["CanaryCore", "CanarySimulator", "OneTimePassword", "CanaryTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
