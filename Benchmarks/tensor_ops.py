"""PyTorch's side of Benchmarks/run: the ops of TensorBenchmarks/main.swift, same sizes,
same thread count (2), timed the same way (warm-up, then the median of several runs of
many repetitions). Prints seconds per call as JSON, or a table without --json.

    python tensor_ops.py [--json] [--extra] [--runs N] [--target-ms MS] [--only name,name]
"""
import argparse
import json
import os
import time

import torch


def measure(body, runs, target):
    reps = 1
    while True:
        start = time.perf_counter()
        for _ in range(reps):
            r = body()
        elapsed = time.perf_counter() - start
        if elapsed > target / 4:
            reps = max(1, int(reps * target / elapsed))
            break
        reps *= 4
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(reps):
            r = body()  # rebinding frees the previous result, as in the Swift loop
        times.append((time.perf_counter() - start) / reps)
    del r
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--json", action="store_true")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--target-ms", type=float, default=50)
    p.add_argument("--only", default=None)
    p.add_argument("--extra", action="store_true", help="also ops beyond the issue's list")
    args = p.parse_args()

    torch.set_num_threads(int(os.environ.get("TORCH_BENCH_THREADS", "2")))
    g = torch.Generator().manual_seed(0)

    def data(*shape):
        return torch.rand(*shape, generator=g) * 2 - 1

    n = 1 << 20
    a, b = data(n), data(n)
    m1, m2 = data(512, 512), data(512, 512)
    square, cube = data(1024, 1024), data(128, 128, 64)
    tiny_a, tiny_b = data(10), data(10)
    m_a, m_b = data(100, 192), data(192, 120)
    images = data(10_000, 1, 28, 28)
    picks = [(i * 7_919) % 10_000 for i in range(100)]

    # Names and sizes must match TensorBenchmarks/main.swift.
    benchmarks = [
        ("add 1M", lambda: a + b),
        ("mul 1M", lambda: a * b),
        ("sum 1M", lambda: a.sum()),
        ("matmul 512", lambda: m1.matmul(m2)),
        ("permute2d 1M", lambda: square.permute(1, 0).contiguous()),
        ("permute3d 1M", lambda: cube.permute(2, 0, 1).contiguous()),
        ("add 10", lambda: tiny_a + tiny_b),
        ("sum 10", lambda: tiny_a.sum()),
    ]
    extras = [
        ("max 1M", lambda: a.max()),
        ("relu 1M", lambda: a.relu()),
        ("exp 1M", lambda: a.exp()),
        ("add scalar 1M", lambda: a + 1.5),
        ("sum dim0 1M", lambda: square.sum(dim=0)),
        ("sum dim1 1M", lambda: square.sum(dim=1)),
        ("gt 1M", lambda: a.gt(b)),
        ("matmul 100x192x120", lambda: m_a.matmul(m_b)),
        ("stack 100 images", lambda: torch.stack([images[i] for i in picks])),
    ]
    if args.extra:
        benchmarks += extras
    only = set(args.only.split(",")) if args.only else None
    results = {}
    for name, body in benchmarks:
        if only is None or name in only:
            results[name] = measure(body, args.runs, args.target_ms / 1000)

    if args.json:
        print(json.dumps(results))
    else:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
        for name, seconds in results.items():
            print(f"{name:20s} {seconds * 1e6:10.2f} µs")


if __name__ == "__main__":
    main()
