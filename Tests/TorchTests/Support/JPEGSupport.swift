import Foundation
import TorchCore

/// The bytes of a JPEG fixture file (written by scripts/fixtures/jpeg.py with PIL).
func jpegFixture(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: jpegFixtureURL(name)))
}

func jpegFixtureURL(_ name: String) -> URL {
    Bundle.module.url(forResource: name, withExtension: "jpg", subdirectory: "Fixtures/jpeg")!
}

/// Runs `script` with `python` (Debian's, with python3-pil from scripts/setup, by default) and
/// returns its standard output; nil when that Python or its PIL is missing.
func runPythonWithPIL(_ script: String, _ arguments: [String], python: String = "/usr/bin/python3") throws -> Data? {
    guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = ["-c", script] + arguments
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    if p.terminationStatus != 0 {
        if errText.contains("No module named 'PIL'") { return nil }
        throw TorchError.io("\(python) failed: \(errText)")
    }
    return data
}

/// The bytes `hex` spells (two lowercase digits a byte).
func bytesFromHex(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(hex.utf8.count / 2)
    var high: UInt8?
    for c in hex.utf8 {
        let v = c <= 57 ? c - 48 : c - 87
        if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
    }
    return out
}
