// Empty: with a build script, the dependencies under `[build-dependencies]` in this crate's
// Cargo.toml count, and build scripts and proc macros get one feature set too.
fn main() {}
