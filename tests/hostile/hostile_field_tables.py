"""The tables the field-level mutations draw on: every field's type per kind, wrong values,
out-of-range values, unknown registry names, hostile names, huge numbers and NaN spellings."""

from __future__ import annotations

from typing import Any

FORMATS = ("yaml", "json")

# Field path -> its type, per kind. Types: name, text, enum, int, float, bool, object,
# strings (list of strings), ints (list of ints), when (aware datetime).
FIELDS: dict[str, dict[str, str]] = {
    "submission": {
        "team": "name",
        "name": "name",
        "machine": "name",
        "description": "text",
        "workload": "text",
        "variant": "text",
        "runtime": "text",
        "quantization": "enum",
        "batch_size": "int",
        "runtime_options": "object",
        "runtime_options.intra_op_threads": "int",
        "runtime_options.inter_op_threads": "int",
        "runtime_options.graph_optimization": "enum",
        "runtime_options.execution_provider": "enum",
        "quantization_options": "object",
        "quantization_options.per_channel": "bool",
        "quantization_options.reduce_range": "bool",
        "quantization_options.op_types": "strings",
        "quantization_options.calibration_method": "enum",
        "quantization_options.calibration_samples": "int",
    },
    "round": {
        "name": "name",
        "description": "text",
        "division": "enum",
        "runtimes": "strings",
        "quantizations": "strings",
        "workloads": "object",
        "workloads.digits-cnn": "object",
        "workloads.digits-cnn.variants": "strings",
        "scenarios": "object",
        "scenarios.single-stream": "object",
        "scenarios.single-stream.min_queries": "int",
        "scenarios.single-stream.min_duration_s": "float",
        "machines": "strings",
        "prices.local": "object",
        "prices.local.price_usd_per_hour": "float",
        "seeds": "ints",
        "repeats": "int",
        "opens_at": "when",
        "closes_at": "when",
    },
}
REQUIRED = {
    "submission": ["team", "name", "workload", "variant", "runtime"],
    "round": ["name", "division", "workloads", "scenarios"],
}
NAMES = {"submission": ["team", "name", "machine"], "round": ["name", "machines"]}
REGISTRY_TEXT = {
    "submission": ["workload", "variant", "runtime"],
    "round": ["runtimes", "workloads.digits-cnn.variants"],
}
WRONG: dict[str, list[Any]] = {
    "name": [123, 4.5, True, None, [], ["x"], {}, {"a": 1}],
    "text": [123, 4.5, False, None, ["digits-cnn"], {"a": 1}],
    "enum": [1, 2.5, True, None, [], ["fp32"], {"x": 1}],
    "int": ["four", "", 2.5, None, [], [1], {}, {"a": 1}, "0x10", "1e3", "1_0 0"],
    "float": ["fast", "", None, [], [1.0], {"a": 1}, "1,5"],
    "bool": ["maybe", 2, 0.5, -1, None, [], {}, "tru"],
    "object": ["fast", 1, 2.5, True, [], [1, 2], "{}"],
    "strings": ["MatMul", 1, 2.5, {"a": 1}, [1], [None], [[]], [{}], [True]],
    "ints": ["0", 0, [0.5], [None], [[0]], {"a": 0}, ["zero"]],
    "when": ["yesterday", "2026-13-45T00:00:00Z", [], {}, True, "12:00"],
}
OUT_OF_RANGE: dict[str, list[tuple[Any, ...]]] = {
    "submission": [
        *(("batch_size", v) for v in (0, -1, 1025, -(2**63), 1_000_000)),
        *(("runtime_options.intra_op_threads", v) for v in (0, 257, -5)),
        *(("runtime_options.inter_op_threads", v) for v in (0, 65)),
        *(("quantization_options.calibration_samples", v) for v in (0, 4097)),
        *(("quantization", v) for v in ("int4", "FP32", "fp 32", "", "int8", "fp8")),
        *(("runtime_options.graph_optimization", v) for v in ("max", "ALL", "none")),
        *(("runtime_options.execution_provider", v) for v in ("tpu", "CUDA", "gpu", "cpu ")),
        *(("quantization_options.calibration_method", v) for v in ("magic", "MinMax")),
        ("quantization_options.op_types", ["MatMul"] * 33),
    ],
    "round": [
        *(("repeats", v) for v in (0, 101, -1)),
        *(("seeds", v) for v in ([-1], [2**31], [0, 0], [], list(range(17)))),
        *(("division", v) for v in ("semi", "OPEN", "")),
        ("quantizations", ["int4"]),
        ("workloads", {}),
        ("scenarios", {}),
        ("scenarios", {"batch": {}}),
        ("machines", []),
        ("runtimes", ["torch"] * 17),
        *(("workloads.digits-cnn.target_ratios", v) for v in (0, 1.5, -0.1, {"99": 2}, {})),
        ("workloads.digits-cnn.target_ratios", {"bad class!": 0.9}),
        ("workloads.digits-cnn.hypervolume_reference", {"speed": 1.0}),
        ("scenarios.single-stream.min_queries", 0),
        ("scenarios.single-stream.min_duration_s", -1),
        ("scenarios.single-stream.seed", 3),
        ("scenarios.server", {"min_queries": 32}),
        *(("prices.local.price_usd_per_hour", v) for v in (-1, 10_001)),
        ("prices.other", {"price_usd_per_hour": 1.0}),
        ("opens_at", "2026-12-01T00:00:00"),
        ("closes_at", "2026-11-01T00:00:00Z"),
        *(("schedule", v) for v in ("not cron", "* * * * * * * *", "61 * * * *", "x" * 129)),
        ("division", "open", "runtimes"),
    ],
}
REGISTRY: dict[str, list[tuple[Any, ...]]] = {
    "submission": [
        *(
            ("workload", {"workload": v})
            for v in (
                "os:system",
                "tourney_faults:FaultyTiny",
                "nope",
                "digits_cnn",
                "DIGITS-CNN",
                "../digits-cnn",
                "workloads.digits_cnn",
                "digits-cnn ",
                "__import__('os')",
            )
        ),
        *(("variant", {"variant": v}) for v in ("huge", "small/../wide", "__init__", "SMALL")),
        *(
            ("runtime", {"runtime": v})
            for v in (
                "tensorflow",
                "os.system",
                "tournament.runtimes.torch_eager:TorchEager",
                "torch ",
                "eval",
                "pickle",
            )
        ),
        *(("machine", {"machine": v}) for v in ("gpu-box", "remote-1", "localhost")),
        # the base's runtime_options hold onnxruntime's graph_optimization: torch has no such option
        ("quantization", {"runtime": "torch", "runtime_options": {"intra_op_threads": 2}}),
        (
            "quantization",
            {
                "runtime": "torch-compile",
                "quantization": "int8-dynamic",
                "runtime_options": {"intra_op_threads": 2},
            },
        ),
        ("quantization", {"quantization": "bf16"}),
        ("quantization_options", {"quantization": "fp32"}),
        ("quantization_options.op_types", {"quantization_options": {"op_types": ["Soft"]}}),
        ("quantization_options.op_types", {"quantization_options": {"op_types": []}}),
        (
            "runtime_options.graph_optimization",
            {
                "runtime": "torch",
                "quantization": "fp32",
                "quantization_options": {},
                "runtime_options": {"graph_optimization": "basic"},
            },
        ),
        (
            "quantization_options",
            {"quantization": "int8-dynamic", "quantization_options": {"calibration_samples": 9}},
        ),
    ],
    "round": [
        ("workloads.digits-cnn.variants", {"workloads": {"digits-cnn": {"variants": ["huge"]}}}),
        ("runtimes", {"runtimes": ["tensorflow"]}),
        ("runtimes", {"runtimes": ["os.system"]}),
        ("machines", {"machines": ["gpu-box"], "prices": None}),
        *(
            ("workloads", {"workloads": {key: {}}})
            for key in ("os:system", "../digits-cnn", "evil\nkey", "\x1b[31mred")
        ),
    ],
}
HOSTILE_NAMES = [
    "../../etc/passwd", "a/b", "a\\b", "/abs", "C:\\Windows", ".hidden", "-rf", "..", ".", "",
    " ", "a b", "a\tb", "a\nb", "a\rb", "\x00", "nul\x00byte", "\x1b[31mred\x1b[0m", "\u202eevil",
    "zero\u200bwidth", "t\u0435am", "\uff21", "a" * 65, "b" * 1000, "a;rm -rf /", "$(reboot)",
    "`id`", "<script>alert(1)</script>", "%00", "a%2fb", "del\x7f", "\U0001f600", "team\u0085",
    "~root", "a:b", "a*b", "a?b", "ok-name\n", "x\u2028y",
]  # fmt: skip
UNKNOWN_KEYS = [
    "teams", "Team", "batchsize", "batch-size", "runtime_option", "__proto__", "__class__",
    "$ref", "__import__('os')", "x" * 300, "", " ", "a.b", "\u202e", "key\x1b[2J",
    "line 1", "!!python/object", "<<", "&anchor", "*alias",
]  # fmt: skip
MAX_LENGTH = {("submission", "description"): 2000, ("round", "description"): 4000}
NESTED_UNKNOWN = {
    "submission": ["runtime_options.threads", "quantization_options.bits", "runtime_options.x"],
    "round": [
        "workloads.digits-cnn.target",
        "scenarios.single-stream.duration",
        "prices.local.price",
    ],
}
HUGE = [10**19, 2**63, 2**64, 10**100, 10**308, 10**400, -(10**400), 10**4000]
RAW_HUGE = {
    "json": ["1e309", "-1e309", "1e400", "1e-400", "123456789e999"],
    "yaml": ["1.0e+309", "-1.0e+400", "1.0e-400"],
}
SPECIALS = {
    "yaml": [".nan", ".NaN", ".NAN", ".inf", ".Inf", "-.inf", "+.INF", "-.Inf"],
    "json": ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"],
}
