"""The probe kinds a running Trainer serves between steps, torch-free so the GUI process
(TrainControl) can check a request without importing torch.

Each kind names the function that answers it, "module:function", with the signature
`fn(model, args: dict, *, x_val, x_train) -> dict` (args: the request's keyword arguments;
the function pops what it takes, and leftovers are refused). A new probe is a new entry here
and a function in its own module.
"""

from __future__ import annotations

PROBES: dict[str, str] = {
    "feature_maps": "engine.inspect.probes:probe_feature_maps",
    "grad_norms": "engine.inspect.probes:probe_grad_norms",
    "weights": "engine.inspect.probes:probe_weights",
    "gradient_flow": "engine.inspect.diagnostics:probe_gradient_flow",
    "histograms": "engine.inspect.diagnostics:probe_histograms",
    "state": "engine.inspect.diagnostics:probe_state",
}

PROBE_KINDS: tuple[str, ...] = tuple(PROBES)
