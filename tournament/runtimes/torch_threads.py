"""Apply thread counts to PyTorch and report what actually applies."""

from __future__ import annotations

from typing import Any

from tournament.schema import RuntimeOptionsBase


def apply_torch_threads(options: RuntimeOptionsBase) -> dict[str, Any]:
    """Set intra-op and inter-op thread counts; return the counts in force afterwards.

    ``torch.set_num_interop_threads`` works once per process and only before any inter-op
    parallel work has started; when it cannot apply, the current count is kept and a note
    says so (the details of a result then show the count that really ran).
    """
    import torch

    torch.set_num_threads(options.intra_op_threads)
    note = ""
    if torch.get_num_interop_threads() != options.inter_op_threads:
        try:
            torch.set_num_interop_threads(options.inter_op_threads)
        except RuntimeError:
            note = (
                "torch allows setting inter-op threads once per process before parallel work "
                f"starts; this process keeps {torch.get_num_interop_threads()}."
            )
    return {
        "intra_op_threads": torch.get_num_threads(),
        "inter_op_threads": torch.get_num_interop_threads(),
        "inter_op_threads_requested": options.inter_op_threads,
        "inter_op_threads_note": note,
    }
