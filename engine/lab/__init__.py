"""The learning lab's engine: what each step-by-step view shows, computed from the real
layer, its real weights and a real sample.

Two kinds of module live here. The stepper modules (conv, pool, loss, activations,
dropout, preprocess, flow) are numpy only: a trace (one layer on one sample) comes in and
the numbers of one step come out, cheaply enough to run on every arrow key. `capture` and
`jobs` use torch: they build the project's model, run the sample through it and produce
the traces, once per (layer, sample), off the GUI thread.
"""
