//! The linear structure of one exact-mode table, reasoned about the units, not the cells.
//!
//! Units counted in exactly the same numbers (the same cells and margins) form an *atom*; the
//! unknowns a reader faces are the atoms' values, and every number the table holds — cell,
//! margin, total — is the sum of the atoms it contains. (Assuming the reader knows which atoms
//! exist is the worst case for us: it only adds equations she could use.) With single-valued
//! dimensions each non-empty cell is one atom and the total is the sum of the cells; when a
//! case counts under several violence types, the total is not a function of the cells at all.
//!
//! Numbers other than the total that share an atom are linked; the linked groups are
//! *components*. The total touches every atom, so it is kept out of the grouping and handled
//! by one identity (see [`super::complementary`]): the system splits into small
//! per-component systems even for tables with thousands of cells.

use std::collections::{BTreeMap, BTreeSet};

use super::linear::{Overflow, Ratio, express};

/// The atoms and components of a table whose non-total numbers are `0..quantity_count`.
#[derive(Debug)]
pub struct Structure {
    /// Each atom's pattern: the non-total numbers its units are counted in, ascending.
    atoms: Vec<Vec<usize>>,
    /// Linked numbers and the atoms they share.
    components: Vec<Component>,
    /// The component of each non-total number.
    component_of: Vec<usize>,
}

#[derive(Debug, Default)]
pub struct Component {
    pub quantities: Vec<usize>,
    /// Indices into `Structure::atoms`.
    atoms: Vec<usize>,
}

/// What a component's published numbers can express.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// One of the component's own numbers.
    Quantity(usize),
    /// The sum of all the component's atoms: its share of the total.
    Share,
}

impl Structure {
    /// `patterns` holds each unit's pattern (ascending, without repeats).
    pub fn new(quantity_count: usize, patterns: impl IntoIterator<Item = Vec<usize>>) -> Self {
        let atoms: Vec<Vec<usize>> = patterns
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut atoms_of: Vec<Vec<usize>> = vec![Vec::new(); quantity_count];
        for (atom, pattern) in atoms.iter().enumerate() {
            for quantity in pattern {
                if let Some(list) = atoms_of.get_mut(*quantity) {
                    list.push(atom);
                }
            }
        }

        // Label the components by walking number → atom → number.
        let mut label: Vec<Option<usize>> = vec![None; quantity_count];
        let mut components: Vec<Component> = Vec::new();
        for start in 0..quantity_count {
            if label.get(start).copied().flatten().is_some() {
                continue;
            }
            let id = components.len();
            let mut component = Component::default();
            let mut reached: BTreeSet<usize> = BTreeSet::new();
            let mut queue = vec![start];
            set(&mut label, start, id);
            while let Some(quantity) = queue.pop() {
                component.quantities.push(quantity);
                for atom in atoms_of.get(quantity).into_iter().flatten() {
                    reached.insert(*atom);
                    for other in atoms.get(*atom).into_iter().flatten() {
                        if label.get(*other).copied().flatten().is_none() {
                            set(&mut label, *other, id);
                            queue.push(*other);
                        }
                    }
                }
            }
            component.quantities.sort_unstable();
            component.atoms = reached.into_iter().collect();
            components.push(component);
        }
        // Units counted in no cell (a table without dimensions) are their own component.
        if let Some(loose) = atoms.iter().position(Vec::is_empty) {
            components.push(Component {
                quantities: Vec::new(),
                atoms: vec![loose],
            });
        }
        let component_of = label.into_iter().map(|c| c.unwrap_or(0)).collect();
        Self {
            atoms,
            components,
            component_of,
        }
    }

    pub fn components(&self) -> &[Component] {
        &self.components
    }

    pub fn component_of(&self, quantity: usize) -> Option<usize> {
        self.component_of.get(quantity).copied()
    }

    /// Which of `published` (numbers of `component`), and whether its share of the total
    /// (`with_share`), combine to `target`; `None` when no combination does. The share, when
    /// used, is reported as `share_marker`. On overflow, assumes the worst: everything
    /// offered is used.
    pub fn derive(
        &self,
        component: usize,
        published: &[usize],
        with_share: Option<usize>,
        target: Target,
    ) -> Option<BTreeSet<usize>> {
        let component = self.components.get(component)?;
        let mut offered: Vec<usize> = published.to_vec();
        let mut vectors: Vec<Vec<Ratio>> = published
            .iter()
            .map(|q| self.vector(component, Target::Quantity(*q)))
            .collect();
        if let Some(marker) = with_share {
            offered.push(marker);
            vectors.push(self.vector(component, Target::Share));
        }
        match express(&vectors, &self.vector(component, target)) {
            Ok(Some(coefficients)) => Some(
                offered
                    .iter()
                    .zip(&coefficients)
                    .filter(|(_, coefficient)| !coefficient.is_zero())
                    .map(|(quantity, _)| *quantity)
                    .collect(),
            ),
            Ok(None) => None,
            Err(Overflow) => Some(offered.into_iter().collect()),
        }
    }

    /// A number as a 0/1 vector over the component's atoms.
    fn vector(&self, component: &Component, target: Target) -> Vec<Ratio> {
        component
            .atoms
            .iter()
            .map(|atom| {
                let inside = match target {
                    Target::Share => true,
                    Target::Quantity(q) => self
                        .atoms
                        .get(*atom)
                        .is_some_and(|pattern| pattern.binary_search(&q).is_ok()),
                };
                Ratio::integer(i128::from(inside))
            })
            .collect()
    }
}

fn set(label: &mut [Option<usize>], quantity: usize, id: usize) {
    if let Some(slot) = label.get_mut(quantity) {
        *slot = Some(id);
    }
}

/// Each unit's pattern: its cells, plus the margins holding any of them, ascending.
pub fn pattern(cells: &[usize], margins_of_cell: &BTreeMap<usize, Vec<usize>>) -> Vec<usize> {
    let mut pattern: BTreeSet<usize> = cells.iter().copied().collect();
    for cell in cells {
        pattern.extend(margins_of_cell.get(cell).into_iter().flatten());
    }
    pattern.into_iter().collect()
}
