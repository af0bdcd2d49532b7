//! A guest has no sockets and no name lookup: connection attempts fail inside the guest, and nothing reaches a
//! listener the test keeps open on loopback.

use std::time::Duration;

use cordon_policy::Policy;
use cordon_runtime::Status;
use cordon_tests::run;

#[tokio::test]
async fn tcp_connect_to_loopback_refused() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();

    let outcome = run("net-tcp", &Policy::deny_all(), &[&address]).await;
    assert_eq!(outcome.status, Status::Success);
    let stdout = outcome.stdout_text();
    assert!(stdout.starts_with(&format!("err {address} ")), "stdout: {stdout}");

    let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
    assert!(accepted.is_err(), "the listener received a connection from the guest");
}

#[tokio::test]
async fn udp_send_to_loopback_refused() {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = socket.local_addr().unwrap().to_string();

    let outcome = run("net-tcp", &Policy::deny_all(), &[&format!("udp:{address}")]).await;
    assert!(outcome.stdout_text().starts_with("err "), "stdout: {}", outcome.stdout_text());

    let mut buffer = [0u8; 64];
    let received = tokio::time::timeout(Duration::from_millis(200), socket.recv_from(&mut buffer)).await;
    assert!(received.is_err(), "the socket received a datagram from the guest");
}

#[tokio::test]
async fn name_lookup_is_disabled() {
    let outcome = run("net-dns", &Policy::deny_all(), &["localhost", "cordon-test.invalid"]).await;
    let stdout = outcome.stdout_text();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "stdout: {stdout}");
    assert!(lines.iter().all(|line| line.starts_with("err ")), "stdout: {stdout}");
}
