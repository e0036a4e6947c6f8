package conformance

import "slices"

// cases lists every case in the order they run.
func cases() []testCase {
	return slices.Concat(
		authRouterCases(),
		registerCases(),
		usersMeCases(),
		usersIDCases(),
		resetCases(),
		verifyCases(),
		routeCases(),
		zndrawAuthCases(),
		zndrawUsersCases(),
		cliCases(),
		adminCases(),
		scopedCases(),
		cliExtraCases(),
		adminExtraCases(),
		wireExtraCases(),
		fixCases(),
		cliFixCases(),
		tokenCases(),
		hostileCases(),
		accessCases(),
		limitCases(),
		productionCases(),
	)
}
