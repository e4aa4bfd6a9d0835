//! How many connections are open, and from which networks. Past the cap, a new
//! connection takes the place of the oldest one of the network holding the most,
//! unless that is its own: a crowd from one network can fill the server, but then
//! it only ever displaces itself, and the customer's connection from elsewhere
//! still gets in. Nothing waits: each decision is taken at once, under one lock.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use portal_core::vocabulary::Network;
use tokio::sync::oneshot;

/// The open connections, by network.
#[derive(Debug)]
pub struct Admission {
    cap: usize,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    count: usize,
    next_id: u64,
    /// Each network's connections, oldest first, with what tells each it was displaced.
    by_network: HashMap<Network, BTreeMap<u64, oneshot::Sender<()>>>,
}

/// Why a connection was not let in.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused;

/// An admitted connection's place, given back when dropped.
#[derive(Debug)]
pub struct Ticket {
    admission: Arc<Admission>,
    network: Network,
    id: u64,
    displaced: oneshot::Receiver<()>,
}

impl Admission {
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(Self { cap, open: Mutex::default() })
    }

    /// A place for a connection from `network`, displacing another network's
    /// oldest connection when all are taken.
    pub fn admit(self: &Arc<Self>, network: Network) -> Result<Ticket, Refused> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.count >= self.cap {
            open.displace_for(network)?;
        }
        let id = open.next_id;
        open.next_id += 1;
        open.count += 1;
        let (tell, displaced) = oneshot::channel();
        open.by_network.entry(network).or_default().insert(id, tell);
        Ok(Ticket { admission: self.clone(), network, id, displaced })
    }

    /// How many connections are open.
    pub fn count(&self) -> usize {
        self.open.lock().unwrap_or_else(PoisonError::into_inner).count
    }
}

impl Open {
    /// Closes the oldest connection of the network holding the most, if it holds
    /// more than `newcomer`'s network does.
    fn displace_for(&mut self, newcomer: Network) -> Result<(), Refused> {
        let holds = |network| self.by_network.get(&network).map_or(0, BTreeMap::len);
        let (&biggest, held) = self.by_network.iter().max_by_key(|(_, held)| held.len()).ok_or(Refused)?;
        if held.len() <= holds(newcomer) {
            return Err(Refused);
        }
        let held = self.by_network.get_mut(&biggest).ok_or(Refused)?;
        // Dropping the sender is what tells that connection to close.
        held.pop_first();
        if held.is_empty() {
            self.by_network.remove(&biggest);
        }
        self.count -= 1;
        Ok(())
    }

    fn release(&mut self, network: Network, id: u64) {
        let Some(held) = self.by_network.get_mut(&network) else { return };
        if held.remove(&id).is_some() {
            self.count -= 1;
            if held.is_empty() {
                self.by_network.remove(&network);
            }
        }
    }
}

impl Ticket {
    /// Resolves when a newcomer took this connection's place: then it closes.
    pub async fn displaced(&mut self) {
        let _ = (&mut self.displaced).await;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.admission.open.lock().unwrap_or_else(PoisonError::into_inner).release(self.network, self.id);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn network(ip: &str) -> Network {
        Network::of(ip.parse().unwrap())
    }

    async fn was_displaced(ticket: &mut Ticket) -> bool {
        tokio::time::timeout(Duration::from_millis(1), ticket.displaced()).await.is_ok()
    }

    #[tokio::test]
    async fn past_the_cap_a_newcomer_displaces_the_biggest_network_oldest_first() {
        let admission = Admission::new(3);
        let crowd = network("203.0.113.9");
        let mut oldest = admission.admit(crowd).unwrap();
        let mut rest = [admission.admit(crowd).unwrap(), admission.admit(crowd).unwrap()];
        let _customer = admission.admit(network("198.51.100.1")).unwrap();
        assert!(was_displaced(&mut oldest).await);
        assert!(!was_displaced(&mut rest[0]).await);
        assert_eq!(admission.count(), 3);
        assert_eq!(admission.admit(crowd).unwrap_err(), Refused, "the crowd can only displace itself");
    }

    #[tokio::test]
    async fn equal_networks_refuse_the_newcomer_and_places_come_back() {
        let admission = Admission::new(2);
        let first = admission.admit(network("192.0.2.1")).unwrap();
        let _second = admission.admit(network("192.0.2.2")).unwrap();
        assert_eq!(admission.admit(network("192.0.2.2")).unwrap_err(), Refused);
        drop(first);
        assert_eq!(admission.count(), 1);
        assert!(admission.admit(network("192.0.2.3")).is_ok());
    }
}
