import Foundation
import Testing
import TorchCore

/// `print(t)` against PyTorch's `str(t)`, character for character (scripts/fixtures/printing.py).
@Suite struct PrintingTests {
    let f = Fixture("printing")

    /// The case's input: stored data, or rebuilt from its `/gen` rule for large tensors.
    func input(_ name: String) -> Tensor {
        guard let gen = f.value(name + "/gen", as: [String: Any]?.self) else { return f[name] }
        let n = gen["n"] as! Int, mod = gen["mod"] as! Int
        let add = (gen["add"] as! NSNumber).doubleValue, mul = (gen["mul"] as! NSNumber).doubleValue
        let values = (0..<n).map { i in (Double(mod > 0 ? i % mod : i) + add) * mul }
        return Tensor(values, shape: gen["shape"] as! [Int], dtype: DType(name: gen["dtype"] as! String)!)
    }

    /// The options the case was printed with (PyTorch's defaults plus its `/opts`).
    func options(_ name: String) -> PrintOptions {
        var o = PrintOptions()
        guard let opts = f.value(name + "/opts", as: [String: Any]?.self) else { return o }
        if let p = opts["profile"] as? String { o = PrintOptions(profile: PrintOptions.Profile(rawValue: p)!) }
        if let v = opts["precision"] as? Int { o.precision = v }
        if let v = opts["threshold"] as? Int { o.threshold = v }
        if let v = opts["edgeitems"] as? Int { o.edgeitems = v }
        if let v = opts["linewidth"] as? Int { o.linewidth = v }
        if let v = opts["sci_mode"] as? Bool { o.sciMode = v }
        return o
    }

    func expected(_ name: String) -> String { f.value(name + "/str") }

    @Test func everyFixtureCaseMatchesPyTorch() {
        let cases: [String] = f.value("cases")
        #expect(cases.count > 100)
        for name in cases {
            let t = input(name)
            let printed = withPrintOptions(options(name)) { String(describing: t) }
            #expect(printed == expected(name), "case \(name)")
        }
    }

    @Test func stridedViewsPrintTheirElements() {
        withPrintOptions(PrintOptions()) {
            #expect("\(f["nd_2x3_int"].t())" == expected("view_t"))
            #expect("\(f["nd_3d_int"].narrow(dim: 2, start: 1, length: 2))" == expected("view_narrow"))
            #expect("\(Tensor([1.5, -2.0], dtype: .float32).expand(3, 2))" == expected("view_expand"))
        }
    }

    @Test func debugDescriptionIsTheSame() {
        let t = f["fixed_mixed_sign"]
        withPrintOptions(PrintOptions()) {
            #expect(t.debugDescription == expected("fixed_mixed_sign"))
            #expect(String(reflecting: t) == t.description)
        }
    }

    @Test func profilesHavePyTorchsValues() {
        let short = PrintOptions(profile: .short)
        #expect(short.precision == 2 && short.edgeitems == 2 && short.threshold == 1000 && short.linewidth == 80)
        #expect(PrintOptions(profile: .full).threshold == .max)
        #expect(PrintOptions(profile: .default) == PrintOptions())
    }

    @Test func scopedOptionsNest() {
        var two = PrintOptions()
        two.precision = 2
        var six = PrintOptions()
        six.precision = 6
        withPrintOptions(two) {
            #expect(PrintOptions.current.precision == 2)
            withPrintOptions(six) { #expect("\(Tensor([0.5], dtype: .float32))" == "tensor([0.500000])") }
            #expect("\(Tensor([0.5], dtype: .float32))" == "tensor([0.50])")
        }
    }

    // The process-wide setter runs in a child process so it cannot disturb tests running beside it.
    @Test func setPrintOptionsChangesProcessWideOptions() async {
        await #expect(processExitsWith: .success) {
            setPrintOptions(precision: 2)
            guard "\(Tensor([1.12345], dtype: .float32))" == "tensor([1.12])" else { exit(1) }
            setPrintOptions(threshold: 5)
            // Options left out keep their value, except sciMode, which PyTorch always resets.
            guard PrintOptions.current.precision == 2, "\(Tensor.arange(10))" == "tensor([0, 1, 2,  ..., 7, 8, 9])" else { exit(2) }
            setPrintOptions(sciMode: true)
            guard PrintOptions.current.sciMode == true else { exit(3) }
            setPrintOptions(linewidth: 100)
            guard PrintOptions.current.sciMode == nil, PrintOptions.current.linewidth == 100 else { exit(4) }
            setPrintOptions(profile: .default)
            guard PrintOptions.current == PrintOptions(), "\(Tensor([1.12345], dtype: .float32))" == "tensor([1.1235])" else { exit(5) }
            setPrintOptions(edgeitems: 1, profile: .short)
            guard PrintOptions.current.precision == 2, PrintOptions.current.edgeitems == 1 else { exit(6) }
            PrintOptions.current = PrintOptions(profile: .full)
            guard PrintOptions.current.threshold == .max else { exit(7) }
        }
    }

    @Test func negativePrecisionIsRejected() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            setPrintOptions(precision: -1)
        }
        let stderr = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("precision must be non-negative"))
    }
}
