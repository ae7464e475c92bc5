"""One writer per format: given the network and its weights, write the files into the
staging folder and say how the clean process should load them back."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from engine.analysis import Analysis
from engine.export import programs
from engine.export.formats import ExportFormat
from engine.export.source import class_name_for, module_source
from engine.project import Project


def write_format(fmt: ExportFormat, project: Project, analysis: Analysis,
                 weights: Mapping[str, np.ndarray], main: Path, trained: bool) -> dict[str, Any]:
    """Write `fmt` to `main` (plus any files beside it). Returns {"files": [paths], "notes",
    and for verification "helper" (source that reads weights-only files) or "init_weights"}."""
    from engine.weights import save_weights

    shape = tuple(analysis.input_shape or ())
    name = class_name_for(project.name)
    if fmt.name == "py":
        main.write_text(module_source(project, main.stem, name, analysis), encoding="utf-8")
        weights_file = main.with_suffix(".safetensors")
        save_weights(weights_file, weights)
        return {"files": [main, weights_file],
                "notes": [f"Load with `from {main.stem} import load_model`; the weights are in "
                          f"{weights_file.name} (safetensors), which must stay beside it."]}
    if fmt.name == "train-script":
        from engine.export.train_script import script_source

        init = main.with_name(main.stem + "_init.safetensors") if trained else None
        main.write_text(script_source(project, analysis, init.name if init else None),
                        encoding="utf-8")
        files = [main]
        notes = [f"Run `python {main.name} --data DATA` or `torchrun --nproc_per_node=N "
                 f"{main.name} --data DATA`; `python {main.name} --help` lists the options."]
        if init is not None:
            save_weights(init, weights)
            files.append(init)
            notes.append(f"Training starts from the exported weights in {init.name}.")
        return {"files": files, "notes": notes, "init_weights": init}
    if fmt.weights_only:
        if fmt.name == "safetensors":
            save_weights(main, weights)
            notes = ["Read with safetensors.torch.load_file(path); names are the layers' "
                     "state_dict keys."]
        else:
            notes = programs.write_state_dict(weights, main)["notes"]
        return {"files": [main], "notes": notes,
                "helper": module_source(project, "helper", name, analysis)}
    with programs.standalone_module(module_source(project, main.stem, name, analysis)) as module:
        model = programs.instantiate(module, name, weights)
        if fmt.name == "pt2":
            info = programs.write_pt2(model, shape, main)
        elif fmt.name == "onnx":
            info = programs.write_onnx(model, shape, main)
        else:
            info = programs.write_torchscript(model, main)
    return {"files": [main, *info.get("extra_files", [])], **info}
