// EventDump: see README.md (Architecture).
