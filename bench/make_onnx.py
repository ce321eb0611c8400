#!/usr/bin/env python3
"""Builds the stream model as an ONNX graph from the shipped weights, for ONNX Runtime Web.

    python bench/make_onnx.py weights/stream.safetensors out/stream.onnx

The maths is that of src/model.rs and src/station.rs, in NCHW:

    s0 = LGN·E                                1×1 conv, 8 → 32, no bias
    for V1, V2, V4, IT:
        x  = s_{k-1} (V1) or AveragePool2×2(s_{k-1})
        a  = ReLU(x·W_in + b_in)              1×1 conv
        h  = ReLU(conv3×3(a) + b)             3×3 conv, zero padding 1
        w  = h·W_out + b_out                  1×1 conv
        s_k = x + w (stream) or w (hierarchy)
    g = GlobalAveragePool(s4); category = g·W_cat + b_cat; orientation = g·W_ori + b_ori

and the variants the weights file names in its metadata (src/variant.rs):

    prenorm            x and s4 divided by √(mean over C, H, W of x² + 1e-6), per image
    layerscale         w ⊙ γ: folded into W_out and b_out
    columns            the 3×3 conv grouped, one group per column (Conv's `group`)
    stochastic-depth   nothing: the survival is already folded into the file's writes

Inputs: "lgn" [1, 8, 32, 32]. Outputs: "category" [1, 10], "orientation" [1, 8], and the
L5 maps "l5_V1" … "l5_IT" [1, 32, side, side] for the equality check.

The weights are I8 with a float32 scale per tensor (value = i8 · scale), decoded exactly as
the core decodes them (one float32 product).
"""

import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

STATIONS = ["V1", "V2", "V4", "IT"]


def read_weights(path):
    raw = load_file(path)
    out = {}
    for name, value in raw.items():
        if name.endswith(".scale"):
            continue
        if value.dtype == np.int8:
            scale = raw[name + ".scale"].astype(np.float32)[0]
            out[name] = value.astype(np.float32) * np.float32(scale)
        else:
            out[name] = value.astype(np.float32)
    return out


