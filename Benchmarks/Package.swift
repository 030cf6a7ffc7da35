// swift-tools-version: 6.1
// Micro-benchmarks of StepExport's parts (package-benchmark): `cd Benchmarks && swift package benchmark`.
// A package of its own, so that the main package's `swift build` / `swift test` never build it.
import PackageDescription

let engine: [Target.Dependency] = [
    .product(name: "Benchmark", package: "benchmark"),
    .product(name: "StepExportParts", package: "StepExport"),
    "BenchmarkSupport",
]

let suites = ["JSONScanning", "Selection", "CSVWriting", "SheetXML", "Deflate", "ValueParsing"]

let package = Package(
    name: "StepExportBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        // The root package. `name:` pins its identity to "StepExport" whatever the checkout folder is called.
        .package(name: "StepExport", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Shared fixtures: a generated dump (in memory and on disk), rendered rows, sinks.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StepExportParts", package: "StepExport"),
            ],
            path: "Support"
        ),
    ] + suites.map { suite in
        .executableTarget(
            name: suite + "Benchmarks",
            dependencies: engine,
            path: "Benchmarks/\(suite)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    },
    swiftLanguageModes: [.v5]
)
