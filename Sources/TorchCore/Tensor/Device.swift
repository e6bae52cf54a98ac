/// Where a tensor's memory lives: `.cpu`, or a CUDA device once a CUDA backend exists.
///
/// `Device("cuda:0")` parses as PyTorch's `torch.device("cuda:0")` does; any tensor
/// operation that needs such a device stops with a message saying that swift-torch has
/// no CUDA backend yet.
public struct Device: Hashable, Sendable, CustomStringConvertible {
    /// The kind of device.
    public enum Kind: String, Sendable { case cpu, cuda }

    public let kind: Kind
    /// The device index (`cuda:1` has index 1); `nil` when not given.
    public let index: Int?

    public init(kind: Kind, index: Int? = nil) {
        self.kind = kind
        self.index = index
    }

    /// The CPU.
    public static let cpu = Device(kind: .cpu)

    /// Parses `"cpu"`, `"cuda"` or `"cuda:N"`; a bad string stops with PyTorch's message.
    public init(_ string: String) {
        do { try self.init(parsing: string) } catch { fatalError("\(error)") }
    }

    /// Parses `"cpu"`, `"cuda"` or `"cuda:N"`, throwing for anything else (for user input).
    public init(parsing string: String) throws(TorchError) {
        let parts = string.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let kind = Kind(rawValue: String(parts[0])) else {
            throw TorchError.invalidArgument("Expected one of cpu, cuda device type at start of device string: \(string)")
        }
        var index: Int?
        if parts.count == 2 {
            guard let i = Int(parts[1]), i >= 0 else {
                throw TorchError.invalidArgument("Invalid device string: '\(string)'")
            }
            index = i
        }
        self.init(kind: kind, index: index)
    }

    /// `cpu`, `cuda:0`: the text PyTorch prints for `str(device)`.
    public var description: String {
        index.map { "\(kind.rawValue):\($0)" } ?? kind.rawValue
    }

    /// Whether this build can run tensors on the device (only the CPU for now).
    public var isAvailable: Bool { kind == .cpu }

    /// The devices this build can use.
    public static var available: [Device] { [.cpu] }

    func checkAvailable(_ op: String) {
        torchCheck(isAvailable, "\(op): device '\(self)' is not available: swift-torch has no CUDA backend yet, so tensors live on the CPU only")
    }
}

/// How a tensor's elements are laid out. Only `strided` (dense with strides) exists.
public enum Layout: Sendable, CustomStringConvertible {
    case strided
    public var description: String { "torch.strided" }
}
