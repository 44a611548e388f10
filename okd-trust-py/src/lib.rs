//! Python bindings of okd-trust: the extension module `okd_trust._native`.
//!
//! The bindings hold no logic: each function converts its arguments, calls one core function and
//! converts the result. The pure-Python package `okd_trust` (in `python/`) re-exports everything
//! here and ships the type stubs. Build with maturin (`pip install ./okd-trust-py`); a plain
//! `cargo build` of this crate links libpython and is not a wheel.

mod bundle;
mod cert;
mod cluster;
mod convert;
mod diagnose;
mod errors;
mod input;
mod kubeconfig;
mod verify;

use pyo3::prelude::*;

/// The examples built into the core, by name, for tests and demos.
fn examples(py: Python<'_>) -> PyResult<Bound<'_, pyo3::types::PyDict>> {
    use okd_trust::examples as e;
    let dict = pyo3::types::PyDict::new(py);
    dict.set_item("NODE_KUBECONFIG", e::NODE_KUBECONFIG)?;
    dict.set_item("BOOTSTRAP_KUBECONFIG", e::BOOTSTRAP_KUBECONFIG)?;
    dict.set_item("CLUSTER_CA_BUNDLE", e::CLUSTER_CA_BUNDLE)?;
    dict.set_item("API_INT_SERVING_CHAIN", e::API_INT_SERVING_CHAIN)?;
    Ok(dict)
}

/// Predict, explain and safely repair client-to-server TLS trust in OKD/OpenShift clusters.
#[pymodule]
#[pyo3(name = "_native")]
fn okd_trust_py(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    m.add_class::<cert::PyCertificate>()?;
    m.add_class::<verify::PyCertSummary>()?;
    m.add_class::<bundle::PyBundleWarning>()?;
    m.add_class::<bundle::PyBundleDiff>()?;
    m.add_class::<bundle::PyCaBundle>()?;
    m.add_class::<kubeconfig::PyKubeconfig>()?;
    m.add_class::<verify::PyVerdict>()?;
    m.add_class::<diagnose::PyFinding>()?;
    m.add_class::<diagnose::PyKubeconfigRepair>()?;
    m.add_class::<diagnose::PyPlan>()?;
    m.add_class::<diagnose::PyDiagnosis>()?;
    m.add_function(wrap_pyfunction!(verify::verify, m)?)?;
    m.add_function(wrap_pyfunction!(diagnose::diagnose, m)?)?;
    m.add_function(wrap_pyfunction!(diagnose::repair_kubeconfig, m)?)?;
    m.add_function(wrap_pyfunction!(diagnose::repair_ca_file, m)?)?;
    m.add_function(wrap_pyfunction!(diagnose::repair_bundle_file, m)?)?;
    m.add_function(wrap_pyfunction!(input::read_file, m)?)?;
    m.add_function(wrap_pyfunction!(input::base_dir, m)?)?;
    m.add_function(wrap_pyfunction!(diagnose::repaired_bundle, m)?)?;
    m.add_class::<cluster::PyClusterReport>()?;
    m.add_class::<cluster::PySigner>()?;
    m.add_class::<cluster::PyBundle>()?;
    m.add_class::<cluster::PyEndpoint>()?;
    m.add_class::<cluster::PyEdge>()?;
    m.add_class::<cluster::PyClusterFinding>()?;
    m.add_function(wrap_pyfunction!(cluster::analyze, m)?)?;
    m.add("EXAMPLES", examples(m.py())?)?;
    Ok(())
}
