//! Budgets that bound the work any input can cause.

/// Upper bounds on what one call will accept. Inputs beyond a bound are refused with an error
/// naming the bound, so hostile input (billion laughs, deep nesting, huge bundles) costs little.
/// Start from the defaults and set what you need, so that limits added later keep their default
/// (the struct is `#[non_exhaustive]`: it grows without breaking callers).
///
/// ```
/// use okd_trust::Limits;
/// let mut tight = Limits::default();
/// tight.max_pem_blocks = 16;
/// assert!(tight.max_input_bytes > 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest input accepted, in bytes (kubeconfig, manifest or PEM text).
    pub max_input_bytes: usize,
    /// Most PEM blocks scanned in one input.
    pub max_pem_blocks: usize,
    /// Largest DER certificate accepted, in bytes.
    pub max_der_bytes: usize,
    /// Deepest nesting of YAML/JSON collections.
    pub max_nesting_depth: usize,
    /// Most YAML/JSON nodes (scalars and collections) in one document, counting alias expansion.
    pub max_nodes: usize,
    /// Most alias references followed in one YAML document.
    pub max_aliases: usize,
    /// Most bytes of scalar text (keys and values) that aliases may copy into one YAML document.
    /// Counting alias *nodes* is not enough: one alias of a large string costs its whole size.
    pub max_alias_bytes: usize,
}

impl Limits {
    /// Generous defaults: a 1,000-cluster kubeconfig or a 10,000-certificate bundle fits.
    pub const DEFAULT: Limits = Limits {
        max_input_bytes: 64 << 20,
        max_pem_blocks: 10_000,
        max_der_bytes: 1 << 20,
        max_nesting_depth: 64,
        max_nodes: 250_000,
        max_aliases: 1_000,
        max_alias_bytes: 16 << 20,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
