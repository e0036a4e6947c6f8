// Package barrier starts goroutines together, for the race tests of the
// kit: the exactly-once and single-use rules are only proven when every
// contender is running before the first one acts.
package barrier

import "sync"

// Run calls f(0) … f(n-1) in n goroutines that all wait on one barrier,
// opened only once every goroutine has started, and returns when all have
// finished.
func Run(n int, f func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	for i := range n {
		done.Go(func() {
			ready.Done()
			<-start
			f(i)
		})
	}
	ready.Wait()
	close(start)
	done.Wait()
}
