//! Throughput and latency of the release server, as a load balancer would see it:
//! the server binary runs as its own process on a loopback port (or several servers
//! on one PostgreSQL database, each on its own port, sharing the master key and the
//! site's address, the clients taking them in turn), and 16 clients at once keep
//! their connections alive. Prints requests per second, p50 and p99 for
//! the login page, the signed-in Account Security page, the code step of sign-in
//! alone (its half-way sessions staged beforehand), a whole sign-in (password, then
//! code) and "Forgot your password?" for customers' addresses and for nobody's,
//! the servers' CPU time per request and their memory; then the customer's own
//! browser signing in while strangers flood sign-in ([`flood`]). The servers log
//! and record metrics as in production (JSON lines, to nowhere). Asserts nothing.
//!
//! `bench/http.sh` builds the release site and runs it. `PORTAL_SERVER_BIN` names the
//! server (default `target/release/server`); `BENCH_DATABASE_URL` runs it on another
//! database than a fresh SQLite file; `BENCH_SERVERS` (1) starts that many servers
//! on it; `BENCH_SECONDS` (5), `BENCH_CODE_STEPS` (3000), `BENCH_SIGN_INS` (300)
//! and `BENCH_FLOOD_SECONDS` (10) size the runs.

#[path = "http/flood.rs"]
mod flood;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use futures::future::join_all;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use portal_core::db::entities::{outbox_message, user};
use portal_core::outbox::{MailTransport, SmsTransport};
use portal_core::password::Password;
use portal_core::requester::Requester;
use portal_core::secrets::MasterKey;
use portal_core::sessions::SignedIn;
use portal_core::totp::TotpSecret;
use portal_core::vocabulary::Account;
use portal_core::{KeySource, Portal, PortalConfig, clock};
use sea_orm::{ActiveModelTrait as _, EntityTrait as _, Set};

const CLIENTS: usize = 16;
const PASSWORD: &str = "tangerine orchestra 42";

