// DumpGenerator: see README.md (Architecture).
