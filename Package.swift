// swift-tools-version:6.1
import PackageDescription

// Data flows one way: request → dump → selection → writer → file.
// Each target below owns one concern; see README.md ("Architecture").

/// The hot-path targets mutate reused buffers (classes) per byte; Swift's dynamic exclusivity
/// checks on those accesses cost ~15% of an export (measured with perf). Their accesses are
/// confined to one thread each, so the checks are turned off there.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "StepExport",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "stepexport", targets: ["StepExportCLI"]),
        .library(name: "StepExport", targets: ["StepExport"]),
        // The engine's parts, for the benchmark package in Benchmarks/ (never built by `swift test`'s needs alone).
        .library(name: "StepExportParts", targets: [
            "Bytes", "Timestamps", "JSONScan", "Events", "StepRequest", "EventDump", "Selection", "Table", "CSVWriter",
            "ZipArchive", "XLSXWriter", "DumpGenerator",
        ]),
        // Entry points of the fuzzers in Fuzz/ (a separate package), also run by the tests.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `stepexport serve` only (StepExportServer). No default traits: the swift-configuration
        // support they bring is not used, and leaving it out keeps the first build shorter.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),

        // One zlib inflate stream's set-up and tear-down, for every reader of compressed bytes.
        .target(name: "ZlibStream", dependencies: ["CZlib"]),
        // Locks, conditions and threads on pthreads: Foundation's would load all of Foundation.
        .target(name: "Threads"),
        // Raw byte buffers, buffered file output, byte-string keys.
        .target(name: "Bytes", dependencies: ["Threads"], swiftSettings: hotPath),
        // ISO 8601 parsing, UTC / zone formatting, Excel serials.
        .target(name: "Timestamps", swiftSettings: hotPath),
        // Inner loops in C for their SSE2 intrinsics: the JSON string scanner's 16-byte loop and
        // the array files' structural pass on 64-byte blocks.
        .target(name: "CVectorScan"),
        // Strict RFC 8259 scanning over raw bytes, and a small value tree for payloads and catalogs.
        .target(name: "JSONScan", dependencies: ["CVectorScan"], swiftSettings: hotPath),
        // The event keys of SPEC §2, extracted from one event's bytes.
        .target(name: "Events", dependencies: ["Bytes", "JSONScan", "Timestamps"], swiftSettings: hotPath),
        // The API request: path, payload, field rules and error bodies (SPEC §3).
        .target(name: "StepRequest", dependencies: ["Bytes", "JSONScan", "Timestamps"]),
        // The dump: catalog, event files, gzip, NDJSON / JSON arrays, parallel scanning.
        .target(name: "EventDump", dependencies: ["Threads", "Bytes", "CVectorScan", "CZlib", "ZlibStream", "JSONScan", "Events"], swiftSettings: hotPath),
        // Which events answer the request (SPEC §4).
        .target(name: "Selection", dependencies: ["Bytes", "Timestamps", "Events", "StepRequest", "EventDump"], swiftSettings: hotPath),
        // The 31 output columns and their cell values (SPEC §5).
        .target(name: "Table", dependencies: ["Bytes", "Events", "Timestamps"], swiftSettings: hotPath),
        // CSV output (SPEC §6).
        .target(name: "CSVWriter", dependencies: ["Bytes", "Table"], swiftSettings: hotPath),
        // Zip container: writing with zlib deflate, reading back with inflate.
        .target(name: "ZipArchive", dependencies: ["Threads", "Bytes", "CZlib", "ZlibStream"], swiftSettings: hotPath),
        // SpreadsheetML parts (SPEC §7).
        .target(name: "XLSXWriter", dependencies: ["Bytes", "Table", "Timestamps", "ZipArchive"], swiftSettings: hotPath),
        // Reading an export back (the `inspect` command, tests).
        .target(name: "XLSXReader", dependencies: ["Bytes", "ZipArchive", "CLibXML2", "Timestamps"]),
        // The engine: one request (or a batch) from dump to finished file.
        .target(name: "StepExport", dependencies: [
            "Threads", "Bytes", "Timestamps", "JSONScan", "Events", "StepRequest", "EventDump", "Selection", "Table",
            "CSVWriter", "XLSXWriter",
        ], swiftSettings: hotPath),
        // Synthetic dumps for the demo, tests and benchmarks (`stepexport generate`).
        .target(name: "DumpGenerator", dependencies: ["Bytes", "CZlib", "Timestamps"]),
        // What each fuzzer in Fuzz/ runs on one input; FuzzCorpusTests replays the corpora through it.
        .target(name: "FuzzTargets", dependencies: [
            "Bytes", "CZlib", "ZlibStream", "JSONScan", "Events", "StepRequest", "EventDump", "Table", "CSVWriter", "Timestamps",
            "ZipArchive", "XLSXReader", "StepExport",
        ]),
        // `stepexport serve`: the API over HTTP (SPEC §11), on Hummingbird; the only target that needs it.
        .target(name: "StepExportServer", dependencies: [
            "Threads", "Bytes", "StepExport", "StepRequest", "JSONScan",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "StepExportCLI", dependencies: [
            "Threads", "Bytes", "StepRequest", "EventDump", "CSVWriter", "StepExport", "XLSXReader", "DumpGenerator", "StepExportServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // What both test targets need: the repository's paths, running programs (with their peak
        // memory), skipping or failing for a missing tool. Not a product: only the tests link it.
        .target(name: "StepExportTestSupport", path: "Tests/StepExportTestSupport"),
        .testTarget(name: "StepExportTests", dependencies: [
            "Threads", "Bytes", "Timestamps", "CVectorScan", "JSONScan", "Events", "StepRequest", "EventDump", "Selection",
            "Table", "CSVWriter", "ZipArchive", "XLSXWriter", "XLSXReader", "StepExport",
            "DumpGenerator", "FuzzTargets", "StepExportTestSupport",
        ]),
        // `stepexport serve` driven by real clients (curl, Chromium, wrk) against the executable.
        .testTarget(name: "StepExportServerTests", dependencies: ["StepExportTestSupport"], exclude: ["browser"]),
    ],
    swiftLanguageModes: [.v5]
)