#[tokio::main]
async fn main() {
    let seconds = Duration::from_secs(setting("BENCH_SECONDS", 5) as u64);
    let code_steps = setting("BENCH_CODE_STEPS", 3000);
    let sign_ins = setting("BENCH_SIGN_INS", 300);
    let flood_seconds = Duration::from_secs(setting("BENCH_FLOOD_SECONDS", 10) as u64);
    let folder = std::env::temp_dir().join(format!("portal-http-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let database_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/portal.db?mode=rwc", folder.display()));
    let key = random_key();
    let servers = setting("BENCH_SERVERS", 1).max(1);
    if servers > 1 && database_url.starts_with("sqlite") {
        eprintln!("several servers share a PostgreSQL database: set BENCH_DATABASE_URL (bench/http.sh --database)");
        std::process::exit(2);
    }

    println!("staging {} accounts with the authenticator app on…", code_steps + sign_ins + 1);
    let portal = start_portal(&database_url, &key, &folder).await;
    let stage = Stage::new(&portal).await;
    let reader = stage.account("reader".to_owned(), false).await;
    let reader_session = portal.sessions.start(&reader.0).await.unwrap();
    let (customer, _) = stage.account("customer".to_owned(), false).await;
    let customers_browser = portal.devices.remember(&[], &customer);
    let code_steps = stage.awaiting_code(code_steps).await;
    let sign_ins: Vec<_> = join_all((0..sign_ins).map(|n| stage.account(format!("sign-in-{n}"), true))).await;
    // The staging's emails would otherwise be sent while the server is measured.
    outbox_message::Entity::delete_many().exec(&portal.db).await.unwrap();

    let fleet = Fleet::start(servers, &database_url, &key, &folder).await;
    let addrs = fleet.addrs();
    // A few pages first, as a server that has been up a while has seen.
    for &addr in addrs.iter() {
        let mut warm_up = Connection::open(addr).await;
        for path in ["/login", "/register", "/login"] {
            warm_up.send(get(path, None)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle: Vec<u64> = fleet.servers.iter().map(|server| server.memory().rss).collect();

    println!("\n{CLIENTS} clients at once, connections kept alive, {}:", fleet.describe());
    println!("{:<34}{:>10}{:>10}{:>10}{:>10}{:>12}", "", "requests", "req/s", "p50 ms", "p99 ms", "CPU ms/req");
    let login = for_a_while(addrs.clone(), seconds, |_| get("/login", None), |answer| answer.status == 200);
    fleet.measure("login page", login).await;

    let cookie = format!("portal_session={}", reader_session.as_str());
    let security = for_a_while(
        addrs.clone(),
        seconds,
        move |_| get("/account/security", Some(&cookie)),
        |answer| answer.status == 200,
    );
    fleet.measure("signed-in /account/security", security).await;

    let code_step =
        each_once(addrs.clone(), code_steps, |mut connection, (token, secret): (String, TotpSecret)| async move {
            let cookie = format!("portal_session={token}");
            let answer =
                connection.send(post("/api/verify_sign_in_code", &cookie, &[("code", &next_code(&secret))])).await;
            (connection, signed_in(answer.status))
        });
    fleet.measure("code step (sessions staged)", code_step).await;

    let customers: Vec<String> = sign_ins.iter().map(|(account, _)| account.email.clone()).collect();
    let sign_in = each_once(
        addrs.clone(),
        sign_ins,
        |mut connection, (account, secret): (Account, Option<TotpSecret>)| async move {
            let form = [("email", account.email.as_str()), ("password", PASSWORD)];
            let password = connection.send(post("/api/sign_in", "", &form)).await;
            let Some(cookie) = password.session_cookie else { return (connection, false) };
            let code = next_code(&secret.expect("staged with the app on"));
            let answer = connection.send(post("/api/verify_sign_in_code", &cookie, &[("code", &code)])).await;
            (connection, signed_in(answer.status))
        },
    );
    fleet.measure("whole sign-in (password + code)", sign_in).await;

    // "Forgot your password?" must take as long for nobody's address as for a
    // customer's: each address asks once.
    let strangers: Vec<String> = (0..customers.len()).map(|n| format!("nobody-{n}@example.com")).collect();
    let ask = |mut connection: Connection, email: String| async move {
        let answer = connection.send(post("/api/request_password_reset", "", &[("email", &email)])).await;
        (connection, answer.status == StatusCode::OK)
    };
    let quiet_customers: Vec<String> = customers.iter().take(100).cloned().collect();
    fleet.measure("reset link asked: a customer's", each_once(addrs.clone(), customers, ask)).await;
    fleet.measure("reset link asked: nobody's", each_once(addrs.clone(), strangers, ask)).await;
    // And one at a time on a quiet server, as someone timing single answers sees it.
    let quiet_strangers: Vec<String> = (0..100).map(|n| format!("nobody-quiet-{n}@example.com")).collect();
    fleet.measure("  one at a time: a customer's", one_at_a_time(addrs[0], quiet_customers, ask)).await;
    fleet.measure("  one at a time: nobody's", one_at_a_time(addrs[0], quiet_strangers, ask)).await;

    println!(
        "\nThe customer's own browser (its device cookie) signing in while {} strangers sign in with unknown \
         emails:",
        flood::STRANGERS
    );
    println!("{:<34}{:>10}{:>10}{:>10}", "", "sign-ins", "p50 ms", "p99 ms");
    for origin in [flood::Origin::Nobody, flood::Origin::OneAddress, flood::Origin::Addresses(200)] {
        flood::measure(addrs[0], origin, (&customer.email, &customers_browser), flood_seconds).await;
    }

    // Long enough for the hashing pool to let its idle buffers go.
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!();
    for (n, (server, idle)) in fleet.servers.iter().zip(idle).enumerate() {
        let memory = server.memory();
        let name = if fleet.servers.len() == 1 { "server".to_owned() } else { format!("server {}", n + 1) };
        println!(
            "{name} memory: {:.1} MB idle after a few pages, {:.1} MB at peak, {:.1} MB a second after the load",
            mb(idle),
            mb(memory.peak),
            mb(memory.rss)
        );
    }
    drop(fleet);
    std::fs::remove_dir_all(&folder).ok();
}

/// One kept-alive HTTP/1.1 connection to the server: hyper's own client, which
/// costs the two cores the server shares with it far less than a pooled one.
struct Connection {
    sender: http1::SendRequest<Full<Bytes>>,
}

/// What a response said that the scenarios look at.
struct Answer {
    status: StatusCode,
    session_cookie: Option<String>,
}

impl Connection {
    async fn open(addr: SocketAddr) -> Self {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(connection);
        Self { sender }
    }

    async fn send(&mut self, request: Request<Full<Bytes>>) -> Answer {
        self.sender.ready().await.unwrap();
        let response = self.sender.send_request(request).await.unwrap();
        let status = response.status();
        let session_cookie = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("portal_session=") && !value.starts_with("portal_session=;"))
            .map(|value| value.split(';').next().unwrap_or_default().to_owned());
        response.into_body().collect().await.unwrap();
        Answer { status, session_cookie }
    }
}

fn get(path: &str, cookie: Option<&str>) -> Request<Full<Bytes>> {
    let mut request = Request::get(path).header(header::HOST, "bench");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Full::default()).unwrap()
}

/// A server function called as a browser's form would: same origin, URL-encoded.
fn post(path: &str, cookie: &str, form: &[(&str, &str)]) -> Request<Full<Bytes>> {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    Request::post(path)
        .header(header::HOST, "bench")
        .header(header::ORIGIN, ORIGIN.get().expect("set when the server started"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

/// What one scenario measured.
struct Figures {
    latencies: Vec<Duration>,
    failures: usize,
    elapsed: Duration,
}

impl Figures {
    /// `cpu` is the servers' CPU time over the scenario: per request, it is the
    /// figure that noisy neighbours on a shared machine disturb least.
    fn print(&self, name: &str, cpu: Duration) {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let at = |q: f64| sorted.get(((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)).copied();
        let ms = |d: Option<Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        let per_second = sorted.len() as f64 / self.elapsed.as_secs_f64();
        let cpu_per_request = cpu.as_secs_f64() * 1000.0 / sorted.len().max(1) as f64;
        print!(
            "{name:<34}{:>10}{per_second:>10.0}{:>10.2}{:>10.2}{cpu_per_request:>12.3}",
            sorted.len(),
            ms(at(0.50)),
            ms(at(0.99))
        );
        if self.failures > 0 {
            print!("   ({} answered unexpectedly)", self.failures);
        }
        println!();
    }
}

/// `CLIENTS` connections, spread over the servers in turn, sending what `request`
/// makes back to back for `duration`.
async fn for_a_while(
    addrs: Servers,
    duration: Duration,
    request: impl Fn(usize) -> Request<Full<Bytes>> + Clone + Send + 'static,
    expected: fn(&Answer) -> bool,
) -> Figures {
    let started = Instant::now();
    let clients = (0..CLIENTS).map(|client| {
        let request = request.clone();
        let addr = addrs[client % addrs.len()];
        tokio::spawn(async move {
            let mut connection = Connection::open(addr).await;
            let (mut latencies, mut failures) = (Vec::new(), 0);
            while started.elapsed() < duration {
                let sent = Instant::now();
                failures += usize::from(!expected(&connection.send(request(client)).await));
                latencies.push(sent.elapsed());
            }
            (latencies, failures)
        })
    });
    gather(join_all(clients).await, started)
}

/// `CLIENTS` connections, spread over the servers in turn, sharing out `jobs`: `run`
/// does each once (one request or several) on the connection it is lent, and says
/// whether it went as it should.
async fn each_once<J, F, Fut>(addrs: Servers, jobs: Vec<J>, run: F) -> Figures
where
    J: Clone + Send + Sync + 'static,
    F: Fn(Connection, J) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = (Connection, bool)> + Send,
{
    let (jobs, next) = (Arc::new(jobs), Arc::new(AtomicUsize::new(0)));
    let started = Instant::now();
    let clients = (0..CLIENTS).map(|client| {
        let (jobs, next, run) = (jobs.clone(), next.clone(), run.clone());
        let addr = addrs[client % addrs.len()];
        tokio::spawn(async move {
            let mut connection = Connection::open(addr).await;
            let (mut latencies, mut failures) = (Vec::new(), 0);
            while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                let sent = Instant::now();
                let (lent, went_well) = run(connection, job.clone()).await;
                connection = lent;
                failures += usize::from(!went_well);
                latencies.push(sent.elapsed());
            }
            (latencies, failures)
        })
    });
    gather(join_all(clients).await, started)
}

/// `jobs` one after the other on one connection to one server, with a pause between them that is
/// not timed, so each finds the server quiet.
async fn one_at_a_time<J, F, Fut>(addr: SocketAddr, jobs: Vec<J>, run: F) -> Figures
where
    F: Fn(Connection, J) -> Fut,
    Fut: Future<Output = (Connection, bool)>,
{
    let mut connection = Connection::open(addr).await;
    let (mut latencies, mut failures, mut elapsed) = (Vec::new(), 0, Duration::ZERO);
    for job in jobs {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let sent = Instant::now();
        let (lent, went_well) = run(connection, job).await;
        connection = lent;
        latencies.push(sent.elapsed());
        elapsed += sent.elapsed();
        failures += usize::from(!went_well);
    }
    Figures { latencies, failures, elapsed }
}

fn gather(clients: Vec<Result<(Vec<Duration>, usize), tokio::task::JoinError>>, started: Instant) -> Figures {
    let elapsed = started.elapsed();
    let (mut latencies, mut failures) = (Vec::new(), 0);
    for (client_latencies, client_failures) in clients.into_iter().map(Result::unwrap) {
        latencies.extend(client_latencies);
        failures += client_failures;
    }
    Figures { latencies, failures, elapsed }
}

/// Accounts made straight in the database: one password hash for all (hashing
/// thousands would take minutes), each with its own authenticator secret.
struct Stage<'a> {
    portal: &'a Portal,
    password_hash: String,
}

impl<'a> Stage<'a> {
    async fn new(portal: &'a Portal) -> Self {
        let password = Password::new(PASSWORD.into());
        let first = portal.accounts.register("Bench", "first@bench.test", password, &Default::default()).await.unwrap();
        let row = user::Entity::find_by_id(first.id).one(&portal.db).await.unwrap().unwrap();
        Self { portal, password_hash: row.password_hash }
    }

    /// A new account, with the authenticator app on if `two_factor`.
    async fn account(&self, name: String, two_factor: bool) -> (Account, Option<TotpSecret>) {
        let row = user::ActiveModel {
            email: Set(format!("{name}-{}@bench.test", std::process::id())),
            name: Set("Bench".to_owned()),
            password_hash: Set(self.password_hash.clone()),
            created_at: Set(clock::Clock::system().now()),
            security_stamp: Set(name),
            ..Default::default()
        };
        let account: Account = row.insert(&self.portal.db).await.unwrap().into();
        if !two_factor {
            return (account, None);
        }
        let token = self.portal.sessions.start(&account).await.unwrap();
        let signed_in = SignedIn { token, account: account.clone() };
        let setup = self.portal.two_factor.begin_totp_setup(&signed_in).await.unwrap();
        let secret = TotpSecret::from_base32(&setup.setup_key).unwrap();
        let code = secret.code_at(clock::Clock::system().now());
        let activated =
            self.portal.two_factor.confirm_totp_setup(&signed_in, &code, &Requester::default()).await.unwrap();
        (activated.account, Some(secret))
    }

    /// `count` accounts with the app on, each signed in half-way (password right, code
    /// to come): their session tokens and secrets.
    async fn awaiting_code(&self, count: usize) -> Vec<(String, TotpSecret)> {
        let accounts = join_all((0..count).map(|n| self.account(format!("code-{n}"), true))).await;
        let sessions = accounts.into_iter().map(|(account, secret)| async move {
            let token = self.portal.sessions.start_awaiting_code(&account, &Requester::default()).await.unwrap();
            (token.as_str().to_owned(), secret.unwrap())
        });
        join_all(sessions).await
    }
}

async fn start_portal(database_url: &str, key: &str, folder: &std::path::Path) -> Portal {
    let config = PortalConfig {
        database_url: database_url.to_owned(),
        master_key: KeySource::Key(MasterKey::from_base64(key).unwrap()),
        mail: portal_core::outbox::MailConfig {
            transport: MailTransport::Files(folder.join("outbox")),
            ..Default::default()
        },
        sms: SmsTransport::LogFile(folder.join("sms.log")),
        ..PortalConfig::default()
    };
    Portal::start(&config).await.unwrap()
}

/// The servers' addresses, which the clients take in turn.
type Servers = Arc<[SocketAddr]>;

/// The servers under test, on one database with one master key and one site
/// address, as behind a load balancer.
struct Fleet {
    servers: Vec<Server>,
    database: &'static str,
}

/// The site's address, as browsers send it in `Origin`: a load balancer's, which
/// every server of the fleet is told is its own.
static ORIGIN: OnceLock<String> = OnceLock::new();

impl Fleet {
    /// Starts `count` servers at once, as an orchestrator starts replicas.
    async fn start(count: usize, database_url: &str, key: &str, folder: &std::path::Path) -> Self {
        // Held together until all are chosen, so no two servers are given one port.
        let listeners: Vec<_> = (0..count).map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap()).collect();
        let ports: Vec<u16> = listeners.iter().map(|listener| listener.local_addr().unwrap().port()).collect();
        drop(listeners);
        let site = ORIGIN.get_or_init(|| format!("http://127.0.0.1:{}", ports[0]));
        let servers =
            join_all(ports.into_iter().map(|port| Server::start(port, site, database_url, key, folder))).await;
        let database = if database_url.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" };
        Self { servers, database }
    }

    fn addrs(&self) -> Servers {
        self.servers.iter().map(|server| server.addr).collect()
    }

    fn describe(&self) -> String {
        match self.servers.len() {
            1 => format!("one server on {}", self.database),
            n => format!("{n} servers on one {} database, clients taking them in turn", self.database),
        }
    }

    /// Runs a scenario and prints its figures, with the CPU time of every server.
    async fn measure(&self, name: &str, scenario: impl Future<Output = Figures>) {
        let cpu_time = || self.servers.iter().map(Server::cpu_time).sum::<Duration>();
        let before = cpu_time();
        let figures = scenario.await;
        figures.print(name, cpu_time().saturating_sub(before));
    }
}

/// The release server as its own process, killed when dropped.
struct Server {
    process: tokio::process::Child,
    addr: SocketAddr,
}

struct Memory {
    rss: u64,
    peak: u64,
}

impl Server {
    async fn start(port: u16, site: &str, database_url: &str, key: &str, folder: &std::path::Path) -> Self {
        let binary = std::env::var("PORTAL_SERVER_BIN")
            .map_or_else(|_| workspace().join("target/release/server"), PathBuf::from);
        let process = tokio::process::Command::new(&binary)
            .env("LEPTOS_OUTPUT_NAME", "portal")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", workspace().join("target/site"))
            .env("SITE_URL", site)
            .env("DATABASE_URL", database_url)
            .env("SECRETS_MASTER_KEY", key)
            .env("OUTBOX_DIR", folder.join("outbox"))
            .env("SMS_LOG_FILE", folder.join("sms.log"))
            // As in production: a JSON line per request, and metrics recorded.
            .env("LOG_FORMAT", "json")
            .env("METRICS_ADDR", "127.0.0.1:0")
            // Every client here is on loopback: the networks' budgets would stop the
            // sign-in scenarios, and the floods measure the Argon2 lanes without them.
            .env("PASSWORD_CHECKS_PER_NETWORK_HOUR", "1000000")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error} (run bench/http.sh)", binary.display()));
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        for _ in 0..300 {
            if reqwest::get(format!("http://{addr}/readyz")).await.is_ok_and(|response| response.status() == 200) {
                return Self { process, addr };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server on port {port} was not ready within 30 s");
    }

    /// User and system time of all the server's threads, from Linux's /proc
    /// (in clock ticks of 1/100 s, as on every Linux the portal runs on).
    fn cpu_time(&self) -> Duration {
        let pid = self.process.id().expect("running");
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("Linux's /proc");
        // The fields after the command name, which is in parentheses and may hold spaces.
        let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
        let ticks = |n: usize| fields.get(n).and_then(|field| field.parse::<u64>().ok()).unwrap_or(0);
        // utime and stime are the 14th and 15th fields; `fields` starts at the 3rd.
        Duration::from_millis((ticks(11) + ticks(12)) * 10)
    }

    /// Resident memory now and at its peak, from the kernel's view of the process.
    fn memory(&self) -> Memory {
        let pid = self.process.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let kb = |field: &str| {
            let line = status.lines().find(|line| line.starts_with(field));
            line.and_then(|line| line.split_whitespace().nth(1)).and_then(|n| n.parse::<u64>().ok()).unwrap_or(0)
        };
        Memory { rss: kb("VmRSS:") * 1024, peak: kb("VmHWM:") * 1024 }
    }
}

/// The code of the step after this one: within the accepted skew, and later than
/// the step the setup used.
fn next_code(secret: &TotpSecret) -> String {
    secret.code_at(clock::Clock::system().now() + 30)
}

/// A right code answers 200, or redirects a browser that posted a form.
fn signed_in(status: StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

fn random_key() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).unwrap();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}
