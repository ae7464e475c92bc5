"""Bindings: keep a view in step with the Document (canvas scene, inspector)."""
