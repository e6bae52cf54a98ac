import Foundation

/// Open MPI's C library, loaded when a process group starts under `mpirun`.
///
/// `mpi.h`'s handles (`MPI_COMM_WORLD`, `MPI_FLOAT`, `MPI_SUM`) are macros over the addresses
/// of global structs, which Swift's importer cannot see; the library's own symbols for those
/// globals are the handles, so `dlsym` gives both them and the functions, and nothing of MPI
/// is needed to build. This ties the binding to Open MPI's ABI (`libmpi.so.40`, Open MPI 4 and
/// 5), the engine Debian's `openmpi-bin` installs.
final class MPILibrary: @unchecked Sendable {
    typealias Handle = OpaquePointer
    typealias Request = OpaquePointer?

    let commWorld: Handle
    let float32, float64, int64, int32, byte: Handle
    let sum, max, min: Handle
    private let errorsReturn: Handle

    let initThread: @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?, Int32,
                                    UnsafeMutablePointer<Int32>) -> Int32
    let initialized: @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
    let finalized: @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
    let finalize: @convention(c) () -> Int32
    let abort: @convention(c) (Handle, Int32) -> Int32
    let commRank: @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
    let commSize: @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
    let setErrorHandler: @convention(c) (Handle, Handle) -> Int32
    let errorString: @convention(c) (Int32, UnsafeMutablePointer<CChar>, UnsafeMutablePointer<Int32>) -> Int32
    let allreduce: @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle) -> Int32
    let iallreduce: @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle, UnsafeMutablePointer<Request>) -> Int32
    let ibcast: @convention(c) (UnsafeMutableRawPointer?, Int32, Handle, Int32, Handle, UnsafeMutablePointer<Request>) -> Int32
    let iallgather: @convention(c) (UnsafeRawPointer?, Int32, Handle, UnsafeMutableRawPointer?, Int32, Handle, Handle, UnsafeMutablePointer<Request>) -> Int32
    let ireduceScatterBlock: @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle, UnsafeMutablePointer<Request>) -> Int32
    let ibarrier: @convention(c) (Handle, UnsafeMutablePointer<Request>) -> Int32
    let test: @convention(c) (UnsafeMutablePointer<Request>, UnsafeMutablePointer<Int32>, UnsafeMutableRawPointer?) -> Int32

    /// `MPI_IN_PLACE`: Open MPI's `(void *) 1`.
    nonisolated(unsafe) static let inPlace = UnsafeRawPointer(bitPattern: 1)
    static let success: Int32 = 0
    static let threadMultiple: Int32 = 3

    /// Loads `libmpi.so.40`; throws when it is not installed.
    init() throws {
        guard let lib = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL) ?? dlopen("libmpi.so", RTLD_NOW | RTLD_GLOBAL) else {
            throw DistributedError.unavailable(
                "this process runs under mpirun but Open MPI's libmpi.so.40 could not be loaded (\(String(cString: dlerror()))); install it with `apt-get install openmpi-bin libopenmpi-dev`")
        }
        func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
            guard let p = dlsym(lib, name) else { throw DistributedError.unavailable("Open MPI's library lacks \(name): an MPI other than Open MPI 4 or 5?") }
            return p
        }
        func handle(_ name: String) throws -> Handle { OpaquePointer(try symbol(name)) }
        func function<F>(_ name: String, as _: F.Type) throws -> F { unsafeBitCast(try symbol(name), to: F.self) }
        commWorld = try handle("ompi_mpi_comm_world")
        (float32, float64, int64, int32, byte) = (try handle("ompi_mpi_float"), try handle("ompi_mpi_double"), try handle("ompi_mpi_int64_t"),
                                                 try handle("ompi_mpi_int32_t"), try handle("ompi_mpi_byte"))
        (sum, max, min) = (try handle("ompi_mpi_op_sum"), try handle("ompi_mpi_op_max"), try handle("ompi_mpi_op_min"))
        errorsReturn = try handle("ompi_mpi_errors_return")
        initThread = try function("MPI_Init_thread", as: type(of: initThread))
        initialized = try function("MPI_Initialized", as: type(of: initialized))
        finalized = try function("MPI_Finalized", as: type(of: finalized))
        finalize = try function("MPI_Finalize", as: type(of: finalize))
        abort = try function("MPI_Abort", as: type(of: abort))
        commRank = try function("MPI_Comm_rank", as: type(of: commRank))
        commSize = try function("MPI_Comm_size", as: type(of: commSize))
        setErrorHandler = try function("MPI_Comm_set_errhandler", as: type(of: setErrorHandler))
        errorString = try function("MPI_Error_string", as: type(of: errorString))
        allreduce = try function("MPI_Allreduce", as: type(of: allreduce))
        iallreduce = try function("MPI_Iallreduce", as: type(of: iallreduce))
        ibcast = try function("MPI_Ibcast", as: type(of: ibcast))
        iallgather = try function("MPI_Iallgather", as: type(of: iallgather))
        ireduceScatterBlock = try function("MPI_Ireduce_scatter_block", as: type(of: ireduceScatterBlock))
        ibarrier = try function("MPI_Ibarrier", as: type(of: ibarrier))
        test = try function("MPI_Test", as: type(of: test))
    }

    /// `MPI_Init_thread` (all threads may call MPI), with errors returned rather than fatal.
    func start() throws -> (rank: Int, size: Int) {
        var flag: Int32 = 0
        _ = initialized(&flag)
        if flag == 0 {
            var provided: Int32 = 0
            try check(initThread(nil, nil, MPILibrary.threadMultiple, &provided), "MPI_Init_thread")
        }
        try check(setErrorHandler(commWorld, errorsReturn), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0, size: Int32 = 0
        try check(commRank(commWorld, &rank), "MPI_Comm_rank")
        try check(commSize(commWorld, &size), "MPI_Comm_size")
        return (Int(rank), Int(size))
    }

    /// Throws MPI's own text for a failed call.
    func check(_ code: Int32, _ call: String) throws {
        guard code != MPILibrary.success else { return }
        var text = [CChar](repeating: 0, count: 1024)
        var length: Int32 = 0
        _ = errorString(code, &text, &length)
        let message = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw DistributedError.communication("\(call) failed: \(message)")
    }

    /// Whether `MPI_Finalize` has run.
    var isFinalized: Bool {
        var flag: Int32 = 0
        _ = finalized(&flag)
        return flag != 0
    }
}
