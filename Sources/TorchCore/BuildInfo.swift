import CTorchConfig
import Foundation
#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Facts about this build of swift-torch, for `swifttorch info` and bug reports.
public struct BuildInfo: Sendable {
    /// The library version.
    public static let version = "0.1.0"

    /// The BLAS library matrix products go through, with its configuration when it says.
    public let blas: String
    /// The vector instruction sets the compiler was allowed to use for this build.
    public let compiledFor: [String]
    /// Whether the library was compiled with optimizations.
    public let optimized: Bool

    /// This build's facts.
    public static var current: BuildInfo {
        #if canImport(Accelerate)
        let blas = "Accelerate"
        #else
        _ = CPUBackend.shared  // sets OpenBLAS to the thread count it runs with
        let threads = openblas_get_num_threads()
        let blas = "OpenBLAS (" + String(cString: openblas_get_config()).trimmingCharacters(in: .whitespaces)
            + ", \(threads) thread\(threads == 1 ? "" : "s") per call; swift-torch's pool splits the work)"
        #endif
        let flags: [(Int32, String)] = [(SWIFTTORCH_AVX2, "AVX2"), (SWIFTTORCH_FMA, "FMA"),
                                        (SWIFTTORCH_AVX512F, "AVX-512"), (SWIFTTORCH_NEON, "NEON")]
        let units = flags.filter { $0.0 != 0 }.map(\.1)
        #if DEBUG
        let optimized = false
        #else
        let optimized = true
        #endif
        return BuildInfo(blas: blas, compiledFor: units, optimized: optimized)
    }

    /// Vector extensions the running CPU reports (from `/proc/cpuinfo` on Linux).
    public static var cpuFeatures: [String] {
        let flags = cpuFlags()
        return [("avx2", "AVX2"), ("fma", "FMA"), ("avx512f", "AVX-512")].filter { flags.contains($0.0) }.map(\.1)
    }

    /// The CPU's feature flags as `/proc/cpuinfo` spells them (empty where there is none).
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: " ").map(String.init))
    }
}
