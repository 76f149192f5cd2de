//! Graceful shutdown as a first-class concept: a request is received once and every part of the
//! worker can observe it.
//!
//! In production the request is SIGINT or SIGTERM; tests trigger it with a future of their own.

use std::future::Future;

use tokio::sync::watch;

/// A cloneable view of "has shutdown been requested?".
#[derive(Clone, Debug)]
pub struct Shutdown {
    requested: watch::Receiver<bool>,
}

impl Shutdown {
    /// Shutdown requested when `trigger` resolves. Must be called inside a tokio runtime.
    pub fn when(trigger: impl Future<Output = ()> + Send + 'static) -> Shutdown {
        let (sender, requested) = watch::channel(false);
        tokio::spawn(async move {
            trigger.await;
            // Every receiver may already be gone when the worker finished on its own.
            let _ = sender.send(true);
        });
        Shutdown { requested }
    }

    /// Shutdown requested by the first SIGINT or SIGTERM.
    pub fn on_signals() -> Shutdown {
        Shutdown::when(async {
            let name = termination_signal().await;
            tracing::info!(
                "{name} received: stopping polls and finishing in-flight workflow tasks"
            );
        })
    }

    /// Resolves once shutdown has been requested (immediately if it already was).
    pub async fn requested(&mut self) {
        // An error means the trigger task is gone without requesting: never resolve then.
        if self
            .requested
            .wait_for(|requested| *requested)
            .await
            .is_err()
        {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(unix)]
async fn termination_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(mut interrupt), Ok(mut terminate)) => tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        },
        _ => {
            // Installing handlers only fails when the process is out of resources; fall back to
            // ctrl-c so the worker can still be stopped.
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}

#[cfg(not(unix))]
async fn termination_signal() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "ctrl-c"
}
