"""One epoch of Fashion-MNIST batches through torchvision's DataLoader with ToTensor, for batch
sizes 100 and 1000 and 0, 1 and 2 workers; the PyTorch side of Benchmarks/run-dataloader.

The data are Debian's files decompressed into torchvision's layout in a temporary root.
"""
import gzip
import json
import os
import shutil
import sys
import tempfile
import time

import torch
import torchvision
from torchvision import transforms

rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
src = os.environ.get("FASHION_MNIST_ROOT", "/usr/share/datasets/fashion-mnist")
root = tempfile.mkdtemp()
raw = os.path.join(root, "FashionMNIST", "raw")
os.makedirs(raw)
for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]:
    with gzip.open(os.path.join(src, name + ".gz")) as f, open(os.path.join(raw, name), "wb") as out:
        shutil.copyfileobj(f, out)
torch.set_num_threads(2)
train = torchvision.datasets.FashionMNIST(root, train=True, download=False, transform=transforms.Compose([transforms.ToTensor()]))
results = {}
for batch_size in [100, 1000]:
    for workers in [0, 1, 2]:
        loader = torch.utils.data.DataLoader(train, batch_size=batch_size, shuffle=True, num_workers=workers)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            seen = 0
            for images, labels in loader:
                seen += images.shape[0]
            assert seen == 60000
            times.append(time.perf_counter() - start)
        results[f"batch {batch_size} workers {workers}"] = sorted(times)[len(times) // 2]
shutil.rmtree(root)
print(json.dumps(results))
