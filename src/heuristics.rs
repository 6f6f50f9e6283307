//! The heuristics H1–H19 that the default rule set encodes, one line each.
//!
//! `pitfall rule ID` prints the statement of the rule's `source` heuristic so a reader
//! can trace the advice to the operating principle behind it without the design notes
//! at hand. The statements are our own summaries, not quotations of the source article.

/// A heuristic: its id (`H6`), the area of advice it belongs to, and one sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Heuristic {
    /// `H1` … `H19`.
    pub id: &'static str,
    /// One of the rule language's areas (`platform_entry`, `profit`, …).
    pub area: &'static str,
    /// The principle in one sentence.
    pub statement: &'static str,
}

/// Every heuristic, in order.
pub const HEURISTICS: &[Heuristic] = &[
    Heuristic {
        id: "H1",
        area: "platform_entry",
        statement: "Open a store only where the platform's regular shoppers already buy your categories and look like your customers.",
    },
    Heuristic {
        id: "H2",
        area: "platform_entry",
        statement: "Presence on every platform is not a goal in itself; each extra platform has to earn its place.",
    },
    Heuristic {
        id: "H3",
        area: "platform_entry",
        statement: "Every platform needs people of its own: two or three at the least, four or five to run it properly.",
    },
    Heuristic {
        id: "H4",
        area: "platform_entry",
        statement: "A business short of capital or management routines should settle its products and customer base first, then enter the one platform that fits.",
    },
    Heuristic {
        id: "H5",
        area: "profit",
        statement: "The platform's per-order deduction is a cost of every sale and must be known before any margin is planned.",
    },
    Heuristic {
        id: "H6",
        area: "profit",
        statement: "Each order has to carry its unit cost, the platform's cut, delivery and a share of the overheads, and still leave a margin.",
    },
    Heuristic {
        id: "H7",
        area: "profit",
        statement: "When the supplier leaves too small a share of the price, fix the supply side (bargaining power, supplier or product) before the store.",
    },
    Heuristic {
        id: "H8",
        area: "profit",
        statement: "Shoppers compare prices, so a product needs margin to spare after platform costs to follow a competitor's price.",
    },
    Heuristic {
        id: "H9",
        area: "resources",
        statement: "A few platforms usually earn most of the return; put money and people there first.",
    },
    Heuristic {
        id: "H10",
        area: "resources",
        statement: "Judge a platform on all of its costs: deposit, fees, deductions, logistics, advertising, store design and staff.",
    },
    Heuristic {
        id: "H11",
        area: "resources",
        statement: "A platform that has not recovered its costs after its start-up period calls for a decision: a plan to fix it, or an exit.",
    },
    Heuristic {
        id: "H12",
        area: "resources",
        statement: "Decide whether a platform is there to show the brand or to sell, then plan the pace of entry around that choice.",
    },
    Heuristic {
        id: "H13",
        area: "resources",
        statement: "Get one platform working (steady traffic, steady orders, a team that copes) before opening the next.",
    },
    Heuristic {
        id: "H14",
        area: "resources",
        statement: "Several platforms need dedicated people to keep product content consistent and to answer customers every day.",
    },
    Heuristic {
        id: "H15",
        area: "operations",
        statement: "Marketing tools belong to their platform; a playbook that works on one does not transfer to another.",
    },
    Heuristic {
        id: "H16",
        area: "operations",
        statement: "Activity slots are earned with a strong product, a price edge, a working tie to category operations, joined campaigns and reported plans.",
    },
    Heuristic {
        id: "H17",
        area: "operations",
        statement: "Accumulate basic sales data before asking for activity slots or scale.",
    },
    Heuristic {
        id: "H18",
        area: "operations",
        statement: "A sales-volume target alone hides costs; plan sales, marketing spend and operating costs ahead.",
    },
    Heuristic {
        id: "H19",
        area: "profit",
        statement: "An item priced below cost can be a deliberate activity investment, provided it is budgeted and tracked as one.",
    },
];

/// The heuristic with id `id` (`H6`), if it is one of H1–H19.
pub fn heuristic(id: &str) -> Option<&'static Heuristic> {
    HEURISTICS.iter().find(|h| h.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_run_from_h1_to_h19_in_order() {
        let ids: Vec<&str> = HEURISTICS.iter().map(|h| h.id).collect();
        let want: Vec<String> = (1..=19).map(|i| format!("H{i}")).collect();
        assert_eq!(ids, want);
    }

    #[test]
    fn every_area_is_a_rule_language_area() {
        for h in HEURISTICS {
            assert!(
                crate::check::ir::AREAS.contains(&h.area),
                "{} has area {}",
                h.id,
                h.area
            );
            assert!(h.statement.ends_with('.'), "{}", h.id);
        }
    }
}
