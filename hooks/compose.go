package hooks

import (
	"errors"
	"reflect"
	"strings"

	"github.com/zincware/zndraw-auth-go/core"
)

// Compose returns the hook sets run as one, in the given order. A field set
// in only one of them is taken as it is; a field set in several runs each
// in turn: before-hooks (ValidatePassword, OnBeforeDelete) stop at the first
// error, which vetoes the operation; after-hooks all run, even when an
// earlier one fails, and their errors are joined (the Service logs them).
//
// Compose works field by field over core.Hooks, so a hook added to
// core.Hooks composes without a change here.
func Compose(sets ...core.Hooks) core.Hooks {
	var out core.Hooks
	dst := reflect.ValueOf(&out).Elem()
	typ := dst.Type()
	for i := range typ.NumField() {
		var fns []reflect.Value
		for _, s := range sets {
			if f := reflect.ValueOf(s).Field(i); !f.IsNil() {
				fns = append(fns, f)
			}
		}
		switch len(fns) {
		case 0:
		case 1:
			dst.Field(i).Set(fns[0])
		default:
			dst.Field(i).Set(reflect.MakeFunc(typ.Field(i).Type, chain(fns, isBefore(typ.Field(i).Name))))
		}
	}
	return out
}

// isBefore reports whether the hook field name is a before-hook, whose
// error vetoes the operation (see core.Hooks).
func isBefore(name string) bool {
	return strings.HasPrefix(name, "Validate") || strings.HasPrefix(name, "OnBefore")
}

// chain calls fns in order with the same arguments. Every hook returns one
// error: a before-chain returns the first non-nil one, an after-chain runs
// them all and joins their errors.
func chain(fns []reflect.Value, before bool) func([]reflect.Value) []reflect.Value {
	return func(args []reflect.Value) []reflect.Value {
		var errs []error
		for _, f := range fns {
			if err, _ := f.Call(args)[0].Interface().(error); err != nil {
				if before {
					return []reflect.Value{reflect.ValueOf(&err).Elem()}
				}
				errs = append(errs, err)
			}
		}
		err := errors.Join(errs...)
		return []reflect.Value{reflect.ValueOf(&err).Elem()}
	}
}
