"""The engine worker process: one long-lived child process (spawned, never forked) that
owns torch, the model, the data tensors and the Trainer, and serves training runs, probes,
checkpoints and one-shot jobs for the editor. See docs/architecture.md, "Where torch runs".

`protocol` (the messages, plain data) and `jobs` are torch-free; `server` is the child's
entry point and imports torch only once it runs in the child.
"""
