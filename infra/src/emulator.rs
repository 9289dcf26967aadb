//! Starts the pinned emulator (moto server, from the project's virtualenv)
//! on a port of its own. The process ends with its owner: it watches its
//! stdin, which closes when the owner exits, however it exits.

use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, ChildStdin, Command};

pub struct Emulator {
    pub endpoint: String,
    pub port: u16,
    /// Where moto writes its output (its tracebacks): `target/emulator/`.
    pub log: std::path::PathBuf,
    /// Our end of the watcher's stdin: dropping it (with the Emulator, or
    /// when the process exits) stops moto. Killing the watcher instead
    /// would orphan moto.
    _stdin: ChildStdin,
    _child: Child,
}

/// A free local port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Emulator {
    /// Starts moto on `port` (0: a free one) and waits until it answers.
    pub async fn start(port: u16) -> Result<Emulator, String> {
        let port = if port == 0 { free_port() } else { port };
        let root = super::local::project_root();
        let bin = root.join(".venv/bin/python");
        // moto's server, with DynamoDB transactions isolated (see the script).
        let server = root.join("infra/moto_server.py");
        let moto = root.join(".venv/bin/moto_server");
        if !moto.exists() {
            return Err(format!(
                "{} is missing: run `make venv` (make test does it)",
                moto.display()
            ));
        }
        // Its output is kept: a 500 of the emulator leaves its traceback.
        let logs = root.join("target/emulator");
        std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
        let log = logs.join(format!("moto-{port}.log"));
        // `read` returns when our end of the pipe closes: then moto is killed.
        let script = format!(
            "\"{}\" \"{}\" -H 127.0.0.1 -p {port} >\"{}\" 2>&1 & pid=$!; read _; kill $pid",
            bin.display(),
            server.display(),
            log.display()
        );
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start moto: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin for the watcher")?;
        let endpoint = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                eprintln!("emulator on {endpoint}, its log in {}", log.display());
                return Ok(Emulator {
                    endpoint,
                    port,
                    log,
                    _stdin: stdin,
                    _child: child,
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!("moto did not start on port {port}"))
    }
}
