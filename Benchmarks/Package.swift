// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "StepExportBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "StepExport", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Probe",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StepExportParts", package: "StepExport"),
            ],
            path: "Benchmarks/Probe",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
