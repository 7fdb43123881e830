//! A sound card that is not there: ALSA writes the "played" audio into a FIFO that a thread here
//! drains and counts, so tests can tell whether something is ringing right now.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// An ALSA configuration whose default device plays into a counted FIFO.
#[derive(Debug)]
pub struct AlsaSink {
    /// Point `ALSA_CONFIG_PATH` here.
    pub config: PathBuf,
    fifo: PathBuf,
    bytes: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

impl AlsaSink {
    /// Creates the FIFO and the config under `dir` and starts draining.
    pub fn start(dir: &Path) -> Self {
        let fifo = dir.join("alsa-out.fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(status.success(), "mkfifo failed");
        let config = dir.join("asound.conf");
        std::fs::write(
            &config,
            format!(
                "pcm.!default {{ type plug; slave {{ pcm {{ type file; slave.pcm {{ type null }}; file \"{}\"; \
                 format \"raw\" }}; format S16_LE; rate 44100; channels 1 }} }}\n",
                fifo.display()
            ),
        )
        .expect("asound.conf");
        let (bytes, stop) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
        let reader = {
            let (fifo, bytes, stop) = (fifo.clone(), bytes.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 64 * 1024];
                // Each ring opens the device (a writer) anew; read until it closes, then wait again.
                while !stop.load(Ordering::SeqCst) {
                    let Ok(mut f) = std::fs::File::open(&fifo) else { break };
                    while let Ok(n) = f.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        bytes.fetch_add(n as u64, Ordering::SeqCst);
                    }
                }
            })
        };
        Self { config, fifo, bytes, stop, reader: Some(reader) }
    }

    /// Bytes played so far.
    pub fn played(&self) -> u64 {
        self.bytes.load(Ordering::SeqCst)
    }

    /// Whether audio is flowing: bytes arrive within `window`.
    pub fn is_playing(&self, window: Duration) -> bool {
        let before = self.played();
        std::thread::sleep(window);
        self.played() > before
    }
}

impl Drop for AlsaSink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Unblock a reader waiting in open() by opening the write end once.
        let _ = std::fs::OpenOptions::new().write(true).open(&self.fifo);
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}
