// XLSXWriter: see README.md (Architecture).
