// ZipArchive: see README.md (Architecture).