def metadata_of(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    return header.get("__metadata__", {})


def build(weights, wiring, variant="shipped"):
    parts = set(variant.split("+")) - {"shipped"}
    unknown = parts - {"prenorm", "layerscale", "columns", "stochastic-depth"}
    if unknown:
        raise ValueError(f"variant {variant!r}: no graph for {sorted(unknown)}")
    inits = []
    nodes = []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name))
        return name

    def pointwise(x, prefix, out, bias=True, gain=None):
        # Our w is [in, out]; a 1×1 Conv weight is [out, in, 1, 1]. A gain scales each output
        # (layerscale's γ), in float32 as the core multiplies.
        w = weights[prefix + ".w"]
        b = weights.get(prefix + ".b")
        if gain is not None:
            w = (w * gain[None, :]).astype(np.float32)
            b = (b * gain).astype(np.float32)
        inputs = [x, const(prefix + ".w", w.T[:, :, None, None])]
        if bias:
            inputs.append(const(prefix + ".b", b))
        nodes.append(helper.make_node("Conv", inputs, [out], kernel_shape=[1, 1], name=prefix))
        return out

    def kernel(prefix):
        # Our k is [(ky*3 + kx)*in + c_in, c_out]; an ONNX Conv weight is [out, in, ky, kx].
        k = weights[prefix + ".k"]
        c_out = k.shape[1]
        c_in = k.shape[0] // 9
        return k.reshape(3, 3, c_in, c_out).transpose(3, 2, 0, 1), weights[prefix + ".b"]

    def conv3(x, prefix, out):
        if "columns" in parts:
            # Column c maps its own slice of the units: stacked along the outputs, a grouped conv.
            cols = []
            while f"{prefix}.column{len(cols)}.k" in weights:
                cols.append(kernel(f"{prefix}.column{len(cols)}"))
            w, b, group = np.concatenate([k for k, _ in cols]), np.concatenate([b for _, b in cols]), len(cols)
        else:
            (w, b), group = kernel(prefix), 1
        nodes.append(
            helper.make_node(
                "Conv",
                [x, const(prefix + ".k", w), const(prefix + ".b", b)],
                [out],
                kernel_shape=[3, 3],
                pads=[1, 1, 1, 1],
                group=group,
                name=prefix,
            )
        )
        return out

    def rms_normalised(x, out):
        # x / √(mean(x²) + ε) over channels and positions, one number per image (src/layers/rms.rs).
        sq, ms, eps, root = (f"{out}.{n}" for n in ("sq", "ms", "eps", "root"))
        nodes.append(helper.make_node("Mul", [x, x], [sq]))
        nodes.append(helper.make_node("ReduceMean", [sq], [ms], axes=[1, 2, 3], keepdims=1))
        nodes.append(helper.make_node("Add", [ms, const(eps, np.array(1e-6, dtype=np.float32))], [f"{eps}.sum"]))
        nodes.append(helper.make_node("Sqrt", [f"{eps}.sum"], [root]))
        nodes.append(helper.make_node("Div", [x, root], [out]))
        return out

    s = pointwise("lgn", "embed", "s0", bias=False)
    outputs = []
    side = 32
    for k, name in enumerate(STATIONS):
        x = s
        if k > 0:
            x = f"{name}.input"
            nodes.append(helper.make_node("AveragePool", [s], [x], kernel_shape=[2, 2], strides=[2, 2], name=x))
            side //= 2
        read_from = rms_normalised(x, f"{name}.normalised") if "prenorm" in parts else x
        a = pointwise(read_from, f"{name}.read", f"{name}.read.out")
        nodes.append(helper.make_node("Relu", [a], [f"{name}.l4"]))
        h = conv3(f"{name}.l4", f"{name}.compute", f"{name}.compute.out")
        nodes.append(helper.make_node("Relu", [h], [f"{name}.l23"]))
        l5 = f"l5_{name}"
        gain = weights[f"{name}.write.gain"] if "layerscale" in parts else None
        if wiring == "hierarchy":
            pointwise(f"{name}.l23", f"{name}.write", l5, gain=gain)
        else:
            w = pointwise(f"{name}.l23", f"{name}.write", f"{name}.write.out", gain=gain)
            nodes.append(helper.make_node("Add", [x, w], [l5]))
        outputs.append(helper.make_tensor_value_info(l5, TensorProto.FLOAT, [1, 32, side, side]))
        s = l5
    heads = []
    if "prenorm" in parts:
        s = rms_normalised(s, "readout.normalised")
    nodes.append(helper.make_node("GlobalAveragePool", [s], ["gap"]))
    nodes.append(helper.make_node("Flatten", ["gap"], ["pooled"], axis=1))
    for head, n in (("category", 10), ("orientation", 8)):
        p = f"head.{head}"
        nodes.append(
            helper.make_node(
                "Gemm",
                ["pooled", const(p + ".w", weights[p + ".w"]), const(p + ".b", weights[p + ".b"])],
                [head],
                name=p,
            )
        )
        heads.append(helper.make_tensor_value_info(head, TensorProto.FLOAT, [1, n]))
    graph = helper.make_graph(
        nodes,
        f"ventral-stream-{wiring}",
        [helper.make_tensor_value_info("lgn", TensorProto.FLOAT, [1, 8, 32, 32])],
        heads + outputs,
        inits,
    )
    model = helper.make_model(graph, producer_name="stations-in-the-stream bench",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    src, dst = argv[1], argv[2]
    meta = metadata_of(src)
    wiring = meta.get("wiring")
    if wiring not in ("stream", "hierarchy"):
        print(f"make_onnx.py: {src} holds the {wiring!r} wiring; only stream and hierarchy", file=sys.stderr)
        return 1
    onnx.save(build(read_weights(src), wiring, meta.get("variant", "shipped")), dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
