//! Go's certificate-policy validation: RFC 5280 §6.1 with the policy tree replaced by RFC 9618's
//! policy graph, exactly as `crypto/x509` runs it on every candidate chain.
//!
//! Go validates with no initial policy set of its own (the user set is anyPolicy) and none of the
//! three initial inhibit flags, so a chain fails only through the certificates' own constraints:
//! an explicit policy required (policyConstraints requireExplicitPolicy) that no path of policies
//! satisfies, or a policy mapping to or from anyPolicy while mapping is allowed. The graph has at
//! most one node per policy OID and depth, and each certificate adds at most its own policies and
//! mappings, so the cost is bounded by the chain's size.

use std::collections::BTreeSet;

use crate::Certificate;

/// anyPolicy, 2.5.29.32.0, as OBJECT IDENTIFIER contents.
const ANY_POLICY: &[u8] = &[0x55, 0x1d, 0x20, 0x00];

/// One node: a policy valid along the path to it, and the policies it accepts below.
#[derive(Debug)]
struct Node<'a> {
    policy: &'a [u8],
    expected: Vec<&'a [u8]>,
    /// (stratum, index) of each parent: the stratum above, except for a node a policy mapping
    /// hangs under the anyPolicy leaf beside it (Go links those within one stratum).
    parents: BTreeSet<Slot>,
    /// How many nodes name this one as a parent.
    children: usize,
}

/// Where a node lives: (stratum, index in it).
type Slot = (usize, usize);

impl<'a> Node<'a> {
    fn new(policy: &'a [u8], parents: BTreeSet<Slot>) -> Self {
        Node { policy, expected: vec![policy], parents, children: 0 }
    }
}

/// The policy graph: one stratum per certificate processed, stratum 0 the anyPolicy root.
/// A deleted node leaves `None` behind so indices stay stable.
struct Graph<'a> {
    strata: Vec<Vec<Option<Node<'a>>>>,
}

impl<'a> Graph<'a> {
    fn new() -> Self {
        Graph { strata: vec![vec![Some(Node::new(ANY_POLICY, BTreeSet::new()))]] }
    }

    fn depth(&self) -> usize {
        self.strata.len() - 1
    }

    fn live<'s>(stratum: &'s [Option<Node<'a>>]) -> impl Iterator<Item = (usize, &'s Node<'a>)> + use<'s, 'a> {
        stratum.iter().enumerate().filter_map(|(i, n)| n.as_ref().map(|n| (i, n)))
    }

    fn leaves(&self) -> &[Option<Node<'a>>] {
        &self.strata[self.depth()]
    }

    fn parents(&self) -> &[Option<Node<'a>>] {
        match self.depth() {
            0 => &[],
            d => &self.strata[d - 1],
        }
    }

    fn leaf_with(&self, policy: &[u8]) -> Option<usize> {
        Self::live(self.leaves()).find(|(_, n)| n.policy == policy).map(|(i, _)| i)
    }

    fn node_mut(&mut self, (depth, index): Slot) -> Option<&mut Node<'a>> {
        self.strata.get_mut(depth)?.get_mut(index)?.as_mut()
    }

    /// Adds a leaf, linking it under its parents.
    fn insert(&mut self, node: Node<'a>) {
        for &slot in &node.parents {
            if let Some(parent) = self.node_mut(slot) {
                parent.children += 1;
            }
        }
        let depth = self.depth();
        self.strata[depth].push(Some(node));
    }

    fn remove(&mut self, slot: Slot) {
        let Some(node) = self.strata[slot.0][slot.1].take() else { return };
        for parent in node.parents {
            if let Some(parent) = self.node_mut(parent) {
                parent.children = parent.children.saturating_sub(1);
            }
        }
    }

    /// Removes, from the stratum above the leaves up to stratum 1, every node left without
    /// children (RFC 9618's pruning; the root and the leaves stay).
    fn prune(&mut self) {
        for depth in (1..self.depth()).rev() {
            let childless: Vec<usize> =
                Self::live(&self.strata[depth]).filter(|(_, n)| n.children == 0).map(|(i, _)| i).collect();
            for index in childless {
                self.remove((depth, index));
            }
        }
    }

    fn deepen(&mut self) {
        self.strata.push(Vec::new());
    }

    /// The nodes whose one parent is anyPolicy, themselves not anyPolicy: the valid policies.
    fn valid_policies(&self) -> BTreeSet<&'a [u8]> {
        let mut valid = BTreeSet::new();
        for depth in 1..self.strata.len() {
            for (_, node) in Self::live(&self.strata[depth]) {
                if node.policy == ANY_POLICY || node.parents.len() != 1 {
                    continue;
                }
                let above = node.parents.iter().next().and_then(|&(d, i)| self.strata[d][i].as_ref());
                if above.is_some_and(|p| p.policy == ANY_POLICY) {
                    valid.insert(node.policy);
                }
            }
        }
        valid
    }
}

/// A constraint value as Go reads it: negative values are ignored.
fn constraint(value: Option<i64>) -> Option<i64> {
    value.filter(|v| *v >= 0)
}

