// swift-tools-version:6.0
import PackageDescription

/// The course's example programs under `Examples/`, one executable per lesson of part 2
/// (`swift run Lesson05ConfusionMatrix --limit 2000`); they share `Examples/ExampleSupport`.
let examples = [
    "Lesson01ForwardPass", "Lesson02OutputSize", "Lesson03SingleBatch", "Lesson04TrainingLoop",
    "Lesson05ConfusionMatrix", "Lesson06StackCat", "Lesson07TensorBoard", "Lesson08Hyperparameters",
    "Lesson09RunBuilder", "Lesson10RunManager", "Lesson11DataLoading", "Lesson12GPU",
    "Lesson13Normalization", "Lesson14DataLoaderInternals", "Lesson15Sequential", "Lesson16BatchNorm",
    "BuildingModels", "LSTMTagger", "CharLanguageModel",
]

let package = Package(
    name: "swift-torch",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Torch", targets: ["Torch"]),
        .library(name: "TorchVision", targets: ["TorchVision"]),
        .library(name: "TorchDistributed", targets: ["TorchDistributed"]),
        .executable(name: "swifttorch", targets: ["swifttorch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // OpenBLAS's CBLAS on Linux; macOS uses Accelerate instead.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Compile-time CPU feature macros, read by `swifttorch info`.
        .systemLibrary(name: "CTorchConfig"),
        // Optimized in debug builds too: its SIMD kernels run ~100x slower unoptimized, and
        // the tests that train on real data would take most of CI's time.
        .target(
            name: "TorchCore",
            dependencies: [
                "CTorchConfig",
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
                .product(name: "RealModule", package: "swift-numerics"),
                // PyTorch's .pt checkpoints are zip archives.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(name: "TorchNN", dependencies: ["TorchCore"]),
        .target(name: "TorchOptim", dependencies: ["TorchCore"]),
        // zlib, for gzipped datasets and PNG files (not named CZlib: ZIPFoundation has a module of that name).
        .systemLibrary(name: "CSystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "TorchData", dependencies: ["TorchCore"]),
        // libjpeg-turbo, for JPEG files; CJPEGSupport runs it under setjmp so that its errors
        // come back as return codes instead of exit() or a longjmp through Swift frames.
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"]), .brew(["jpeg-turbo"])]),
        .target(name: "CJPEGSupport", dependencies: ["CJPEG"], linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "TorchVision", dependencies: ["TorchData", "CSystemZlib", "CJPEGSupport"]),
        // Open MPI, loaded at run time (dlopen): nothing of MPI is needed to build.
        .target(name: "TorchDistributed", dependencies: ["TorchCore", "TorchNN", "TorchData"]),
        .target(name: "TorchTrain", dependencies: ["TorchCore", "TorchNN", "TorchOptim", "TorchData", "TorchVision", "TorchBoard", "TorchDistributed"]),
        // TensorBoard event files; Generated/ is made from Proto/ by scripts/generate-protos.
        .target(
            name: "TorchBoard",
            dependencies: ["TorchCore", "TorchNN", "TorchVision", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Proto"]
        ),
        .target(name: "Torch", dependencies: ["TorchCore", "TorchNN", "TorchOptim", "TorchData", "TorchVision", "TorchBoard", "TorchTrain"]),
        .executableTarget(
            name: "swifttorch",
            dependencies: ["Torch", "TorchDistributed", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "TensorBenchmarks",
            dependencies: ["Torch"],
            path: "Benchmarks/TensorBenchmarks"
        ),
        .executableTarget(
            name: "ConvBenchmarks",
            dependencies: ["TorchCore"],
            path: "Benchmarks/ConvBenchmarks"
        ),
        .executableTarget(
            name: "DistributedBenchmarks",
            dependencies: ["TorchCore", "TorchDistributed"],
            path: "Benchmarks/DistributedBenchmarks"
        ),
        .executableTarget(
            name: "DataLoaderBenchmarks",
            dependencies: ["Torch", "TorchVision"],
            path: "Benchmarks/DataLoaderBenchmarks"
        ),
        .testTarget(
            name: "TorchTests",
            dependencies: ["TorchCore", "TorchNN", "TorchOptim", "TorchData", "TorchVision", "TorchBoard", "TorchTrain", "TorchDistributed"],
            exclude: ["CourseGoldenPendingTests.swift.txt"],
            resources: [.copy("Fixtures")]
        ),
        // Multi-process checks, run under mpirun by scripts/test-distributed.
        .executableTarget(name: "DistributedChecks", dependencies: ["Torch", "TorchDistributed"], path: "Tests/DistributedChecks"),
        .target(name: "ExampleSupport", dependencies: ["Torch", "TorchVision"], path: "Examples/ExampleSupport"),
    ] + examples.map { name in
        .executableTarget(name: name, dependencies: ["Torch", "TorchVision", "ExampleSupport"], path: "Examples/\(name)")
    }
)
