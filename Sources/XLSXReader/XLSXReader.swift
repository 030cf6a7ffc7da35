// XLSXReader: see README.md (Architecture).
