//! The services of the core bundled with the database they share: what the app's
//! server functions and the server's wiring hold on to.

use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::CoreError;
use crate::accounts::Accounts;
use crate::db;
use crate::password::PasswordHasher;
use crate::sessions::{SessionPolicy, Sessions};

/// How the core is set up. Everything has a default; the server fills it from the
/// environment.
#[derive(Clone, Debug)]
pub struct PortalConfig {
    pub database_url: String,
    pub session: SessionPolicy,
    /// How many passwords may be hashed at once. Each Argon2 hash holds 19 MiB, so
    /// this bounds memory when many customers sign in together.
    pub hashing_concurrency: usize,
}

impl Default for PortalConfig {
    fn default() -> Self {
        Self {
            database_url: db::DEFAULT_URL.to_owned(),
            session: SessionPolicy { idle: Duration::from_secs(30 * 60), absolute: Duration::from_secs(12 * 60 * 60) },
            hashing_concurrency: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }
}

/// The core's services, cheap to clone.
#[derive(Clone)]
pub struct Portal {
    pub db: DatabaseConnection,
    pub accounts: Accounts,
    pub sessions: Sessions,
}

impl Portal {
    /// Connects to the database, brings its schema up to date and builds the services.
    pub async fn start(config: &PortalConfig) -> Result<Self, CoreError> {
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        let portal = Self::with_database(db, config);
        portal.accounts.warm_up().await?;
        Ok(portal)
    }

    /// Builds the services over a database that is already migrated.
    fn with_database(db: DatabaseConnection, config: &PortalConfig) -> Self {
        let hasher = PasswordHasher::new(config.hashing_concurrency);
        Self { accounts: Accounts::new(db.clone(), hasher), sessions: Sessions::new(db.clone(), config.session), db }
    }

    /// Whether the database answers; for health checks.
    pub async fn is_healthy(&self) -> bool {
        self.db.ping().await.is_ok()
    }
}
