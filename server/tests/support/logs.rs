//! The server's log lines, captured: for the tests that read what it logs (each
//! in a file of its own, since the logger belongs to the process).

use std::sync::{Arc, Mutex};

/// Installs the process's logger, JSON at `level`, writing to the returned capture.
pub fn capture(level: &str) -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    server::logging::init(server::logging::LogFormat::Json, level, move || writer.clone());
    captured
}

/// Every line written, kept for the test to read.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// The lines so far, one JSON object each.
    pub fn lines(&self) -> Vec<serde_json::Value> {
        self.text().lines().map(|line| serde_json::from_str(line).expect("one JSON object a line")).collect()
    }
}
