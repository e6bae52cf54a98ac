import ArgumentParser
import Torch

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the version, the BLAS in use, threads, dtypes and devices.")

    func run() {
        let info = BuildInfo.current
        print("swift-torch \(BuildInfo.version)")
        print("BLAS: \(info.blas)")
        let compiled = info.compiledFor.isEmpty ? "baseline SSE2 only (build with scripts/build for AVX2/FMA)" : info.compiledFor.joined(separator: ", ")
        print("vector units compiled for: \(compiled); CPU has: \(BuildInfo.cpuFeatures.joined(separator: ", "))")
        print("build: \(info.optimized ? "release (optimized)" : "debug (unoptimized: numbers are slow)")")
        print("threads: \(getNumThreads())")
        print("dtypes: \(DType.allCases.map(\.name).joined(separator: ", "))")
        print("devices: \(Device.available.map(\.description).joined(separator: ", ")) (no CUDA backend yet)")
    }
}
