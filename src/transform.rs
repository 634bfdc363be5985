//! Correlation transformations (grafana.md §7.1): regex, logfmt, and spanlink's json. (Being written.)
