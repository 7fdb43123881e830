//! Commands declared once: [`commands!`] defines each Tauri command and records its signature
//! (name, doc, the webview's arguments and the reply, as ts-rs types), from which the tests
//! generate the TypeScript wrappers in `ui/src/lib/commands.ts`. A command's Rust signature and
//! its wrapper cannot drift apart.

/// Defines Tauri commands and their signatures. Arguments in `[...]` are Tauri's own (state, app
/// handle), those in `(...)` come from the webview (`as "ts"` names the TypeScript type of an
/// argument that has no ts-rs type, such as a `Secret`). Every command returns
/// `Result<Reply, IpcError>`.
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        pub async fn $name:ident $(<$g:ident: $bound:path>)?
            [$($tauri_arg:ident: $tauri_ty:ty),*]
            ($($arg:ident: $ty:ty $(as $ts:literal)?),* $(,)?) -> $reply:ty $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            pub async fn $name $(<$g: $bound>)? ($($tauri_arg: $tauri_ty,)* $($arg: $ty),*)
                -> Result<$reply, crate::IpcError> $body
        )*

        /// Each command's signature, for the TypeScript wrappers.
        #[cfg(test)]
        pub fn signatures(cfg: &ts_rs::Config) -> Vec<crate::commands::signature::Signature> {
            vec![$(crate::commands::signature::Signature {
                name: stringify!($name),
                doc: concat!($($doc, "\n"),*),
                args: vec![$((stringify!($arg), crate::commands::signature::ts_of!(cfg, $ty $(, $ts)?))),*],
                reply: <$reply as ts_rs::TS>::name(cfg),
            }),*]
        }
    };
}
pub(crate) use commands;

/// The TypeScript type of an argument: its ts-rs name, or the one given.
#[cfg(test)]
macro_rules! ts_of {
    ($cfg:ident, $ty:ty) => {
        <$ty as ts_rs::TS>::name($cfg)
    };
    ($cfg:ident, $ty:ty, $ts:literal) => {
        String::from($ts)
    };
}
#[cfg(test)]
pub(crate) use ts_of;

/// One command as the webview calls it.
#[cfg(test)]
#[derive(Debug, Clone)]
pub struct Signature {
    /// The Rust (and IPC) name, `list_incidents`.
    pub name: &'static str,
    /// Its doc comment, one line per `///`.
    pub doc: &'static str,
    /// The webview's arguments, Rust names and TypeScript types.
    pub args: Vec<(&'static str, String)>,
    /// The TypeScript type of the answer.
    pub reply: String,
}