/// Whether the chain (leaf first, anchor last) passes Go's policy validation.
pub(super) fn chain_valid<'a>(chain: &'a [Certificate]) -> bool {
    if chain.len() <= 1 {
        return true;
    }
    // n certificates below the trust anchor, processed from the one it signed down to the leaf.
    let n = chain.len() - 1;
    // The common case, decided without a graph: the explicit-policy counter starts at n + 1 and
    // loses at most one per certificate, so only a requireExplicitPolicy can bring it to zero,
    // and only a policy mapping can fail on its own.
    if chain[..n]
        .iter()
        .all(|c| constraint(c.policies().require_explicit).is_none() && c.policies().mappings.is_empty())
    {
        return true;
    }
    let start = i64::try_from(n).unwrap_or(i64::MAX).saturating_add(1);
    let (mut explicit_policy, mut policy_mapping, mut inhibit_any) = (start, start, start);
    let mut graph: Option<Graph<'a>> = Some(Graph::new());

    for i in (0..n).rev() {
        let cert = &chain[i];
        let policies = cert.policies();
        let self_issued = cert.raw_issuer() == cert.raw_subject();

        // 6.1.3 (e), (f)
        if policies.identifiers.is_empty() {
            graph = None;
        }
        if explicit_policy == 0 && graph.is_none() {
            return false;
        }

        if let Some(pg) = graph.as_mut() {
            pg.deepen();
            // 6.1.3 (d) (1): each policy under the parents expecting it, else under anyPolicy.
            for policy in &policies.identifiers {
                if policy.as_slice() == ANY_POLICY {
                    continue;
                }
                let above = pg.depth() - 1;
                let mut parents: BTreeSet<Slot> = Graph::live(pg.parents())
                    .filter(|(_, p)| p.expected.contains(&policy.as_slice()))
                    .map(|(i, _)| (above, i))
                    .collect();
                if parents.is_empty()
                    && let Some((any, _)) = Graph::live(pg.parents()).find(|(_, p)| p.policy == ANY_POLICY)
                {
                    parents.insert((above, any));
                }
                if !parents.is_empty() {
                    pg.insert(Node::new(policy, parents));
                }
            }
            // 6.1.3 (d) (2): anyPolicy, when still allowed, carries every expected policy
            // not yet a leaf. Go's "i < n" reads, in its leaf-first indices, as "not the leaf".
            let asserts_any = policies.identifiers.iter().any(|p| p.as_slice() == ANY_POLICY);
            if asserts_any && (inhibit_any > 0 || (n - i < n && self_issued)) {
                let above = pg.depth() - 1;
                let mut wanted: Vec<(&'a [u8], BTreeSet<Slot>)> = Vec::new();
                for (index, parent) in Graph::live(pg.parents()) {
                    for &expected in &parent.expected {
                        if pg.leaf_with(expected).is_some() {
                            continue;
                        }
                        match wanted.iter_mut().find(|(p, _)| *p == expected) {
                            Some((_, parents)) => {
                                parents.insert((above, index));
                            }
                            None => wanted.push((expected, BTreeSet::from([(above, index)]))),
                        }
                    }
                }
                for (policy, parents) in wanted {
                    pg.insert(Node::new(policy, parents));
                }
            }
            // 6.1.3 (d) (3)
            pg.prune();

            // 6.1.4 (b): policy mappings, for every certificate but the leaf.
            if i != 0 && !policies.mappings.is_empty() {
                let mut mapped: Vec<(&'a [u8], Vec<&'a [u8]>)> = Vec::new();
                for (issuer, subject) in &policies.mappings {
                    if policy_mapping > 0 {
                        if issuer.as_slice() == ANY_POLICY || subject.as_slice() == ANY_POLICY {
                            return false;
                        }
                        match mapped.iter_mut().find(|(p, _)| *p == issuer.as_slice()) {
                            Some((_, subjects)) => subjects.push(subject),
                            None => mapped.push((issuer, vec![subject])),
                        }
                    } else if let Some(leaf) = pg.leaf_with(issuer) {
                        let depth = pg.depth();
                        pg.remove((depth, leaf));
                    }
                }
                pg.prune();
                let depth = pg.depth();
                for (issuer, subjects) in mapped {
                    if let Some(leaf) = pg.leaf_with(issuer) {
                        if let Some(node) = pg.strata[depth][leaf].as_mut() {
                            node.expected = subjects;
                        }
                    } else if let Some(any) = pg.leaf_with(ANY_POLICY) {
                        // Go hangs the new node under the anyPolicy leaf, in the same stratum.
                        let mut node = Node::new(issuer, BTreeSet::from([(depth, any)]));
                        node.expected = subjects;
                        pg.insert(node);
                    }
                }
            }
        }

        if i != 0 {
            // 6.1.4 (h)
            if !self_issued {
                explicit_policy = (explicit_policy - 1).max(0);
                policy_mapping = (policy_mapping - 1).max(0);
                inhibit_any = (inhibit_any - 1).max(0);
            }
            // 6.1.4 (i), (j)
            if let Some(v) = constraint(policies.require_explicit) {
                explicit_policy = explicit_policy.min(v);
            }
            if let Some(v) = constraint(policies.inhibit_mapping) {
                policy_mapping = policy_mapping.min(v);
            }
            if let Some(v) = constraint(policies.inhibit_any) {
                inhibit_any = inhibit_any.min(v);
            }
        }
    }

    // 6.1.5 (a), (b)
    explicit_policy = (explicit_policy - 1).max(0);
    if chain[0].policies().require_explicit == Some(0) {
        explicit_policy = 0;
    }
    // 6.1.5 (g): with anyPolicy as the user's set, the user-constrained set is the
    // authority-constrained one: the valid policies, plus anyPolicy when it is still a leaf.
    let valid = match &graph {
        Some(pg) => !pg.valid_policies().is_empty() || pg.leaf_with(ANY_POLICY).is_some(),
        None => false,
    };
    explicit_policy != 0 || valid
}
