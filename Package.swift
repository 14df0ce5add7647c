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
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The media server's generated self-signed certificate (X.509 built and signed in process, no openssl CLI).
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries: module maps plus static-inline shims for macros and variadic C functions.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Stdlib-only values every module shares: IPv4 addresses, RFC 1123 host names, civil dates, SplitMix64,
        // and `Locked` (the lock of the modules that do not link NIO).
        .target(name: "Primitives"),
        // SHA-256 (image reports, TLS pins, URL tokens), SHA-512 (SHA-crypt root passwords) and their HMACs; stdlib only.
        .target(name: "Digest"),
        // ECMA-119 + Joliet + Rock Ridge + El Torito. Knows nothing of ESXi.
        .target(name: "ISO9660", dependencies: ["Primitives"]),
        // The ESXi installer's rules: BOOT.CFG, kickstart, module integrity, per-host remastering.
        .target(name: "ESXi", dependencies: ["Primitives", "ISO9660", "CZlib", "Digest"]),
        // ESXi-shaped test images (ISO, FAT EFI image, ISOLINUX stub, per-release module lists) for `vmedia fixture`,
        // `vmedia demo` and the tests; never linked into the install path.
        .target(name: "ESXiFixture", dependencies: ["Primitives", "ESXi", "ISO9660", "CZlib"]),
        // Async HTTP client over libcurl (Redfish transport, ESXi probe).
        .target(name: "CurlHTTP", dependencies: ["CCurl", "Primitives", "Digest", logging]),
        // Redfish resources, client and BMC drivers; the transport is injected (no curl, no NIO).
        .target(name: "Redfish", dependencies: ["Primitives", logging]),
        // vSphere Web Services (SOAP) client over libcurl: service content, login, properties, host services. One place
        // for every envelope; tested against govmomi's simulator.
        .target(name: "VSphere", dependencies: ["CurlHTTP"]),
        // Range-capable HTTP server for per-host images (no ISO9660: images arrive through ServableImage).
        // NIOConcurrencyHelpers (part of swift-nio) provides the locks for the registry and statistics; Digest the
        // HMAC-SHA-256 of --stable-tokens. NIOSSL serves HTTPS on the same port (the first byte tells TLS from HTTP);
        // X509, Crypto and SwiftASN1 make the self-signed certificate when no --tls-cert/--tls-key pair is given.
        .target(name: "MediaServer", dependencies: nio + [
            "Primitives", "Digest", logging, .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        // ISO9660's LayeredImage served through MediaServer's ServableImage seam (used by `vmedia serve`, the
        // installer and media-bench).
        .target(name: "LayeredMedia", dependencies: ["ISO9660", "MediaServer", .product(name: "NIOCore", package: "swift-nio")]),
        // The hosts file (old tool's config.yaml compatible) → validated host plans.
        .target(name: "Inventory", dependencies: ["Primitives", "ESXi", "Redfish", .product(name: "Yams", package: "Yams")]),

        // Simulated Redfish BMCs (vendor flavours) that read inserted media over HTTP ranges and then bring up a
        // simulated ESXi SOAP endpoint. Not Redfish: it serves its own vendor documents so the client can't mirror it.
        .target(name: "BMCSimulator", dependencies: nio + [
            "Primitives", "Digest", "ISO9660", "ESXi",
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),

        // Per-host install workflow: BMC session, publish, insert, boot, wait for media reads and ESXi, clean up.
        // Not BMCSimulator: the simulators reach the installer only over the network, like real BMCs.
        .target(name: "Installer", dependencies: [
            "Primitives", "ISO9660", "ESXi", "Redfish", "MediaServer", "LayeredMedia", "Inventory", "CurlHTTP", "VSphere", "Digest", logging,
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),

        // ArgumentParser commands; wiring only.
        .target(name: "VMediaCLI", dependencies: [
            "Primitives", "Digest", "ISO9660", "ESXi", "ESXiFixture", "CurlHTTP", "Redfish", "MediaServer", "LayeredMedia", "Inventory", "BMCSimulator", "Installer", logging,
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .executableTarget(name: "vmedia", dependencies: ["VMediaCLI"]),
        // The media server over a synthetic layered image, for Tests/Benchmarks/media-server.sh and process-level tests.
        .executableTarget(name: "media-bench", dependencies: [
            "MediaServer", "LayeredMedia", "ISO9660", "Primitives", logging, .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // libFuzzer target for the ISO 9660 reader and the whole edit path (ESXiRemaster → ImageEdit → LayeredImage;
        // bash Tests/Fuzz/run.sh builds it with -sanitize=fuzzer in .build-fuzz); CLibFuzzer declares the driver
        // and, in plain builds, replays input files.
        .target(name: "CLibFuzzer"),
        .executableTarget(name: "iso9660-fuzz", dependencies: ["ISO9660", "ESXi", "CLibFuzzer"]),
        // Benchmarks, one subcommand each: swift run -c release vmedia-bench <benchmark> …
        .executableTarget(name: "vmedia-bench", dependencies: [
            "ISO9660", "ESXi", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Test helpers shared by every test target (peer lookup, temp dirs, the vmedia binary).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives"]),
        .testTarget(name: "DigestTests", dependencies: ["Digest", "TestSupport"]),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "Primitives", "TestSupport"]),
        .testTarget(name: "RedfishTests", dependencies: ["Redfish", "Inventory", "ESXi", "TestSupport"]),
        .testTarget(name: "VSphereTests", dependencies: ["VSphere", "TestSupport"]),
        .testTarget(name: "ESXiTests", dependencies: ["ESXi", "ESXiFixture", "TestSupport"]),
        .testTarget(name: "ISO9660Tests", dependencies: ["ISO9660", "Primitives", "TestSupport"],
                    exclude: ["pycdlib_check.py", "peer_listing.py"]),
        .testTarget(name: "KickstartTests", dependencies: ["TestSupport", "ESXi", "ESXiFixture", "Digest", "Primitives"], exclude: ["Snapshots"]),
        .testTarget(name: "InventoryTests", dependencies: ["TestSupport", "Inventory", "ESXi", "Redfish"]),
        .testTarget(name: "MediaServerTests", dependencies: [
            "MediaServer", "LayeredMedia", "ISO9660", "Primitives", "TestSupport", logging,
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ], exclude: ["Scripts"]),
        .testTarget(name: "BMCSimulatorTests", dependencies: nio + ["BMCSimulator", "ESXi", "ESXiFixture", "TestSupport"]),
        .testTarget(name: "InstallerTests", dependencies: [
            "Installer", "Inventory", "VMediaCLI", "BMCSimulator", "ESXi", "ESXiFixture", "MediaServer", "CurlHTTP", "VSphere", "TestSupport", logging,
        ]),
    ]
)
