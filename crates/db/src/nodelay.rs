//! TCP_NODELAY on the PostgreSQL connections.
//!
//! sqlx 0.9.0 dropped the `set_nodelay(true)` it used to make on its TCP
//! sockets (launchbadge/sqlx#4335: fixed upstream, not released as of
//! 0.9.0, the newest on crates.io). With Nagle's algorithm on, the tail of a
//! statement larger than the first write waits for the server's delayed ACK,
//! ~40 ms, per statement. libpq, and sqlx before 0.9, turn Nagle off.
//!
//! sqlx hands out no socket, so after each connection is made the process's
//! own TCP sockets to the server's port get the option: each is duplicated
//! with `pidfd_getfd` (safe code, no raw descriptor borrowed), and the option
//! is set through the duplicate, which shares the socket. Setting it twice,
//! or on another connection to the same port, is harmless. Delete this module
//! once sqlx sets the option again (see `batch.rs` for the sizes to revisit).

/// Turns Nagle off on every TCP socket of this process whose peer listens on
/// `port`; returns how many were found. Linux only; elsewhere, and where the
/// kernel refuses `pidfd_getfd`, it finds none and the connection works as
/// before, only slower on large statements.
#[cfg(target_os = "linux")]
pub fn set_on_sockets_to(port: u16) -> usize {
    use rustix::process::{PidfdFlags, PidfdGetfdFlags, getpid, pidfd_getfd, pidfd_open};
    let Ok(me) = pidfd_open(getpid(), PidfdFlags::empty()) else {
        return 0;
    };
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return 0;
    };
    let mut found = 0;
    for entry in dir.flatten() {
        let is_socket = std::fs::read_link(entry.path())
            .is_ok_and(|t| t.as_os_str().as_encoded_bytes().starts_with(b"socket:"));
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        if !is_socket {
            continue;
        }
        let Ok(dup) = pidfd_getfd(&me, fd, PidfdGetfdFlags::empty()) else {
            continue;
        };
        // A non-TCP socket (unix, UDP) has no TCP peer: peer_addr or
        // set_nodelay fails and it is skipped. Dropping `dup` closes only the
        // duplicate.
        let stream = std::net::TcpStream::from(dup);
        if stream.peer_addr().is_ok_and(|a| a.port() == port) && stream.set_nodelay(true).is_ok() {
            found += 1;
        }
    }
    found
}

#[cfg(not(target_os = "linux"))]
pub fn set_on_sockets_to(_port: u16) -> usize {
    0
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::net::{TcpListener, TcpStream};

    use super::set_on_sockets_to;

    #[test]
    fn a_connection_to_the_port_gets_nodelay_and_others_keep_theirs() {
        let server = TcpListener::bind("127.0.0.1:0").unwrap();
        let other = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(server.local_addr().unwrap()).unwrap();
        let unrelated = TcpStream::connect(other.local_addr().unwrap()).unwrap();
        assert!(!client.nodelay().unwrap(), "Nagle is on by default");

        let found = set_on_sockets_to(server.local_addr().unwrap().port());

        assert!(found >= 1);
        assert!(client.nodelay().unwrap());
        assert!(!unrelated.nodelay().unwrap());
        // The original descriptor still works after the duplicate is gone.
        assert_eq!(client.peer_addr().unwrap(), server.local_addr().unwrap());
    }
}
