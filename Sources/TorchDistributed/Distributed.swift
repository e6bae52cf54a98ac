import Foundation

/// The job's default process group, as `torch.distributed` keeps one (`init_process_group`,
/// `get_rank`, `get_world_size`, `destroy_process_group`).
///
/// Launched by `mpirun`, `initProcessGroup()` joins the job's ranks through Open MPI; launched
/// any other way it makes a group of one process whose collectives do nothing, so the same
/// program runs with and without `mpirun` (as MLX does).
///
/// ```swift
/// let group = try Distributed.initProcessGroup()
/// print("rank \(group.rank) of \(group.worldSize)")
/// ...
/// Distributed.destroyProcessGroup()
/// ```
public enum Distributed {
    nonisolated(unsafe) private static var current: ProcessGroup?
    private static let lock = NSLock()

    /// Whether this process was started by `mpirun` (Open MPI's rank variables are set).
    public static var isLaunchedByMPI: Bool { ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil }

    /// Joins the job's process group (once; later calls return the same group).
    ///
    /// - Parameter timeout: how long any collective may wait for the other ranks before it
    ///   throws (PyTorch's default for CPU groups is 30 minutes).
    /// - Throws: `DistributedError.unavailable` under `mpirun` without Open MPI's library,
    ///   `.communication` when MPI fails to start.
    @discardableResult
    public static func initProcessGroup(timeout: Duration = .seconds(1800)) throws -> ProcessGroup {
        lock.lock()
        defer { lock.unlock() }
        if let current { return current }
        let group: ProcessGroup
        if isLaunchedByMPI {
            let mpi = try MPILibrary()
            let (rank, size) = try mpi.start()
            group = ProcessGroup(rank: rank, worldSize: size, timeout: timeout, mpi: mpi)
        } else {
            group = ProcessGroup(rank: 0, worldSize: 1, timeout: timeout, mpi: nil)
        }
        current = group
        return group
    }

    /// The group `initProcessGroup` made, if any.
    public static var group: ProcessGroup? {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Whether `initProcessGroup` has run (`is_initialized()`).
    public static var isInitialized: Bool { group != nil }
    /// This process's rank in the default group; 0 before `initProcessGroup`.
    public static var rank: Int { group?.rank ?? 0 }
    /// The default group's size; 1 before `initProcessGroup`.
    public static var worldSize: Int { group?.worldSize ?? 1 }

    /// Leaves the job (`MPI_Finalize`): every rank calls it when it is done. A rank that exits
    /// without it (an error, a crash, `exit(3)`) ends the job as failed: `mpirun` stops the
    /// other ranks at once instead of leaving them waiting in a collective. (Finalizing at exit
    /// would wait for ranks still inside one.)
    public static func destroyProcessGroup() {
        lock.lock()
        defer { lock.unlock() }
        current?.finalize()
        current = nil
    }

}

extension ProcessGroup {
    /// `MPI_Finalize` unless a collective failed (MPI's state is then unknown and finalizing
    /// could wait forever; exiting without it makes `mpirun` stop the other ranks).
    func finalize() {
        guard let mpi, !mpi.isFinalized, isHealthy else { return }
        _ = mpi.finalize()
    }
}
