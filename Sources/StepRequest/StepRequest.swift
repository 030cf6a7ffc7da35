// StepRequest: see README.md (Architecture).
