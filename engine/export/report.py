"""The export report in words, shared by the CLI and the dialog (no torch)."""

from __future__ import annotations

from typing import Any


def verification_line(report: dict[str, Any]) -> str:
    """'verified: max abs diff 0 (tolerance 1e-05), top-1 agreement 100.0% on 72 samples'"""
    batches = report.get("batch_sizes", [])
    return (f"verified in a clean Python process: max abs diff {report['max_abs_diff']:.3g} "
            f"(tolerance {report['tolerance']:.3g}), top-1 agreement "
            f"{report['top1_agreement']:.1%} on {report['samples']}, batch sizes "
            f"{', '.join(str(b) for b in batches)}")


def report_lines(report: dict[str, Any]) -> list[str]:
    lines = [f"exported {report['title']} with {report['weights']}:"]
    lines += [f"  {path}" for path in report["files"]]
    lines.append(verification_line(report))
    lines += list(report.get("notes", []))
    lines.append(f"export {report['export_s']:.1f} s, verification {report['verify_s']:.1f} s")
    return lines
