/// The sequential white-to-dark-blue colormap matplotlib calls `Blues` (ColorBrewer's nine
/// Blues, interpolated linearly), which the course's confusion-matrix plot uses.
enum BluesColormap {
    private static let stops: [RGB] = [
        RGB(r: 0xF7, g: 0xFB, b: 0xFF), RGB(r: 0xDE, g: 0xEB, b: 0xF7), RGB(r: 0xC6, g: 0xDB, b: 0xEF),
        RGB(r: 0x9E, g: 0xCA, b: 0xE1), RGB(r: 0x6B, g: 0xAE, b: 0xD6), RGB(r: 0x42, g: 0x92, b: 0xC6),
        RGB(r: 0x21, g: 0x71, b: 0xB5), RGB(r: 0x08, g: 0x51, b: 0x9C), RGB(r: 0x08, g: 0x30, b: 0x6B),
    ]

    /// The color for `t` in [0, 1] (clamped): 0 is near white, 1 dark blue.
    static func color(_ t: Double) -> RGB {
        let t = t.isNaN ? 0 : min(max(t, 0), 1)
        let position = t * Double(stops.count - 1)
        let i = min(Int(position), stops.count - 2)
        let f = position - Double(i)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - f) + Double(b) * f).rounded()) }
        let a = stops[i], b = stops[i + 1]
        return RGB(r: mix(a.r, b.r), g: mix(a.g, b.g), b: mix(a.b, b.b))
    }
}
