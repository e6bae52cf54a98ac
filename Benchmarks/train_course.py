"""Trains the course CNN on Fashion-MNIST in PyTorch: the PyTorch side of Benchmarks/run-train,
mirroring `swifttorch train`'s defaults (course CNN, Adam lr 0.01, batch 100, shuffled, one epoch).

    python Benchmarks/train_course.py [--epochs N] [--limit N] [--threads N] [--seed N] [--normalize]

The data are read straight from the IDX .gz files in $FASHION_MNIST_ROOT (default Debian's
/usr/share/datasets/fashion-mnist) with numpy, scaled as ToTensor does (÷255), optionally
normalized (--normalize: mean 0.2860, std 0.3530), and served by a DataLoader over a
TensorDataset with num_workers=0. --limit keeps the first N training images; the test set is
always the 10000 test images.

Prints one line per epoch, in the format `swifttorch train` uses:
    epoch 1: loss 0.5731, train accuracy 78.42%, test accuracy 83.10%, 3.9 s
(loss: mean cross-entropy over the epoch's images; train accuracy: predictions made while
training; seconds: the training loop of that epoch, without the test pass), then one JSON line
with the totals: train_seconds (sum of the epochs' training loops, data loading set-up
excluded), train_cpu_seconds (the process's CPU time in those loops; much
more than train_seconds × threads, or much less, points at a busy machine), test_accuracy (last epoch, as a
fraction), and the settings. On a busy machine the 2-thread time swings widely (OpenMP threads
spin while waiting); see Benchmarks/run-train.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    """An IDX file (.gz) as a numpy array: magic 0x0000 08 D (ubyte, D dimensions), big-endian sizes."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(root, split, normalize):
    images = read_idx(os.path.join(root, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(root, f"{split}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255).unsqueeze(1)  # [N, 1, 28, 28]
    if normalize:
        x = (x - 0.2860) / 0.3530
    return x, torch.from_numpy(labels.astype(np.int64))


class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5)
        self.conv2 = nn.Conv2d(6, 12, kernel_size=5)
        self.fc1 = nn.Linear(12 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 60)
        self.out = nn.Linear(60, 10)

    def forward(self, t):
        t = F.max_pool2d(F.relu(self.conv1(t)), kernel_size=2, stride=2)
        t = F.max_pool2d(F.relu(self.conv2(t)), kernel_size=2, stride=2)
        t = F.relu(self.fc1(t.reshape(-1, 12 * 4 * 4)))
        t = F.relu(self.fc2(t))
        return self.out(t)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--normalize", action="store_true")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--batch-size", type=int, default=100)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    root = os.environ.get("FASHION_MNIST_ROOT", "/usr/share/datasets/fashion-mnist")
    train_x, train_y = load(root, "train", args.normalize)
    test_x, test_y = load(root, "t10k", args.normalize)
    if args.limit is not None:
        train_x, train_y = train_x[:args.limit], train_y[:args.limit]
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_x, train_y),
                                         batch_size=args.batch_size, shuffle=True, num_workers=0)
    network = Network()
    optimizer = torch.optim.Adam(network.parameters(), lr=args.lr)

    epoch_seconds, cpu_seconds = [], []
    for epoch in range(1, args.epochs + 1):
        network.train()
        total_loss, correct = 0.0, 0
        start, cpu_start = time.perf_counter(), time.process_time()
        for images, labels in loader:
            preds = network(images)
            loss = F.cross_entropy(preds, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * images.shape[0]
            correct += (preds.argmax(dim=1) == labels).sum().item()
        epoch_seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu_start)

        network.eval()
        with torch.no_grad():
            test_correct = sum((network(x).argmax(dim=1) == y).sum().item()
                               for x, y in zip(test_x.split(1000), test_y.split(1000)))
        n = len(train_y)
        test_accuracy = test_correct / len(test_y)
        print(f"epoch {epoch}: loss {total_loss / n:.4f}, train accuracy {100 * correct / n:.2f}%, "
              f"test accuracy {100 * test_accuracy:.2f}%, {epoch_seconds[-1]:.1f} s", flush=True)

    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "epochs": args.epochs,
                      "train_images": len(train_y), "batch_size": args.batch_size, "lr": args.lr,
                      "seed": args.seed, "normalize": args.normalize, "num_workers": 0,
                      "epoch_seconds": [round(s, 4) for s in epoch_seconds],
                      "train_seconds": round(sum(epoch_seconds), 4), "train_cpu_seconds": round(sum(cpu_seconds), 4),
                      "loss": round(total_loss / n, 6), "test_accuracy": test_accuracy}))


if __name__ == "__main__":
    main()
