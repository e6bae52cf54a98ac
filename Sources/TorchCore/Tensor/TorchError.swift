/// Errors thrown where input comes from outside the program: files, the environment, user text.
///
/// Programming errors (a shape mismatch in an op, a bad `dim:`) stop the program with
/// PyTorch's message instead, as a Python exception would in PyTorch.
public enum TorchError: Error, CustomStringConvertible, Equatable {
    case invalidArgument(String)
    case io(String)

    public var description: String {
        switch self {
        case .invalidArgument(let m), .io(let m): m
        }
    }
}
