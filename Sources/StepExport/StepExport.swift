// StepExport: see README.md (Architecture).
