"""Forward+backward (and forward alone) of the course CNN's two convolutions in PyTorch, the
peer of Benchmarks/ConvBenchmarks: python conv.py [threads]. Prints microseconds per call."""
import os
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)


def measure(body, runs=7, target=0.2):
    """Median wall and process-CPU seconds per call, as ConvBenchmarks measures them."""
    reps = 1
    while True:
        start = time.perf_counter()
        for _ in range(reps):
            body()
        elapsed = time.perf_counter() - start
        if elapsed > target / 4:
            reps = max(1, int(reps * target / elapsed))
            break
        reps *= 4
    walls, cpus = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(reps):
            body()
        walls.append((time.perf_counter() - start) / reps)
        cpus.append((time.process_time() - start_cpu) / reps)
    return sorted(walls)[runs // 2], sorted(cpus)[runs // 2]


for name, in_c, out_c, side, input_grad in [("conv1", 1, 6, 28, False), ("conv2", 6, 12, 12, True)]:
    for batch in [10, 100, 1000]:
        x = torch.randn(batch, in_c, side, side).requires_grad_(input_grad)
        w = (torch.randn(out_c, in_c, 5, 5) * 0.2).requires_grad_()
        b = torch.randn(out_c).requires_grad_()
        gy = torch.randn(batch, out_c, side - 4, side - 4)

        def forward():
            with torch.no_grad():
                F.conv2d(x, w, b)

        def both():
            F.conv2d(x, w, b).backward(gy)
            x.grad = w.grad = b.grad = None

        runs, target = int(os.environ.get("RUNS", 7)), float(os.environ.get("TARGET_MS", 200)) / 1000
        (fw, fc), (bw, bc) = measure(forward, runs, target), measure(both, runs, target)
        print(f"{name} b{batch}".ljust(12),
              f"fwd {fw * 1e6:9.1f} µs (cpu {fc * 1e6:9.1f})   fwd+bwd {bw * 1e6:9.1f} µs (cpu {bc * 1e6:9.1f})")
