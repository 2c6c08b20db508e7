//! Pipeline metrics as defined in shared/design/metrics.md. Pure functions over the
//! workspace and a "now"; nothing reads the clock or the time zone.
