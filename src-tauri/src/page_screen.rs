//! The page screen: while a loud page rings, the main window is shown, raised
//! above the others, focused and asks for attention; the webview renders the page full-window
//! from the `klaxon://ringing` event. When nothing rings it goes back to a normal window. With the
//! engine in this process it is a delivery path; as the pager's client the window follows the
//! ringing events itself.

use klaxon_engine::{DeliveryError, Page, PageDelivery, RingState};
use std::sync::OnceLock;
use tauri::{AppHandle, Manager, Runtime, UserAttentionType};

/// Raises the window for pages; bound to the app once it exists.
#[derive(Debug, Default)]
pub struct PageScreen {
    pub(crate) app: OnceLock<AppHandle>,
}

impl PageScreen {
    fn app(&self) -> Result<&AppHandle, DeliveryError> {
        self.app.get().ok_or_else(|| DeliveryError("app not started yet".into()))
    }

    /// The main window, created for a page (it may have been closed to the tray).
    fn window(&self) -> Result<tauri::WebviewWindow, DeliveryError> {
        let app = self.app()?.clone();
        // Windows are created on the main thread; wait for it (bounded by the pager's timeout).
        let (tx, rx) = std::sync::mpsc::channel();
        self.app()?
            .run_on_main_thread(move || {
                let _ = tx.send(crate::window::ensure_main(&app).map_err(err));
            })
            .map_err(err)?;
        rx.recv().map_err(|e| DeliveryError(e.to_string()))?
    }
}

fn err(e: tauri::Error) -> DeliveryError {
    DeliveryError(e.to_string())
}

impl PageDelivery for PageScreen {
    fn name(&self) -> &'static str {
        "page-screen"
    }

    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        if page.test {
            // A test page shows the window once; real pages are raised through `ringing`.
            let w = self.window()?;
            w.show().map_err(err)?;
            w.set_focus().map_err(err)?;
        }
        Ok(())
    }

    fn ringing(&self, state: &RingState) -> Result<(), DeliveryError> {
        if state.current.is_some() {
            // Windows are created on the main thread; make sure it exists first.
            self.window()?;
        }
        follow(self.app()?, state).map_err(err)
    }
}

/// Puts the window in step with what rings: shown, raised above the others, focused and asking
/// for attention while a page rings; a normal window again when nothing does.
pub fn follow<R: Runtime>(app: &AppHandle<R>, state: &RingState) -> tauri::Result<()> {
    if state.current.is_none() {
        if let Some(w) = app.get_webview_window(crate::window::MAIN) {
            w.set_always_on_top(false)?;
            w.request_user_attention(None)?;
        }
        return Ok(());
    }
    let w = crate::window::ensure_main(app)?;
    w.unminimize()?;
    w.show()?;
    w.set_always_on_top(true)?;
    w.set_focus()?;
    w.request_user_attention(Some(UserAttentionType::Critical))?;
    Ok(())
}
