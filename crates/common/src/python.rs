//! The Python side of the course's measurements: a venv of the course's own under
//! `target/`, with the PyPI packages a script needs, and the scripts' folder.
//!
//! A venv is made the first time a program needs it (that once, with a network to PyPI:
//! `pip` fetches the pinned package) and kept; later runs work offline. A venv that could
//! not be completed is removed, so the next run tries again.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace's folder: where `target/` and `scripts/` are.
pub fn workspace() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .ancestors()
        .nth(2)
        .unwrap_or(crate_dir)
        .to_path_buf()
}

/// A script of `scripts/python/`, by its file name (`"limits.py"`).
pub fn script(name: &str) -> PathBuf {
    workspace().join("scripts/python").join(name)
}

/// The python of the venv `target/<folder>` with `requirement` installed (e.g.
/// `"trio==0.32.0"`), made when missing. The error says what is missing: python3, or
/// PyPI.
pub fn venv(folder: &str, requirement: &str) -> Result<PathBuf, String> {
    let dir = workspace().join("target").join(folder);
    let python = dir.join("bin/python");
    if python.exists() {
        return Ok(python);
    }
    eprintln!(
        "making a venv with {requirement} from PyPI in {}",
        dir.display()
    );
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&dir)
        .status()
        .map_err(|e| format!("{requirement} needs python3: {e}"))?;
    let installed = made.success()
        && Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", requirement])
            .status()
            .is_ok_and(|status| status.success());
    if !installed {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(format!(
            "could not install {requirement} into {} (no network?)",
            dir.display()
        ));
    }
    Ok(python)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scripts_are_where_the_workspace_keeps_them() {
        assert!(workspace().join("Cargo.toml").exists());
        assert!(
            script("limits.py").exists(),
            "{}",
            script("limits.py").display()
        );
    }
}
