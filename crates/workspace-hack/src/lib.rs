//! No code: this crate exists for its `Cargo.toml`, which gives every dependency of the
//! course the same features in every build (see that file, and README's "Layout").
