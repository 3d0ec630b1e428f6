"""The same network in PyTorch-Python, for bench/run_bench.sh: Caffe's MNIST Siamese LeNet (2-D output),
the 2014 contrastive loss (margin on d^2), SGD with momentum 0.9. Prints JSON with training pairs/s
(batch 64 pairs = 128 images through one branch) and inference images/s (batch 256) per thread count.
With --channels-last the net's weights and input use torch.channels_last (the layout siamese's LeNet branch
uses), as a PyTorch user could also choose."""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.ip1 = nn.Linear(800, 500)
        self.ip2 = nn.Linear(500, 10)
        self.feat = nn.Linear(10, 2)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 2, 2)
        x = F.max_pool2d(self.conv2(x), 2, 2)
        x = F.relu(self.ip1(x.flatten(1)))
        return self.feat(self.ip2(x))


def measure(fn, seconds):
    for _ in range(5):
        fn()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - start)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    channels_last = "--channels-last" in sys.argv
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    seconds = float(args[0]) if args else 3.0
    torch.manual_seed(1)
    out = {"torch": torch.__version__, "channels_last": channels_last, "train_pairs_per_s": {},
           "infer_images_per_s": {}}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        net = LeNet().to(memory_format=fmt)
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
        x = torch.rand(128, 1, 28, 28).contiguous(memory_format=fmt)
        same = (torch.arange(64) % 10 == 0).float()

        def step():
            e = net(x)
            d2 = (e[:64] - e[64:]).pow(2).sum(1)
            loss = (same * d2 + (1 - same) * torch.clamp(1.0 - d2, min=0)).sum() / (2 * 64)
            opt.zero_grad()
            loss.backward()
            opt.step()

        out["train_pairs_per_s"][str(threads)] = 64 * measure(step, seconds)
        xi = torch.rand(256, 1, 28, 28).contiguous(memory_format=fmt)
        net.eval()

        def infer():
            with torch.no_grad():
                net(xi)

        out["infer_images_per_s"][str(threads)] = 256 * measure(infer, seconds)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
