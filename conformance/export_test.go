package conformance

// Cost is what a case declares it takes (users, and requests per budget
// other than logins) or took, for the tests of the declarations.
type Cost struct {
	Users int
	Uses  [numBudgets]int
}

// DeclaredCosts are the cases' declarations by id.
func DeclaredCosts() map[string]Cost {
	out := map[string]Cost{}
	for _, cs := range cases() {
		out[cs.id] = Cost{Users: cs.users, Uses: cs.uses}
	}
	return out
}

// TakenBy is what a case took (newUser calls; its other requests from the
// suite's address per budget, fixture registrations and logins left out).
func TakenBy(r Result) Cost {
	c := Cost{Users: r.newUsers, Uses: r.spent}
	c.Uses[budgetRegister] -= r.fixtureRegs
	c.Uses[budgetLogin] = 0 // paced, not planned
	return c
}

// PlannedFor is what the runner planned for the case of r (its declared
// uses and costs).
func PlannedFor(r Result) Cost { return Cost{Users: -1, Uses: r.planned} }

// Within reports whether c takes no more of any budget than o.
func (c Cost) Within(o Cost) bool {
	for b := range c.Uses {
		if c.Uses[b] > o.Uses[b] {
			return false
		}
	}
	return true
}
