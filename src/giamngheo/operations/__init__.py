"""Operations: backups and restores of the database and files, scheduled backups with
retention, and the crash-safety guarantees (see README.md and docs/operations.md)."""
