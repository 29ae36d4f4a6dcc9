"""Running fordela for real: the production server, the job worker, preflight checks, logs."""
