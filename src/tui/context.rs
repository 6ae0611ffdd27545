//! What every screen may read: who is working, and the limits of the terminal. A leaf of the
//! workbench: it imports nothing of `tui`.

/// Smallest terminal the workbench draws in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// What screens need to know about the session.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: String,
    pub is_lead: bool,
    /// May approve work and sign credentials.
    pub is_issuer: bool,
    /// Claims idle longer than this expire.
    pub claim_idle_secs: i64,
    /// The workspace lets an issuer approve work they assessed (its `self-approval` policy).
    pub self_approval: bool,
}

/// What a screen's keys and drawing may read: one argument for every screen.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub session: &'a Session,
    pub theme: crate::tui::theme::Theme,
    /// The terminal's size (columns, rows).
    pub size: (u16, u16),
    /// Seconds since the epoch, as of the last message.
    pub now: i64,
}
