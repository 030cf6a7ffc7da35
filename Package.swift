// swift-tools-version:6.0
import PackageDescription

// Data flows one way: request → dump → selection → writer → file.
// Each target below owns one concern; see README.md ("Architecture").
let package = Package(
    name: "StepExport",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "stepexport", targets: ["StepExportCLI"]),
        .library(name: "StepExport", targets: ["StepExport"]),
        // Entry points of the fuzzers in Fuzz/ (a separate package), also run by the tests.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),

        // Raw byte buffers, buffered file output, byte-string keys.
        .target(name: "Bytes"),
        // ISO 8601 parsing, UTC / zone formatting, Excel serials.
        .target(name: "Timestamps"),
        // Strict RFC 8259 scanning over raw bytes, and a small value tree for payloads and catalogs.
        .target(name: "JSONScan", dependencies: ["Bytes"]),
        // The event keys of SPEC §2, extracted from one event's bytes.
        .target(name: "Events", dependencies: ["Bytes", "JSONScan", "Timestamps"]),
        // The API request: path, payload, field rules and error bodies (SPEC §3).
        .target(name: "StepRequest", dependencies: ["JSONScan", "Timestamps"]),
        // The dump: catalog, event files, gzip, NDJSON / JSON arrays, parallel scanning.
        .target(name: "EventDump", dependencies: ["Bytes", "CZlib", "JSONScan", "Events"]),
        // Which events answer the request (SPEC §4).
        .target(name: "Selection", dependencies: ["Bytes", "Events", "StepRequest", "EventDump"]),
        // The 31 output columns and their cell values (SPEC §5).
        .target(name: "Table", dependencies: ["Bytes", "Events", "Timestamps"]),
        // CSV output (SPEC §6).
        .target(name: "CSVWriter", dependencies: ["Bytes", "Table"]),
        // Zip container: writing with zlib deflate, reading back with inflate.
        .target(name: "ZipArchive", dependencies: ["Bytes", "CZlib"]),
        // SpreadsheetML parts (SPEC §7).
        .target(name: "XLSXWriter", dependencies: ["Bytes", "Table", "Timestamps", "ZipArchive"]),
        // Reading an export back (the `inspect` command, tests).
        .target(name: "XLSXReader", dependencies: ["Bytes", "ZipArchive", "CLibXML2"]),
        // The engine: one request (or a batch) from dump to finished file.
        .target(name: "StepExport", dependencies: [
            "Bytes", "StepRequest", "EventDump", "Selection", "Table", "CSVWriter", "XLSXWriter",
        ]),
        // Synthetic dumps for the demo, tests and benchmarks (`stepexport generate`).
        .target(name: "DumpGenerator", dependencies: ["Bytes"]),
        // What each fuzzer in Fuzz/ runs on one input; FuzzCorpusTests replays the corpora through it.
        .target(name: "FuzzTargets", dependencies: [
            "Bytes", "JSONScan", "Events", "StepRequest", "EventDump", "Table", "CSVWriter", "Timestamps",
        ]),
        .executableTarget(name: "StepExportCLI", dependencies: [
            "StepExport", "XLSXReader", "DumpGenerator",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "StepExportTests", dependencies: [
            "Bytes", "Timestamps", "JSONScan", "Events", "StepRequest", "EventDump", "Selection",
            "Table", "CSVWriter", "ZipArchive", "XLSXWriter", "XLSXReader", "StepExport", "CLibXML2",
            "DumpGenerator", "FuzzTargets",
        ]),
    ],
    swiftLanguageModes: [.v5]
)
