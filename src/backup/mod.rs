//! Backup files: the versioned JSON export of a workspace (or one pipeline), its
//! validation on import, migration of older versions, and CSV export. Pure.
