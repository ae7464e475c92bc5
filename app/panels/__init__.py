"""Feature panels, each installed into the window through app.host.WindowHost:
one package per feature (data, training, inspection, diagnosis, export, lessons)."""
