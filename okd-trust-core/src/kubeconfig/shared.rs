//! Decoded `certificate-authority-data` shared across kubeconfigs: a fleet audit meets the same
//! data on every node, and decoding it (base64, PEM, DER) is most of reading a kubeconfig.

use std::collections::HashMap;
use std::sync::Mutex;

use super::CaData;
use crate::CaBundle;

/// Bundles decoded from `certificate-authority-data`, by its text (thread-safe).
#[derive(Debug, Default)]
pub(crate) struct CaDataCache {
    bundles: Mutex<HashMap<String, CaBundle>>,
}

impl CaDataCache {
    /// The bundle decoded earlier from the same `certificate-authority-data`, or `decode`'s.
    /// Only bundles are kept: an error names the file and place it came from.
    pub(crate) fn decoded(&self, data: &str, decode: impl FnOnce() -> CaData) -> CaData {
        if let Some(bundle) = self.lock().get(data) {
            return Ok(Some(bundle.clone()));
        }
        let decoded = decode();
        if let Ok(Some(bundle)) = &decoded {
            self.lock().insert(data.to_owned(), bundle.clone());
        }
        decoded
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, CaBundle>> {
        // A panic elsewhere cannot leave a half-written entry: insertions are single calls.
        self.bundles.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::examples;
    use crate::kubeconfig::KubeconfigError;

    #[test]
    fn decoded_ca_data_is_shared_and_errors_are_not() {
        let cache = CaDataCache::default();
        let bundle = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).unwrap();
        let first = cache.decoded("data", || Ok(Some(bundle.clone()))).unwrap().unwrap();
        let again = cache.decoded("data", || panic!("decoded twice")).unwrap().unwrap();
        assert_eq!(first, again);
        let failing = || Err(KubeconfigError::NoSuchCluster { name: "gone".into() });
        assert!(cache.decoded("other", failing).is_err());
        assert!(cache.decoded("other", || Ok(None)).unwrap().is_none(), "the error was not kept");
    }
}
