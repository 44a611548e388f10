//! The doctor's file inputs, read as a node reads them: the bindings hand over kubeconfigs and
//! values, and this module adds what comes from disk, so no binding assembles it its own way.

use okd_trust::CaBundle;
use okd_trust::Kubeconfig;
use okd_trust::diagnose::{CaFile, DoctorInput, Labelled};

/// Where the kubeconfigs were read, which decides whether the files they name are read here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ReadOn {
    /// This machine (the node itself): the CA file a kubeconfig names and the platform's trust
    /// store are read here.
    #[default]
    ThisMachine,
    /// Another machine (an Ansible controller judging a node's files): nothing is read here, as
    /// this machine's files are not the node's. The doctor reports a named CA file it could not
    /// judge, and only system roots given explicitly count.
    Elsewhere,
}

/// Adds a node kubeconfig labelled (normally) with its path. Read on this machine, a CA file
/// it names (`certificate-authority`) is read from where client-go resolves it (relative to the
/// kubeconfig's directory when the label is a path), or the reason it cannot be is kept.
pub fn add_kubeconfig(input: &mut DoctorInput, label: impl Into<String>, config: Kubeconfig, read_on: ReadOn) {
    let label = label.into();
    if read_on == ReadOn::ThisMachine
        && let Some(path) = config.ca_file(&crate::base_dir(&label))
    {
        input.ca_files.push(CaFile::new(input.kubeconfigs.len(), path.clone(), crate::read(&path)));
    }
    input.kubeconfigs.push(Labelled::new(label, config));
}

/// The trust store a kubeconfig naming no CA is judged against: `given` (labelled
/// [`DoctorInput::SYSTEM_ROOTS_LABEL`]), else, on this machine, the platform's, labelled with
/// its path.
pub fn system_roots(given: Option<CaBundle>, read_on: ReadOn) -> Option<Labelled<CaBundle>> {
    match (given, read_on) {
        (Some(roots), _) => Some(Labelled::new(DoctorInput::SYSTEM_ROOTS_LABEL, roots)),
        (None, ReadOn::ThisMachine) => crate::system_roots().map(|(label, roots)| Labelled::new(label, roots)),
        (None, ReadOn::Elsewhere) => None,
    }
}
