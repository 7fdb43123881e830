//! The phone's adapter to ntfy (<https://ntfy.sh>, or a self-hosted server): [`NtfyClient`]
//! publishes pages as ntfy JSON and reads a topic's JSON stream; [`ReplyListener`] follows the
//! reply topic (resuming with `since=` after a drop, so no press is lost) and hands every message
//! to the engine's dispatcher, which decides what, if anything, it may do.

mod client;
mod error;
mod listener;
mod round_trip;
mod stream;

pub use client::NtfyClient;
pub use error::NtfyError;
pub use listener::ReplyListener;
pub use stream::{Event, Since, Subscription};
