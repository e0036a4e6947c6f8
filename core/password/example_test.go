package password_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/zincware/zndraw-auth-go/core/password"
)

func Example() {
	ctx := context.Background()
	// Production code uses password.New(password.DefaultParams).
	h := password.New(password.TestParams)

	stored, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(stored, "$argon2id$v=19$m=64,t=1,p=1$"))

	ok, newHash, err := h.Verify(ctx, "correct horse battery staple", stored)
	fmt.Println(ok, newHash == "", err)

	// A legacy bcrypt hash matches and comes back upgraded to argon2id.
	ok, newHash, err = h.Verify(ctx, "bcrypt-2b-password", "$2b$05$RHoS9O6OHQQeBipE1Z25peslFfkllH4evBRKQA4zk10wpM79IPs3S")
	fmt.Println(ok, strings.HasPrefix(newHash, "$argon2id$"), err)

	_, _, err = h.Verify(ctx, "pw", "not a hash")
	fmt.Println(err)
	// Output:
	// true
	// true true <nil>
	// true true <nil>
	// password: unknown hash format
}
