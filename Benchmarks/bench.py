"""The PyTorch side of Benchmarks/run-bench: the rows of `swifttorch bench`, by the same names,
with the same work, printed the same way (a table, or with --json one JSON object per row).

    python Benchmarks/bench.py [--only ROWS] [--rounds N] [--limit N] [--threads N] [--json] [--list]

Rows (--only takes names or the kinds train, infer, micro, comma-separated):
  cnn-bN-tT       one training epoch of the course CNN (train_course.Network) at batch size N
                  (10, 100, 1000) with T threads (1, 2): Adam lr 0.01, a shuffled DataLoader over
                  a TensorDataset of the images in memory (float32 [N, 1, 28, 28], ÷255),
                  loss.item() and the number correct every step; only the epoch loop is timed,
                  the test accuracy is measured after it
  infer-b1000-t2  the 10000 test images through the untrained course CNN (seed 0), eval mode,
                  no_grad, batches of 1000; the median of five passes after one to warm up
  cnn-bn-b100-t2, lenet5-b100-t2
                  one epoch of the course CNN with batch norm, and of LeNet-5 (padding 2), as
                  swift-torch's CourseBatchNormNetwork and LeNet5
  micro rows      forward+backward of one op at the course's batch-100 shapes, 2 threads: the
                  median iteration, after ten to warm up, of at least 30 and at most 2000 in
                  about half a second
Every row runs --rounds times (default 1); "seconds" is the median. peak_rss_bytes is ru_maxrss
since the last round's timed part began (peak_rss_scope "round": reset through
/proc/self/clear_refs after the data are loaded, so it is the epoch's peak with the data resident;
rss_start_bytes is the resident size at that reset) or, where that cannot be reset, the process's
(scope "process"). Seeds
are fixed (torch.manual_seed(0) before each model). The data come from $FASHION_MNIST_ROOT
(default /usr/share/datasets/fashion-mnist), read with train_course.load.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_course import Network, load  # noqa: E402


class BatchNormNetwork(nn.Module):
    """swift-torch's CourseBatchNormNetwork (the course's lesson 16 network)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5)
        self.bn1 = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 12, kernel_size=5)
        self.fc1 = nn.Linear(12 * 4 * 4, 120)
        self.bn2 = nn.BatchNorm1d(120)
        self.fc2 = nn.Linear(120, 60)
        self.out = nn.Linear(60, 10)

    def forward(self, t):
        t = self.bn1(F.max_pool2d(F.relu(self.conv1(t)), kernel_size=2, stride=2))
        t = F.max_pool2d(F.relu(self.conv2(t)), kernel_size=2, stride=2)
        t = self.bn2(F.relu(self.fc1(t.flatten(start_dim=1))))
        t = F.relu(self.fc2(t))
        return self.out(t)


class LeNet5(nn.Module):
    """swift-torch's LeNet5 with padding 2 (PyTorch's tutorial LeNet for 28×28 images)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.flatten(start_dim=1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


MODELS = {"cnn": Network, "cnn-bn": BatchNormNetwork, "lenet5": LeNet5}

# name -> (kind, threads, settings); the order and names of swift-torch's BenchRow.all.
MICRO = {
    "conv2d-1-6-k5": [100, 1, 28, 28], "conv2d-6-12-k5": [100, 6, 12, 12], "linear-192-120": [100, 192],
    "maxpool2d-2": [100, 6, 24, 24], "batchnorm2d-6": [100, 6, 24, 24], "cross-entropy": [100, 10],
    "lstm-b32-s64-h256": [64, 32, 64], "transformer-b32-s64-d128": [32, 64, 128],
}
ROWS = {}
for _b in (10, 100, 1000):
    for _t in (1, 2):
        ROWS[f"cnn-b{_b}-t{_t}"] = ("train", _t, ("cnn", _b))
ROWS["infer-b1000-t2"] = ("infer", 2, 1000)
ROWS["cnn-bn-b100-t2"] = ("train", 2, ("cnn-bn", 100))
ROWS["lenet5-b100-t2"] = ("train", 2, ("lenet5", 100))
for _name in MICRO:
    ROWS[_name] = ("micro", 2, _name)
GROUPS = ("train", "infer", "micro")


PEAK_SCOPE = ["process", 0]  # scope, ru_maxrss right after the last reset


def reset_peak_rss():
    """A new peak from the current resident size: on Linux 4.0+, writing 5 to
    /proc/self/clear_refs resets the high-water mark that ru_maxrss reports."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        PEAK_SCOPE[0] = "round"
    except OSError:
        pass
    PEAK_SCOPE[1] = peak_rss_bytes()


