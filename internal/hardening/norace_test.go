//go:build !race

package hardening_test

// raceEnabled reports whether the tests run under the race detector, which
// makes argon2 about 30 times slower.
const raceEnabled = false
