#!/usr/bin/python3
"""Independent evaluation of a dense-network forward model (data.md section 5).

Usage: neural_eval.py WEIGHTS.safetensors STATES.txt [--residual]

STATES.txt holds one state per line, numbers separated by spaces. The
script parses the safetensors file itself (struct and json, not the
safetensors package), evaluates the network on every state with NumPy in
float64 and prints one result per line, each number in Python's
round-tripping repr. It shares no code with the Go runtime; the Go test
neural_eval_test.go compares the two.
"""

import json
import re
import struct
import sys

import numpy as np

DTYPES = {"F32": "<f4", "F64": "<f8"}
ACTIVATIONS = {
    "linear": lambda z: z,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    data = blob[8 + n :]
    meta = header.pop("__metadata__", None) or {}
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        arr = np.frombuffer(data[begin:end], dtype=DTYPES[info["dtype"]])
        tensors[name] = arr.astype(np.float64).reshape(info["shape"])
    return tensors, meta


def layers(tensors):
    """The (weight, bias) pairs in increasing order of layer number."""
    found = {}
    for name in tensors:
        m = re.fullmatch(r"(layers\.)?(\d+)\.(weight|bias)", name)
        if m is None:
            raise SystemExit(f"unexpected tensor {name}")
        found.setdefault(int(m.group(2)), {})[m.group(3)] = tensors[name]
    return [(found[k]["weight"], found[k]["bias"]) for k in sorted(found)]


def main():
    weights, states = sys.argv[1], sys.argv[2]
    residual = "--residual" in sys.argv[3:]
    tensors, meta = read_safetensors(weights)
    net = layers(tensors)
    if "activations" in meta:
        acts = [a.strip() for a in meta["activations"].split(",")]
    else:
        acts = [meta.get("activation", "tanh")] * (len(net) - 1) + ["linear"]
    x = np.loadtxt(states, dtype=np.float64, ndmin=2)
    z = x
    for (w, b), act in zip(net, acts, strict=True):
        z = ACTIVATIONS[act](z @ w.T + b)
    if residual:
        z = x + z
    for row in z:
        print(" ".join(repr(float(v)) for v in row))


if __name__ == "__main__":
    main()
