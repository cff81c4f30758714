//! SCRAM exchanges per second: client and server of `xmpp-sasl` against each other in memory,
//! SCRAM-SHA-1 and SCRAM-SHA-256, the server working from stored keys.
//!
//! - `login_cached`: the client reuses its cached SaltedPassword, so both sides compute HMACs
//!   only; this is the cost of a whole login exchange on both ends.
//! - `server_only`: the server's share of `login_cached`, replaying a recorded exchange.
//! - `login_password`: the client starts from the password and runs PBKDF2 (4096 iterations),
//!   as a client without a cache does.
//!
//! Each reports exchanges per second (criterion's `elem/s`). The bench also checks that the
//! server runs no PBKDF2 per login, through the crate's `hi_invocations` counter.
#![allow(missing_docs)]
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xmpp_sasl::scram::{
    SaltedPassword, ScramClient, ScramHash, ScramServer, StoredCredentials, hi_invocations,
};
use xmpp_sasl::{Answer, ClientMechanism, FixedNonce, ServerMechanism, ServerStep};

/// The server secret stand-in credentials are derived from.
fn server_secret() -> xmpp_sasl::ServerSecret {
    xmpp_sasl::ServerSecret::new(b"bench server secret").expect("at least 16 bytes")
}

const SALT: &[u8] = b"sixteen byte slt";
const ITERATIONS: u32 = 4096;

/// One whole exchange; panics unless it succeeds on both sides.
fn exchange(mut client: ScramClient, mut server: ScramServer, creds: &StoredCredentials) {
    let mut step = server
        .step(client.initial_response().unwrap().as_deref())
        .unwrap();
    loop {
        step = match step {
            ServerStep::Request(_) => server
                .answer(Answer::ScramCredentials(Some(creds.clone())))
                .unwrap(),
            ServerStep::Challenge(c) => server.step(Some(&client.step(&c).unwrap())).unwrap(),
            ServerStep::Success {
                additional_data, ..
            } => {
                client.success(additional_data.as_deref()).unwrap();
                return;
            }
        }
    }
}

fn server(hash: ScramHash) -> ScramServer {
    ScramServer::new(hash, false, &server_secret())
        .with_nonce_source(Box::new(FixedNonce("server-nonce-part".into())))
}

fn client(hash: ScramHash) -> ScramClient {
    ScramClient::new(hash, "user", "pencil")
        .unwrap()
        .with_nonce_source(Box::new(FixedNonce("client-nonce".into())))
}

fn scram(c: &mut Criterion) {
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        let name = hash.mechanism_name(false);
        let creds = StoredCredentials::derive(hash, "pencil", SALT, ITERATIONS).unwrap();
        let cached = SaltedPassword::derive(hash, "pencil", SALT, ITERATIONS).unwrap();

        // Record one exchange for the server-only replay.
        let mut rec_client = client(hash).with_salted_password(cached.clone());
        let mut rec_server = server(hash);
        let first = rec_client.initial_response().unwrap().unwrap();
        rec_server.step(Some(&first)).unwrap();
        let ServerStep::Challenge(server_first) = rec_server
            .answer(Answer::ScramCredentials(Some(creds.clone())))
            .unwrap()
        else {
            panic!("expected server-first-message")
        };
        let fin = rec_client.step(&server_first).unwrap();

        let mut group = c.benchmark_group(format!("sasl/{name}"));
        group.throughput(Throughput::Elements(1));

        let before = hi_invocations();
        group.bench_function("server_only", |b| {
            b.iter(|| {
                let mut s = server(hash);
                s.step(Some(&first)).unwrap();
                s.answer(Answer::ScramCredentials(Some(creds.clone())))
                    .unwrap();
                match s.step(Some(&fin)).unwrap() {
                    ServerStep::Success { .. } => {}
                    other => panic!("expected success, got {other:?}"),
                }
            })
        });
        group.bench_function("login_cached", |b| {
            b.iter(|| {
                exchange(
                    client(hash).with_salted_password(cached.clone()),
                    server(hash),
                    &creds,
                )
            })
        });
        let pbkdf2_runs = hi_invocations() - before;
        assert_eq!(pbkdf2_runs, 0, "PBKDF2 ran during stored-key logins");
        println!("{name}: PBKDF2 runs during server_only and login_cached: {pbkdf2_runs}");

        group.sample_size(10);
        group.bench_function("login_password", |b| {
            b.iter(|| exchange(client(hash), server(hash), &creds))
        });
        group.finish();
    }
}

criterion_group!(benches, scram);
criterion_main!(benches);
