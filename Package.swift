// swift-tools-version:6.0
// vmedia: remaster ESXi installer ISOs per host, serve them to BMCs, and drive the install over Redfish.
// The target graph is a DAG; CI enforces it with --explicit-target-dependency-import-check error.
import PackageDescription

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
]
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")

let package = Package(
    name: "vmedia",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vmedia", targets: ["vmedia"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries: module maps plus static-inline shims for macros and variadic C functions.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // ECMA-119 + Joliet + Rock Ridge + El Torito. Knows nothing of ESXi.
        .target(name: "ISO9660"),
        // The ESXi installer's rules: BOOT.CFG, kickstart, module integrity, fixtures.
        .target(name: "ESXi", dependencies: ["ISO9660", "CZlib"]),
        // Async HTTP client over libcurl (Redfish transport, ESXi probe).
        .target(name: "CurlHTTP", dependencies: ["CCurl", logging]),
        // Redfish resources, client and BMC drivers; the transport is injected (no curl, no NIO).
        .target(name: "Redfish", dependencies: [logging]),
        // Range-capable HTTP server for per-host images (no ISO9660: images arrive through ServableImage).
        .target(name: "MediaServer", dependencies: nio + [logging]),
        // The hosts file (old tool's config.yaml compatible) → validated host plans.
        .target(name: "Inventory", dependencies: ["ESXi", "Redfish", .product(name: "Yams", package: "Yams")]),

        // ArgumentParser commands; wiring only.
        .target(name: "VMediaCLI", dependencies: [
            "ISO9660", "ESXi", "CurlHTTP", "Redfish", "MediaServer", "Inventory", logging,
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "vmedia", dependencies: ["VMediaCLI"]),

        // libFuzzer target for the ISO 9660 reader (bash Tests/Fuzz/run.sh builds it with -sanitize=fuzzer
        // in .build-fuzz); CLibFuzzer declares the driver and, in plain builds, replays input files.
        .target(name: "CLibFuzzer"),
        .executableTarget(name: "iso9660-fuzz", dependencies: ["ISO9660", "CLibFuzzer"]),
        // Benchmarks, one subcommand each: swift run -c release vmedia-bench <benchmark> …
        .executableTarget(name: "vmedia-bench", dependencies: [
            "ISO9660", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Test helpers shared by every test target (peer lookup, temp dirs, the vmedia binary).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
        .testTarget(name: "ESXiTests", dependencies: ["ESXi", "TestSupport"]),
        .testTarget(name: "ISO9660Tests", dependencies: ["ISO9660", "TestSupport"],
                    exclude: ["pycdlib_check.py"]),
    ]
)
