//! The doctor's file inputs, read as a node reads them: the bindings hand over kubeconfigs and
//! values, and this module adds what comes from disk, so no binding assembles it its own way.

use okd_trust::CaBundle;
use okd_trust::Kubeconfig;
use okd_trust::diagnose::{CaFile, DoctorInput, Labelled};

/// Adds a node kubeconfig labelled (normally) with its path; when it names a CA file
/// (`certificate-authority`), that file is read from where client-go resolves it (relative to
/// the kubeconfig's directory when the label is a path), or the reason it cannot be.
pub fn add_kubeconfig(input: &mut DoctorInput, label: impl Into<String>, config: Kubeconfig) {
    let label = label.into();
    if let Some(path) = config.ca_file(&crate::base_dir(&label)) {
        input.ca_files.push(CaFile::new(input.kubeconfigs.len(), path.clone(), crate::read(&path)));
    }
    input.kubeconfigs.push(Labelled::new(label, config));
}

/// The trust store a kubeconfig naming no CA is judged against: `given` (labelled
/// [`DoctorInput::SYSTEM_ROOTS_LABEL`]), else the platform's, labelled with its path.
pub fn system_roots(given: Option<CaBundle>) -> Option<Labelled<CaBundle>> {
    match given {
        Some(roots) => Some(Labelled::new(DoctorInput::SYSTEM_ROOTS_LABEL, roots)),
        None => crate::system_roots().map(|(label, roots)| Labelled::new(label, roots)),
    }
}
