#if canImport(CBLAS)
import CBLAS
import Foundation

/// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels by CPU model at load time, and
/// a release older than the CPU falls back to its generic SSE3 "Prescott" kernels: on an
/// Emerald Rapids Xeon, OpenBLAS 0.3.21 ran `100×192×120` SGEMM at 15 GFLOP/s instead of the
/// 99 its AVX-512 kernels give. When the user has not chosen a kernel set (`OPENBLAS_CORETYPE`)
/// and the library settled for pre-AVX2 kernels on a CPU with AVX2 or AVX-512, this selects the
/// best family the CPU runs, through OpenBLAS's own re-initialization entry points (looked up
/// at run time, so builds without DYNAMIC_ARCH are left alone).
enum OpenBLASKernels {
    /// The kernel families that predate AVX2, as `gotoblas_corename()` names them.
    private static let generic: Set<String> = [
        "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "nano", "katmai", "coppermine",
        "northwood", "banias", "athlon", "opteron", "opteron_sse3", "barcelona", "bobcat", "unknown",
    ]

    /// Switches OpenBLAS to the AVX-512 ("SkylakeX") or AVX2 ("Haswell") kernels when it chose
    /// generic ones on a CPU that has those units. Returns the family it switched to, if any.
    @discardableResult
    static func upgradeIfGeneric(cpuFlags: Set<String> = BuildInfo.cpuFlags()) -> String? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let handle = dlopen(nil, RTLD_NOW),
              let nameSymbol = dlsym(handle, "gotoblas_corename"),
              let initSymbol = dlsym(handle, "gotoblas_dynamic_init"),
              let quitSymbol = dlsym(handle, "gotoblas_dynamic_quit") else { return nil }
        typealias NameFn = @convention(c) () -> UnsafePointer<CChar>?
        typealias VoidFn = @convention(c) () -> Void
        let corename = unsafeBitCast(nameSymbol, to: NameFn.self)
        guard let current = corename().map({ String(cString: $0).lowercased() }), generic.contains(current) else { return nil }
        let target: String
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) {
            target = "SkylakeX"
        } else if cpuFlags.contains("avx2") && cpuFlags.contains("fma") {
            target = "Haswell"
        } else {
            return nil
        }
        // gotoblas_dynamic_init reads the variable; set it only for this re-selection.
        setenv("OPENBLAS_CORETYPE", target, 1)
        unsafeBitCast(quitSymbol, to: VoidFn.self)()
        unsafeBitCast(initSymbol, to: VoidFn.self)()
        unsetenv("OPENBLAS_CORETYPE")
        return target
    }
}
#endif
