// CSVWriter: see README.md (Architecture).
