// swift-tools-version:6.0
// libFuzzer harnesses for swift-torch's file readers. Built by `scripts/fuzz`, with
// `-sanitize=fuzzer,address`, into `.build/fuzz`; not part of the main package's build.
import PackageDescription

let harnesses = ["FuzzSafetensors", "FuzzNpy", "FuzzIDX", "FuzzPNG", "FuzzJPEG", "FuzzJSONHeader", "FuzzTorchCheckpoint"]

let package = Package(
    name: "swift-torch-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "swift-torch", path: "..")],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: [
            "CLibFuzzer",
            .product(name: "Torch", package: "swift-torch"),
            .product(name: "TorchVision", package: "swift-torch"),
        ]),
    ] + harnesses.map { name in
        .executableTarget(name: name, dependencies: [
            "FuzzSupport",
            .product(name: "Torch", package: "swift-torch"),
            .product(name: "TorchVision", package: "swift-torch"),
        ])
    }
)
