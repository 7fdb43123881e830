//! Fake of this platform's API (being written).
