package core

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Delivery hooks (OnAfterForgotPassword, OnAfterRequestVerify) run off the
// request path, so that the answer costs the same whether an address
// exists or not, whatever the hook does: see Hooks.
const (
	// deliveryWorkers is how many deliveries run at once.
	deliveryWorkers = 4
	// deliveryBacklog is how many deliveries may wait; one more is dropped
	// and logged.
	deliveryBacklog = 1024
	// deliveryTimeout bounds one delivery.
	deliveryTimeout = time.Minute
)

// deliveries is the Service's bounded queue of delivery hooks: at most
// deliveryWorkers goroutines, started when there is work and gone when
// there is none.
type deliveries struct {
	mu      sync.Mutex
	queue   []func()
	running int
	pending int           // queued or running
	idle    chan struct{} // closed while pending == 0
}

// deliver runs hook (named name, for logs) in the background with ctx's
// values but not its cancellation, bounded by deliveryTimeout. A full
// backlog drops the delivery and logs it.
func (s *Service) deliver(ctx context.Context, name string, meta RequestMeta, hook func(context.Context) error) {
	d := &s.delivery
	job := func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deliveryTimeout)
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				s.log.ErrorContext(dctx, "zndraw-auth: delivery hook panicked", "hook", name, "panic", fmt.Sprint(r))
			}
		}()
		s.afterHook(dctx, name, hook(dctx))
	}
	d.mu.Lock()
	if len(d.queue) >= deliveryBacklog {
		d.mu.Unlock()
		s.event(ctx, slog.LevelError, "delivery_dropped", meta, slog.String("hook", name), slog.Int("backlog", deliveryBacklog))
		return
	}
	if d.pending == 0 {
		d.idle = make(chan struct{})
	}
	d.pending++
	d.queue = append(d.queue, job)
	if d.running < deliveryWorkers {
		d.running++
		go d.work()
	}
	d.mu.Unlock()
}

// work runs queued deliveries until there are none.
func (d *deliveries) work() {
	for {
		d.mu.Lock()
		if len(d.queue) == 0 {
			d.running--
			d.mu.Unlock()
			return
		}
		job := d.queue[0]
		d.queue[0] = nil
		d.queue = d.queue[1:]
		d.mu.Unlock()
		job()
		d.mu.Lock()
		d.pending--
		if d.pending == 0 {
			close(d.idle)
		}
		d.mu.Unlock()
	}
}

// Drain waits until every delivery hook queued so far (and any queued
// while it waits) has run, or ctx ends. Call it at shutdown, after the
// HTTP server stopped taking requests, so that no reset or verification
// mail is lost; tests call it before they read what a hook delivered.
func (s *Service) Drain(ctx context.Context) error {
	d := &s.delivery
	d.mu.Lock()
	if d.pending == 0 {
		d.mu.Unlock()
		return nil
	}
	idle := d.idle
	d.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
