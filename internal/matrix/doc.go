// Package matrix holds the tests that run against all three adapters
// (net/http, gin, fiber) at once: the conformance suite on every adapter
// and store, and a hostile-input table whose answers must be identical
// byte for byte across the adapters. It exports nothing.
package matrix