def peak_rss_bytes():
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r if sys.platform == "darwin" else r * 1024


def test_accuracy(model, test_x, test_y):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x).argmax(dim=1) == y).sum().item()
                      for x, y in zip(test_x.split(1000), test_y.split(1000)))
    model.train()
    return correct / len(test_y)


def train_epoch(data, model_name, batch_size, limit):
    train_x, train_y, test_x, test_y = data
    if limit is not None:
        train_x, train_y = train_x[:limit], train_y[:limit]
    torch.manual_seed(0)
    model = MODELS[model_name]()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_x, train_y),
                                         batch_size=batch_size, shuffle=True, num_workers=0)
    model.train()
    total_loss, correct = 0.0, 0
    reset_peak_rss()
    start = time.perf_counter()
    for images, labels in loader:
        preds = model(images)
        loss = F.cross_entropy(preds, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * images.shape[0]
        correct += (preds.argmax(dim=1) == labels).sum().item()
    seconds = time.perf_counter() - start
    n = len(train_y)
    return seconds, test_accuracy(model, test_x, test_y), total_loss / n, correct / n, n


def infer(data, batch_size):
    _, _, test_x, test_y = data
    torch.manual_seed(0)
    model = Network()
    model.eval()
    passes, correct = [], 0
    reset_peak_rss()
    for p in range(6):
        start = time.perf_counter()
        with torch.no_grad():
            correct = sum((model(x).argmax(dim=1) == y).sum().item()
                          for x, y in zip(test_x.split(batch_size), test_y.split(batch_size)))
        if p > 0:
            passes.append(time.perf_counter() - start)
    return passes, correct / len(test_y)


def micro_step(name):
    """One step of the op: clear the gradients, forward, backward from a fixed gradient."""
    torch.manual_seed(0)
    shape = MICRO[name]
    x = torch.randn(shape)
    if name != "conv2d-1-6-k5":
        x.requires_grad_()
    if name == "cross-entropy":
        labels = torch.randint(10, (shape[0],))

        def step():
            x.grad = None
            F.cross_entropy(x, labels).backward()
        return step
    if name == "lstm-b32-s64-h256":
        lstm = nn.LSTM(64, 256)
        gradient = torch.randn(64, 32, 256)

        def step():
            x.grad = None
            lstm.zero_grad()
            lstm(x)[0].backward(gradient)
        return step
    if name == "transformer-b32-s64-d128":
        layer = nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, batch_first=True)
        encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        mask = nn.Transformer.generate_square_subsequent_mask(64)
        gradient = torch.randn(32, 64, 128)

        def step():
            x.grad = None
            encoder.zero_grad()
            encoder(x, mask=mask, is_causal=True).backward(gradient)
        return step
    module = {"conv2d-1-6-k5": lambda: nn.Conv2d(1, 6, 5), "conv2d-6-12-k5": lambda: nn.Conv2d(6, 12, 5),
              "linear-192-120": lambda: nn.Linear(192, 120), "maxpool2d-2": lambda: nn.MaxPool2d(2, 2),
              "batchnorm2d-6": lambda: nn.BatchNorm2d(6)}[name]()
    module.train()
    with torch.no_grad():
        gradient = torch.randn(module(x).shape)

    def step():
        x.grad = None
        module.zero_grad()
        module(x).backward(gradient)
    return step


