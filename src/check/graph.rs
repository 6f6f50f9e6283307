//! Dependencies between rules through the facts they conclude: cycles and order.
//!
//! A rule that reads a fact (directly, or through lets) must run after the rule that
//! concludes it. A circle of such reads has no order and is an error that names the
//! circle; otherwise rules run in dependency order, ties kept in declaration order.

use std::collections::BTreeSet;

use crate::fasthash::{FastMap, FastSet};

use super::ir::Loc;
use super::{CheckCode, CheckError, Checker, Global, Owner};

/// Facts read by `owner`, directly or through the global lets it reads.
fn facts_read(
    checker: &Checker,
    owner: Owner,
    memo: &mut FastMap<Owner, BTreeSet<usize>>,
) -> BTreeSet<usize> {
    if let Some(done) = memo.get(&owner) {
        return done.clone();
    }
    // Mark before recursing: a cycle among lets is reported by the let checker, and
    // here it must only not loop.
    memo.insert(owner, BTreeSet::new());
    let mut out = BTreeSet::new();
    if let Some(deps) = checker.deps.get(&owner) {
        for g in deps {
            match g {
                Global::Fact(f) => {
                    out.insert(*f);
                }
                Global::Let(l) => out.extend(facts_read(checker, Owner::Let(*l), memo)),
                Global::Param(_) | Global::Table(_) => {}
            }
        }
    }
    memo.insert(owner, out.clone());
    out
}

/// Rule indices (declaration order) in evaluation order; reports cycles.
pub(super) fn order(checker: &mut Checker) -> Vec<usize> {
    let n = checker.rules.len();
    let mut memo = FastMap::default();
    // needs[r] = rules that must run before r.
    let mut needs: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    let mut via: FastMap<(usize, usize), usize> = FastMap::default();
    for (r, slot) in needs.iter_mut().enumerate() {
        for f in facts_read(checker, Owner::Rule(r), &mut memo) {
            if let Some((_, by)) = checker.facts.get(f)
                && *by < n
            {
                slot.insert(*by);
                via.insert((r, *by), f);
            }
        }
    }

    // Kahn's algorithm, always taking the lowest ready index: deterministic and
    // faithful to declaration order where dependencies allow.
    let mut remaining: Vec<usize> = needs.iter().map(BTreeSet::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (r, ns) in needs.iter().enumerate() {
        for &s in ns {
            if let Some(d) = dependents.get_mut(s) {
                d.push(r);
            }
        }
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|r| remaining[*r] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(r) = ready.pop_first() {
        order.push(r);
        for &d in dependents.get(r).map_or(&[][..], Vec::as_slice) {
            if let Some(c) = remaining.get_mut(d) {
                *c -= 1;
                if *c == 0 {
                    ready.insert(d);
                }
            }
        }
    }
    if order.len() < n {
        report_cycles(checker, &needs, &via, &order);
        let placed: FastSet<usize> = order.iter().copied().collect();
        order.extend((0..n).filter(|r| !placed.contains(r)));
    }
    order
}

/// Finds each circle among the rules left unordered and reports it once.
fn report_cycles(
    checker: &mut Checker,
    needs: &[BTreeSet<usize>],
    via: &FastMap<(usize, usize), usize>,
    placed: &[usize],
) {
    let placed: FastSet<usize> = placed.iter().copied().collect();
    let mut reported: FastSet<usize> = FastSet::default();
    for start in 0..needs.len() {
        if placed.contains(&start) || reported.contains(&start) {
            continue;
        }
        // Walk "needs" edges among unplaced rules until a rule repeats.
        let mut path = vec![start];
        let mut cur = start;
        let cycle = loop {
            let next = needs
                .get(cur)
                .and_then(|ns| ns.iter().find(|s| !placed.contains(s)).copied());
            let Some(next) = next else { break None };
            if let Some(pos) = path.iter().position(|p| *p == next) {
                break Some(path[pos..].to_vec());
            }
            path.push(next);
            cur = next;
        };
        let Some(cycle) = cycle else { continue };
        if cycle.iter().any(|r| reported.contains(r)) {
            continue;
        }
        reported.extend(cycle.iter().copied());
        let names: Vec<String> = cycle
            .iter()
            .map(|r| {
                checker
                    .rules
                    .get(*r)
                    .and_then(|x| x.as_ref())
                    .map_or("?".into(), |x| x.id.clone())
            })
            .collect();
        let mut steps = Vec::new();
        for (i, r) in cycle.iter().enumerate() {
            let next = cycle[(i + 1) % cycle.len()];
            let fact = via
                .get(&(*r, next))
                .and_then(|f| checker.facts.get(*f))
                .map_or("?".to_owned(), |(name, _)| name.clone());
            steps.push(format!(
                "reads `{fact}`, concluded by `{}`",
                names[(i + 1) % cycle.len()]
            ));
        }
        // Label each rule of the circle at its id with the fact it reads; the help
        // spells the circle out too when it crosses files (a label cannot).
        let locs: Vec<Option<Loc>> = names
            .iter()
            .map(|n| checker.rule_ids.get(n).copied())
            .collect();
        let Some(Some(first)) = locs.first().copied() else {
            continue;
        };
        let src = checker.src(first.file).clone();
        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let mut e = CheckError::new(
            CheckCode::Cycle,
            &src,
            first.span,
            format!(
                "rules depend on each other in a circle: {} → {}",
                quoted.join(" → "),
                quoted[0]
            ),
            steps[0].clone(),
        );
        let mut one_file = true;
        for (loc, step) in locs.iter().zip(&steps).skip(1) {
            match loc {
                Some(l) if l.file == first.file => e = e.also(l.span, step.clone()),
                _ => one_file = false,
            }
        }
        let fix =
            "break the circle by having one rule compute what it needs instead of reading a fact";
        let e = if one_file {
            e.help(fix)
        } else {
            let spelled: Vec<String> = names
                .iter()
                .zip(&steps)
                .map(|(n, s)| format!("`{n}` {s}"))
                .collect();
            e.help(format!("{}; {fix}", spelled.join("; ")))
        };
        checker.errors.push(e);
    }
}
