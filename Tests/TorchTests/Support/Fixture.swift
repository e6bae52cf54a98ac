import Foundation
import Testing
import TorchCore

/// Tensors written by `scripts/make-fixtures` with PyTorch, read back by name.
struct Fixture {
    private let cases: [String: Any]

    init(_ name: String) {
        let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures")!
        let data = try! Data(contentsOf: url)
        cases = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// The tensor stored under `key`.
    subscript(_ key: String) -> Tensor {
        guard let entry = cases[key] as? [String: Any] else { fatalError("fixture has no tensor '\(key)'") }
        let dtype = DType(name: entry["dtype"] as! String)!
        let shape = entry["shape"] as! [Int]
        let raw = entry["data"] as! [Any]
        if dtype == .bool {
            return Tensor(raw.map { ($0 as! NSNumber).boolValue }, shape: shape, dtype: dtype)
        }
        if dtype.isFloatingPoint {
            let values: [Double] = raw.map { v in
                // Floats arrive as strings: Foundation's JSON numbers can be off in the last place.
                if let s = v as? String { return Double(s)! }
                return (v as! NSNumber).doubleValue
            }
            return Tensor(values, shape: shape, dtype: dtype)
        }
        return Tensor(raw.map { ($0 as! NSNumber).int64Value }, shape: shape, dtype: dtype)
    }

    /// Every case's name.
    var keys: [String] { Array(cases.keys) }

    /// A non-tensor value stored under `key` (a number, string or list).
    func value<T>(_ key: String, as: T.Type = T.self) -> T { cases[key] as! T }
}

/// Expects equal shapes and dtypes and values within `rtol`/`atol` (NaNs must match NaNs).
func expectClose(_ actual: Tensor, _ expected: Tensor, rtol: Double = 1e-5, atol: Double = 1e-6,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "shape", sourceLocation: sourceLocation)
    #expect(actual.dtype == expected.dtype, "dtype", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let a: [Double] = actual.toArray(), e: [Double] = expected.toArray()
    for i in a.indices {
        let ok = (a[i].isNaN && e[i].isNaN) || a[i] == e[i] || Swift.abs(a[i] - e[i]) <= atol + rtol * Swift.abs(e[i])
        if !ok {
            Issue.record("element \(i): \(a[i]) vs PyTorch's \(e[i])", sourceLocation: sourceLocation)
            return
        }
    }
}

/// Expects exactly PyTorch's values, shape and dtype.
func expectEqual(_ actual: Tensor, _ expected: Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual, expected, rtol: 0, atol: 0, sourceLocation: sourceLocation)
}