def time_iterations(step):
    for _ in range(10):
        step()
    times = []
    begin = time.perf_counter()
    while len(times) < 2000 and (len(times) < 30 or time.perf_counter() - begin < 0.5):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def run(name, args, data):
    kind, threads, settings = ROWS[name]
    threads = args.threads or threads
    torch.set_num_threads(threads)
    out = {"row": name, "side": "pytorch", "kind": kind, "threads": threads, "torch": torch.__version__,
           "iteration_seconds": None, "images": None, "batch_size": None, "test_accuracy": None, "loss": None,
           "train_accuracy": None}
    rounds = []
    for _ in range(args.rounds):
        if kind == "train":
            seconds, acc, loss, train_acc, n = train_epoch(data, *settings, args.limit)
            rounds.append(seconds)
            out.update(images=n, batch_size=settings[1], test_accuracy=acc, loss=loss, train_accuracy=train_acc)
        elif kind == "infer":
            passes, acc = infer(data, settings)
            rounds.append(statistics.median(passes))
            out.update(iteration_seconds=passes, images=len(data[3]), batch_size=settings, test_accuracy=acc)
        else:
            reset_peak_rss()
            times = time_iterations(micro_step(settings))
            rounds.append(statistics.median(times))
            out.update(iteration_seconds=times, batch_size=MICRO[settings][0])
    out.update(seconds=statistics.median(rounds), round_seconds=rounds, peak_rss_bytes=peak_rss_bytes(),
               peak_rss_scope=PEAK_SCOPE[0], rss_start_bytes=PEAK_SCOPE[1])
    return out


def selected(only):
    if only is None:
        return list(ROWS)
    words = [w.strip() for w in only.split(",")]
    for w in words:
        if w not in ROWS and w not in GROUPS:
            print(f"bench.py: unknown bench row '{w}'; the rows are {', '.join(ROWS)} (or {', '.join(GROUPS)})",
                  file=sys.stderr)
            sys.exit(2)
    return [n for n, (kind, _, _) in ROWS.items() if n in words or kind in words]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--only", help="rows or kinds, comma-separated (default: all)")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    p.add_argument("--threads", type=int, default=None, help="every row with N threads instead of its own")
    p.add_argument("--json", action="store_true", help="one JSON object per row instead of the table")
    p.add_argument("--list", action="store_true", help="print the selected rows (name, threads, kind) and run nothing")
    args = p.parse_args()
    for flag, value in (("--rounds", args.rounds), ("--limit", args.limit), ("--threads", args.threads)):
        if value is not None and value < 1:
            p.exit(2, f"bench.py: {flag} must be at least 1, not {value}\n")
    names = selected(args.only)
    if args.list:
        for name in names:
            print(name, args.threads or ROWS[name][1], ROWS[name][0])
        return
    data = None
    if any(ROWS[n][0] != "micro" for n in names):
        root = os.environ.get("FASHION_MNIST_ROOT", "/usr/share/datasets/fashion-mnist")
        data = load(root, "train", False) + load(root, "t10k", False)
    if not args.json:
        print(f"{'row':18}{'threads':>12}{'seconds':>12}{'test acc':>12}{'loss':>12}{'peak MiB':>12}")
    for name in names:
        r = run(name, args, data)
        if args.json:
            print(json.dumps(r, sort_keys=True), flush=True)
        else:
            time_text = f"{r['seconds'] * 1e6:.1f} µs" if r["kind"] == "micro" else f"{r['seconds']:.3f} s"
            acc = f"{100 * r['test_accuracy']:.2f}%" if r["test_accuracy"] is not None else "-"
            loss = f"{r['loss']:.4f}" if r["loss"] is not None else "-"
            print(f"{name:18}{r['threads']:>12}{time_text:>12}{acc:>12}{loss:>12}{r['peak_rss_bytes'] / 1048576:>12.1f}",
                  flush=True)


if __name__ == "__main__":
    main()
