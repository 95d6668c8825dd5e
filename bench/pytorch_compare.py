#!/usr/bin/env python3
"""Time one training epoch of the two benchmark networks in infocap and in PyTorch (CPU).

Workloads, as in crates/infocap-nn/benches/setup.rs: 12-10-7-5-4-3-2 tanh on the 4,096
patterns of 12 bits, and 784-256-128-10 ReLU on 10,000 MNIST images (random pixels of that
shape when ../shared/data/mnist is missing); batch 64, Adam at 1e-3, float32, softmax
cross-entropy. Both sides use the same thread count and report the median of REPEATS epochs
after one warm-up epoch, in wall time and, at one thread, in CPU time of the working thread
(which a busy machine inflates much less).

    python3 bench/pytorch_compare.py [--threads 2] [--repeats 5]

Without torch installed, only the infocap times are printed.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MNIST = ROOT.parent / "shared" / "data" / "mnist"
BATCH = 64


def rust_times(threads, repeats):
    env = dict(os.environ, MATMUL_NUM_THREADS=str(threads))
    command = ["cargo", "run", "--quiet", "--release", "-p", "infocap-nn",
               "--example", "epoch_time", "--", str(repeats)]
    output = subprocess.run(command, cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def patterns(torch):
    generator = torch.Generator().manual_seed(12)
    weights = torch.rand(12, generator=generator) * 2 - 1
    index = torch.arange(4096).unsqueeze(1)
    x = ((index >> torch.arange(12)) & 1).float()
    labels = (((2 * x - 1) * weights).sum(1) > 0).long()
    return x, labels


def mnist_sized(torch):
    images = MNIST / "t10k-images-idx3-ubyte.gz"
    labels = MNIST / "t10k-labels-idx1-ubyte.gz"
    if images.is_file() and labels.is_file():
        pixels = gzip.decompress(images.read_bytes())[16:16 + 10000 * 784]
        label_bytes = gzip.decompress(labels.read_bytes())[8:8 + 10000]
        x = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).float().view(10000, 784) / 255
        y = torch.frombuffer(bytearray(label_bytes), dtype=torch.uint8).long()
        return x, y, "mnist"
    generator = torch.Generator().manual_seed(784)
    x = torch.rand(10000, 784, generator=generator)
    y = torch.randint(0, 10, (10000,), generator=generator)
    return x, y, "random"


def torch_epoch_seconds(torch, widths, activation, x, y, repeats):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(activation())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch():
        order = torch.randperm(x.shape[0])
        for start in range(0, x.shape[0], BATCH):
            rows = order[start:start + BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[rows]), y[rows])
            loss.backward()
            optimizer.step()

    epoch()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.thread_time()
        epoch()
        wall.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    return median(wall), median(cpu)


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    rust = rust_times(args.threads, args.repeats)
    print(f"infocap  12-10-7-5-4-3-2 tanh : {rust['small_epoch_s'] * 1e3:9.2f} ms/epoch wall"
          f" {rust['small_epoch_cpu_s'] * 1e3:9.2f} ms CPU")
    print(f"infocap  784-256-128-10 relu  : {rust['mnist_epoch_s'] * 1e3:9.2f} ms/epoch wall"
          f" {rust['mnist_epoch_cpu_s'] * 1e3:9.2f} ms CPU"
          f" ({rust['mnist_source']} data, {args.threads} threads)")
    try:
        import torch
    except ImportError:
        print("torch is not installed; install it (pip install torch) to compare")
        return 0
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x, y = patterns(torch)
    small = torch_epoch_seconds(torch, [12, 10, 7, 5, 4, 3, 2], torch.nn.Tanh, x, y,
                                args.repeats)
    x, y, source = mnist_sized(torch)
    large = torch_epoch_seconds(torch, [784, 256, 128, 10], torch.nn.ReLU, x, y, args.repeats)
    print(f"pytorch  12-10-7-5-4-3-2 tanh : {small[0] * 1e3:9.2f} ms/epoch wall"
          f" {small[1] * 1e3:9.2f} ms CPU")
    print(f"pytorch  784-256-128-10 relu  : {large[0] * 1e3:9.2f} ms/epoch wall"
          f" {large[1] * 1e3:9.2f} ms CPU"
          f" ({source} data, torch {torch.__version__}, {torch.get_num_threads()} threads)")
    print(f"wall-time speed-up over pytorch: small {small[0] / rust['small_epoch_s']:.2f}x, "
          f"784-256-128-10 {large[0] / rust['mnist_epoch_s']:.2f}x")
    if args.threads == 1:
        # CPU time of the one working thread is far less sensitive to a busy machine.
        print(f"CPU-time speed-up over pytorch: small "
              f"{small[1] / rust['small_epoch_cpu_s']:.2f}x, "
              f"784-256-128-10 {large[1] / rust['mnist_epoch_cpu_s']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
