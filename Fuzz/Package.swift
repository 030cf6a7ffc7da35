// swift-tools-version:6.0
import PackageDescription

// libFuzzer executables, one per target of the main package's `FuzzTargets` library. A package of
// their own so that `swift test` at the root never builds them; build and run with `./run.sh`
// (`swift build -c debug --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address`; see run.sh). Each executable only forwards
// libFuzzer's input to `FuzzTargets.<target>`, which the root's FuzzCorpusTests also call.
let fuzzers = ["FuzzJSON", "FuzzPayload", "FuzzDump", "FuzzXLSX", "FuzzCatalog", "FuzzManifest"]

let package = Package(
    name: "StepExportFuzz",
    products: fuzzers.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(path: "..")],
    targets: fuzzers.map { name in
        .executableTarget(
            name: name,
            dependencies: [.product(name: "FuzzTargets", package: rootPackageIdentity)],
            // libFuzzer provides `main`: the Swift file must not define one.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    },
    swiftLanguageModes: [.v5]
)

/// A path dependency's identity is its folder's name (the checkout may be called anything).
var rootPackageIdentity: String {
    let fuzzFolder = String(#filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
    return String(fuzzFolder.split(separator: "/").dropLast().last ?? "StepExport").lowercased()
}
