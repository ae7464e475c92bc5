"""Plots: each view is one file built on `base.PlotPanel` (one small interface).

A PlotPanel owns a pyqtgraph layout, a paced redraw timer, an empty state and PNG saving;
a concrete plot implements `has_content()`, `draw()` and `restyle(dark)`, and calls
`mark_dirty()` when new data arrived. Axes come from `axes.CompactAxis`, whose tick labels
never overlap. Importing any module here imports pyqtgraph (~0.4 s): the app loads them
off the start-up path.
"""
