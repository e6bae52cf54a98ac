"""PyTorch's gloo allreduce on this machine's two cores, as Benchmarks/DistributedBenchmarks
times ours: 2 processes (1 thread each), median microseconds of 30 sums after 5 warm-ups,
a barrier before each. Prints one JSON line.

    $TORCH_PYTHON Benchmarks/allreduce_gloo.py [floats]
"""
import json
import os
import socket
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def worker(rank, port, count, out):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
    t = torch.ones(count)
    times = []
    for i in range(35):
        dist.barrier()
        start = time.perf_counter()
        dist.all_reduce(t)
        if i >= 5:
            times.append((time.perf_counter() - start) * 1e6)
    if rank == 0:
        out.put(sorted(times)[len(times) // 2])
    dist.destroy_process_group()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 6_553_600
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(r, port, count, out)) for r in range(2)]
    for p in procs:
        p.start()
    median = out.get()
    for p in procs:
        p.join()
    print(json.dumps({"floats": count, "ranks": 2, "median_us": median, "torch": torch.__version__}))
