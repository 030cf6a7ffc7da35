// Selection: see README.md (Architecture).
