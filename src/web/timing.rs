//! How long each part of a page took, logged at debug level
//! (`DECORUM_LOG=decorum::timing=debug`), so a slow page on a live server can be taken
//! apart without a profiler. Parts that run side by side overlap in the log.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The parts of one page, timed as they finish.
pub struct PageTimer {
    page: &'static str,
    start: Instant,
    parts: Mutex<Vec<(&'static str, Duration)>>,
}

impl PageTimer {
    pub fn start(page: &'static str) -> PageTimer {
        PageTimer {
            page,
            start: Instant::now(),
            parts: Mutex::new(Vec::new()),
        }
    }

    /// Run `part`, noting how long it took (whether it succeeded or not).
    pub async fn time<T>(&self, name: &'static str, part: impl Future<Output = T>) -> T {
        let started = Instant::now();
        let out = part.await;
        if let Ok(mut parts) = self.parts.lock() {
            parts.push((name, started.elapsed()));
        }
        out
    }

    /// Log the parts and the whole, in milliseconds.
    pub fn log(&self) {
        if !tracing::enabled!(target: "decorum::timing", tracing::Level::DEBUG) {
            return;
        }
        let parts = self.parts.lock().map(|p| p.clone()).unwrap_or_default();
        let parts: Vec<String> = parts
            .iter()
            .map(|(name, d)| format!("{name} {:.1}", d.as_secs_f64() * 1000.0))
            .collect();
        tracing::debug!(
            target: "decorum::timing",
            page = self.page,
            total_ms = self.start.elapsed().as_secs_f64() * 1000.0,
            "{}",
            parts.join(", ")
        );
    }
}
