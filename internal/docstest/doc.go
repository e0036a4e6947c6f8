// Package docstest keeps the documentation honest: its test compiles every
// Go snippet of README.md and docs/*.md, and every example server copied
// out of the repository, in a module of its own that requires the kit (a
// replace directive points at this checkout), as a reader would.
//
// A snippet that starts with a package clause is a file. Any other snippet
// is a fragment: it needs an HTML comment on the line before its fence that
// declares what it uses, which the reader does not see:
//
//	<!-- go-fragment: ctx context.Context, svc *core.Service -->
//
// The fragment becomes the body of a function with those parameters that
// returns an error; imports are added for the package names it uses.
package docstest
